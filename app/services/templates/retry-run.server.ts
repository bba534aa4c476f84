import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { NotFoundError, TransitionError } from "~/domain/errors";
import { findRunForShop, lockRunForShop, updateRun, type PipelineStep, type Run } from "~/models/invoice-run.server";
import { appendRunEvents } from "~/models/run-event.server";
import { inTransaction } from "~/models/transaction.server";
import { runEvent, type ServiceOptions } from "./events.server";

/**
 * Where a retry starts over, for failures that discarded what the provider
 * held for the run: the pipeline deleted the draft because Stripe's total
 * was wrong (`total_mismatch`), or the customer was deleted in Stripe
 * (`customer_missing`; the gateway already forgot its mapping), or the
 * merchant deleted the run's draft order in Shopify's admin before it was
 * e-mailed (`shopify_draft_missing`: its message promises Retry makes a new
 * one). Any other
 * failure retries the step that failed, where the gateway re-reads the
 * invoice before acting.
 */
const FORGET_INVOICE = { invoiceId: null, invoicedTotal: null, invoiceNumber: null, hostedInvoiceUrl: null, invoicePdfUrl: null } as const;
const RESTART_AFTER: Partial<Record<string, { step: PipelineStep; forget: Parameters<typeof updateRun>[1] }>> = {
  total_mismatch: { step: "draft", forget: FORGET_INVOICE },
  shopify_draft_missing: { step: "draft", forget: FORGET_INVOICE },
  customer_missing: { step: "customer", forget: { customerId: null, invoiceId: null, invoicedTotal: null } },
};

/**
 * Sends a failed run through the pipeline again.
 *
 * Inputs: the shop, the run's id, `options.clock`, `options.actor`.
 * Effects, in one transaction: the run is `issuing` again, due now, with a
 * fresh budget of attempts and no error, from the step where it failed, or
 * from an earlier one with new idempotency keys when the failure discarded
 * the provider's objects (see RESTART_AFTER); a `run.retried` event. If the
 * template was edited since, a run that failed before any invoice could
 * exist already carries the new content (see editTemplate).
 * Idempotency: a second retry of the same run is refused (it is no longer failed).
 * Errors: NotFoundError, TransitionError `run_not_failed`.
 */
export async function retryRun(shop: Pick<Shop, "id">, runId: string, options: ServiceOptions = {}): Promise<Run> {
  const now = (options.clock ?? appClock).nowDate();
  return inTransaction(async (tx) => {
    if (!(await lockRunForShop(shop.id, runId, ["failed"], tx))) {
      const run = await findRunForShop(shop.id, runId, tx);
      if (!run) throw new NotFoundError("run", runId);
      throw new TransitionError("run_not_failed", { action: "retry", state: run.state });
    }
    const failed = await findRunForShop(shop.id, runId, tx);
    const restart = failed?.lastErrorCode ? RESTART_AFTER[failed.lastErrorCode] : undefined;
    const run = await updateRun(runId, {
      state: "issuing",
      attempt: 0,
      nextAttemptAt: now,
      lastErrorCode: null,
      lastErrorMessage: null,
      // New idempotency keys: the same ones would replay the discarded objects.
      ...(restart ? { ...restart.forget, step: restart.step, keyGeneration: { increment: 1 } } : {}),
    }, tx);
    const detail = restart ? { restartAt: restart.step, after: failed?.lastErrorCode } : undefined;
    await appendRunEvents([runEvent(run, "run.retried", options, now, { fromState: "failed", toState: "issuing", ...(detail ? { detail } : {}) })], tx);
    return run;
  });
}
