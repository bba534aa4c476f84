#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: loopback only, trust
# authentication, durability off (fsync=off: the data is worthless after the
# run), in a temporary folder removed by `stop`.
#
#   scripts/pg-test-cluster.sh start        start it (once per checkout) and print its URL
#   scripts/pg-test-cluster.sh url          print the running cluster's URL (exit 1 when none)
#   scripts/pg-test-cluster.sh stop         stop it and delete its data
#   scripts/pg-test-cluster.sh run -- CMD…  start, run CMD with TEST_POSTGRES_URL set, stop
#                                           (pass or fail), exit with CMD's status
#
# The URL points at the cluster's `postgres` database as its superuser; the
# test harness (tests/helpers/global-setup.ts) creates its own databases there
# when TEST_POSTGRES_URL is set, and runs the database suites on PostgreSQL too.
#
# Set-up, each step only when needed:
# - PostgreSQL from Debian's packages (`apt-get install postgresql`, as root);
# - as root, a dedicated system user `ritournelle-pg` that owns the cluster:
#   initdb and postgres refuse to run as root. As another user, the cluster
#   runs as that user.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLUSTER_USER=ritournelle-pg
SUPERUSER=ritournelle
# One cluster per checkout: its state file lives in the checkout (gitignored).
STATE_FILE=${PG_TEST_CLUSTER_STATE:-$(pwd)/tests/.tmp/pg-cluster.env}

usage() {
  sed -n '6,10p' "$0" | sed 's/^# \{0,1\}//'
}

log() { echo "pg-test-cluster: $*" >&2; }

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/postgres" ]; then
    echo "$dir"
  elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
  fi
}

ensure_postgres_installed() {
  [ -n "$(postgres_bin)" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    log "PostgreSQL is not installed: run 'sudo apt-get install postgresql' and try again."
    exit 1
  fi
  [ -n "$(postgres_bin)" ] || { log "PostgreSQL was installed but no postgres binary was found under /usr/lib/postgresql."; exit 1; }
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$CLUSTER_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_owner() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$CLUSTER_USER" >/dev/null 2>&1 && return 0
  log "creating the system user $CLUSTER_USER"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$CLUSTER_USER"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

read_state() {
  [ -f "$STATE_FILE" ] || return 1
  # shellcheck disable=SC1090
  source "$STATE_FILE"
  [ -n "${PG_DIR:-}" ] && [ -n "${PG_PORT:-}" ] && [ -n "${PG_BIN:-}" ]
}

cluster_url() {
  echo "postgres://$SUPERUSER@127.0.0.1:$PG_PORT/postgres"
}

is_running() {
  read_state && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres
}

start() {
  if is_running; then
    cluster_url
    return 0
  fi
  [ -f "$STATE_FILE" ] && stop_cluster # a stale state (machine rebooted, server killed)
  ensure_postgres_installed
  ensure_owner
  local bin dir port attempt
  bin=$(postgres_bin)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ritournelle-pg.XXXXXX")
  chmod 755 "$dir"
  mkdir "$dir/data" "$dir/socket"
  [ "$(id -u)" = 0 ] && chown "$CLUSTER_USER:$CLUSTER_USER" "$dir/data" "$dir/socket"
  as_owner "$bin/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    exit 1
  }
  # A free loopback port: pick one at random, retry when another process wins it.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 20000))
    port_in_use "$port" && continue
    mkdir -p "$(dirname "$STATE_FILE")"
    printf 'PG_DIR=%q\nPG_PORT=%q\nPG_BIN=%q\n' "$dir" "$port" "$bin" >"$STATE_FILE"
    # Many test files run at once, each with a connection pool, plus worker
    # processes: room for a few hundred connections.
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start -o "\
 -c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket\
 -c max_connections=400 -c shared_buffers=128MB\
 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
      log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir (owner $(as_owner id -un))"
      PG_DIR=$dir PG_PORT=$port PG_BIN=$bin
      cluster_url
      return 0
    fi
    log "could not start on port $port (attempt $attempt):"
    tail -n 5 "$dir/data/server.log" >&2 || true
  done
  rm -f "$STATE_FILE"
  rm -rf "$dir"
  log "PostgreSQL did not start."
  exit 1
}

stop_cluster() {
  read_state || { rm -f "$STATE_FILE"; return 0; }
  if [ -d "$PG_DIR/data" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  rm -f "$STATE_FILE"
  log "stopped and removed $PG_DIR"
}

command=${1:-}
case "$command" in
  start) start ;;
  stop) stop_cluster ;;
  url)
    if is_running; then cluster_url; else log "no cluster running for this checkout"; exit 1; fi
    ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { usage >&2; exit 2; }
    url=$(start)
    trap stop_cluster EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    status=0
    TEST_POSTGRES_URL=$url "$@" || status=$?
    exit "$status"
    ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
