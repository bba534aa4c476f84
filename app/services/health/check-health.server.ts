// GET /healthz, for load balancers (app/routes/healthz.ts).
import { pingDatabase } from "~/models/database.server";
import { logger } from "~/logger.server";

export type Health = { ok: boolean; database: "up" | "down" };

/**
 * Whether this process can serve: the database answers.
 *
 * Inputs: none. Effects: one trivial query; an unreachable database is logged.
 * Idempotency: reads only.
 * Errors: none thrown; a database failure is `{ ok: false, database: "down" }`.
 */
export async function checkHealth(): Promise<Health> {
  try {
    await pingDatabase();
    return { ok: true, database: "up" };
  } catch (error) {
    logger.error({ err: error }, "health check: database unreachable");
    return { ok: false, database: "down" };
  }
}
