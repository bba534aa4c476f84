// The worker's write-back sweep (server/embedded-worker.ts, after each tick):
// finishes the write-backs left pending.
import { randomUUID } from "node:crypto";
import { appClock } from "~/clock.server";
import type { WriteBackAbandonReason } from "~/domain/write-back";
import { abandonWriteBack, claimWriteBack, pendingWriteBackRunIds } from "~/models/write-back.server";
import { WRITE_BACK_LEASE_MS, writeBackPaidRun, type WriteBackOptions, type WriteBackOutcome } from "./write-back-paid-run.server";

/** A pending row of a run that no longer needs writing back: why it is given up. */
const NO_LONGER_APPLIES: Record<Exclude<Extract<WriteBackOutcome, { status: "skipped" }>["reason"], "unknown_run">, WriteBackAbandonReason> = {
  disabled: "write_back_disabled",
  not_paid: "run_not_paid",
};

/**
 * Finishes write-backs left pending (an attempt that failed on the way, an
 * unknown outcome whose lease expired, a caller that crashed): for the
 * worker's loop. Each is one writeBackPaidRun, which ends a write-back that
 * cannot succeed as `abandoned` (uninstalled shop, no session, access
 * revoked); a pending row that no longer applies (write-back turned off, run
 * no longer paid) is abandoned here, with its reason. Only pending rows are
 * swept: done, failed and abandoned ones are never picked again.
 *
 * Returns how many were attempted; errors of one run do not stop the others
 * (its row stays pending, for the next sweep or Stripe's next delivery).
 */
export async function resumePendingWriteBacks(options: WriteBackOptions & { limit?: number } = {}): Promise<number> {
  const now = (options.clock ?? appClock).nowDate();
  const runIds = await pendingWriteBackRunIds(now, options.limit ?? 50);
  for (const runId of runIds) {
    const outcome = await writeBackPaidRun(runId, options).catch(() => null);
    // Its row went with the run (the foreign key cascades): nothing is left to sweep.
    if (outcome?.status !== "skipped" || outcome.reason === "unknown_run") continue;
    // A row that no longer applies must not be picked again forever, ahead of the others.
    const owner = `write-back-sweep:${randomUUID()}`;
    if (await claimWriteBack(runId, owner, now, new Date(now.getTime() + WRITE_BACK_LEASE_MS))) {
      await abandonWriteBack(runId, owner, NO_LONGER_APPLIES[outcome.reason]);
    }
  }
  return runIds.length;
}
