// The worker's write-back sweep (server/embedded-worker.ts, after each tick):
// finishes the write-backs left pending.
import { appClock } from "~/clock.server";
import { abandonWriteBack, pendingWriteBackRunIds } from "~/models/write-back.server";
import { writeBackPaidRun, type WriteBackOptions } from "./write-back-paid-run.server";

/**
 * Finishes write-backs left pending (an unknown outcome whose lease expired,
 * or a caller that crashed): for the worker's loop. Returns how many were
 * attempted; errors of one run do not stop the others.
 */
export async function resumePendingWriteBacks(options: WriteBackOptions & { limit?: number } = {}): Promise<number> {
  const now = new Date((options.clock ?? appClock).now().epochMilliseconds);
  const runIds = await pendingWriteBackRunIds(now, options.limit ?? 50);
  for (const runId of runIds) {
    const outcome = await writeBackPaidRun(runId, options).catch(() => null);
    // A row that no longer applies must not be picked again forever, ahead of the others.
    if (outcome?.status === "skipped") await abandonWriteBack(runId, now, `Not written back: ${outcome.reason.replace("_", " ")}.`);
  }
  return runIds.length;
}
