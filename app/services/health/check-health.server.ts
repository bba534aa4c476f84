// GET /healthz, for load balancers and monitors (app/routes/healthz.ts).
import type { Clock } from "~/domain/clock";
import { pingDatabase } from "~/models/database.server";
import { logger } from "~/logger.server";
import { workerLiveness, type WorkerLiveness } from "./worker-liveness.server";

export type Health = { ok: boolean; database: "up" | "down"; worker: WorkerLiveness | null };

/**
 * Whether this process can serve — the database answers — and when a worker
 * last ticked (from the workers' heartbeats in the database, whichever
 * process they run in).
 *
 * `ok` follows the database only: a load balancer must not take a web
 * process out of rotation because the workers are late (the web process
 * cannot fix that, and the merchants' pages still work). A monitor alerts on
 * `worker.status` ("stale": no worker ticked within the bound; "none": no
 * worker is running) instead.
 *
 * Inputs: an optional clock (tests). Effects: two trivial queries; an
 * unreachable database is logged. Idempotency: reads only.
 * Errors: none thrown; a database failure is `{ ok: false, database: "down", worker: null }`.
 */
export async function checkHealth(options: { clock?: Clock } = {}): Promise<Health> {
  try {
    await pingDatabase();
    return { ok: true, database: "up", worker: await workerLiveness(options) };
  } catch (error) {
    logger.error({ err: error }, "health check: database unreachable");
    return { ok: false, database: "down", worker: null };
  }
}
