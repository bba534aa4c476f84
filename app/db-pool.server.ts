// How many PostgreSQL connections a process keeps, sized with its worker's
// lanes (app/worker/run-lanes.ts).
//
// Each lane holds one connection while it writes a step (a short batch
// transaction) or reserves a Stripe request slot, and the worker's own
// housekeeping — the one claim all lanes share, the billing holds, the
// heartbeat — needs one more beside them. A pool smaller than that makes
// lanes queue for a connection, and past Prisma's wait (2 s) their
// transactions fail with P2028 "Unable to start a transaction in the given
// time" (found with the workers bench: 30 lanes on pg's default pool of 10).
// So the pool is sized from the lanes unless DATABASE_POOL_SIZE says
// otherwise, and a DATABASE_POOL_SIZE too small for the lanes is refused at
// start, naming both numbers.
//
// SQLite has one connection per process by design (one writer at a time;
// app/sqlite-adapter.server.ts): nothing to size there.

/** Connections of the worker besides its lanes: the shared claim, the holds, the heartbeat. */
export const WORKER_HOUSEKEEPING_CONNECTIONS = 1;

/** Connections a web process keeps for its HTTP requests, besides its embedded worker's. */
export const WEB_REQUEST_CONNECTIONS = 10;

/** pg's own default, for processes that run no worker (scripts, tools, tests). */
export const DEFAULT_POOL_SIZE = 10;

/** What a process runs: its worker's lanes (0 without one), and whether it serves HTTP requests. */
export type PoolNeeds = { lanes: number; web: boolean };

/** The pool a process needs by default: its lanes, its housekeeping, its requests. */
export function poolSizeFor(needs: PoolNeeds): number {
  const worker = keptConnectionsFor(needs);
  const web = needs.web ? WEB_REQUEST_CONNECTIONS : 0;
  return Math.max(worker + web, needs.web ? DEFAULT_POOL_SIZE : 1);
}

/** The connections a process keeps open even when idle: its worker's (lanes and housekeeping), which it will need at once when runs fall due. */
export function keptConnectionsFor(needs: PoolNeeds): number {
  return needs.lanes > 0 ? needs.lanes + WORKER_HOUSEKEEPING_CONNECTIONS : 0;
}

/**
 * DATABASE_POOL_SIZE, read from the environment (worker processes and tools
 * open the database without the app's full config); undefined when unset.
 * @throws Error saying what is wrong and what to set, on anything but a whole number from 2 to 1000.
 */
export function poolSizeFromEnv(raw: string | undefined = process.env.DATABASE_POOL_SIZE): number | undefined {
  const text = (raw ?? "").trim();
  if (text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 2 || value > 1000) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 2 to 1000 (PostgreSQL connections per process); got ${JSON.stringify(raw)}.`);
  }
  return value;
}

/**
 * The pool this process gets: DATABASE_POOL_SIZE when set, else sized from
 * its needs.
 * @throws Error naming DATABASE_POOL_SIZE, the lanes and what to change, when
 *   the lanes would not each have a connection beside the housekeeping one
 *   (lanes ≤ pool − 1).
 */
export function resolvePoolSize(needs: PoolNeeds, configured: number | undefined = poolSizeFromEnv()): number {
  if (configured === undefined) return poolSizeFor(needs);
  const least = needs.lanes + WORKER_HOUSEKEEPING_CONNECTIONS;
  if (needs.lanes > 0 && configured < least) {
    throw new Error(
      `DATABASE_POOL_SIZE is ${configured}, too small for this process's worker: its ${needs.lanes} concurrent lanes (--concurrency or WORKER_CONCURRENCY) ` +
        `need ${least} connections (one each, and ${WORKER_HOUSEKEEPING_CONNECTIONS} for the worker's claims and heartbeat)` +
        `${needs.web ? ", besides the web requests'" : ""}. Raise DATABASE_POOL_SIZE to at least ${least}${needs.web ? ` (${least + WEB_REQUEST_CONNECTIONS} leaves the requests their ${WEB_REQUEST_CONNECTIONS})` : ""}, lower the concurrency, or unset DATABASE_POOL_SIZE to size the pool from the lanes.`,
    );
  }
  return configured;
}
