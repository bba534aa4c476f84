// Stop means stop: what a run being issued does when, before its next
// provider call, it sees that its template or shop no longer wants it (the
// merchant cancelled or paused the template, the shop uninstalled the app,
// customers/redact erased the customer). The pipeline (issue-run.server.ts)
// checks before each of customer, draft, lines and finalize, from where its
// template and shop stood at its last step write (read in that write's
// transaction, under the lease: run-lease.server.ts).
//
// Finalization is the point of no return. Before it, nothing of the run has
// reached the customer: the draft, if any, is deleted and the run ends
// `skipped` with the stop's reason, like the runs the transition skipped
// before they started. After it, the invoice exists with its number at the
// provider and can only be voided: it is left alone (the pipeline sends it
// as issued), and the template page offers to void it.
//
// A pause ends the run `skipped` too, not back to `planned`: the engine's
// rule for a pause is that nothing of the paused time is issued — the
// transition skips the runs not started (reason `paused`) and resuming
// starts from the first period after the resume, recording the periods that
// fell while paused as skipped (resume.server.ts).
import type { BillingGateway, InvoiceRequest, IssuedInvoice } from "~/domain/billing";
import type { StopReason } from "~/domain/run-state";
import { released, type RunLease } from "./run-lease.server";

/** How a stop ended: the run is skipped, or its invoice turned out to be finalized already (the run goes on with it). */
export type StopResult = { stopped: true } | { stopped: false; finalized: IssuedInvoice };

/**
 * Stops the leased run for `reason`: deletes its draft at the provider (once:
 * deleting a draft already gone counts as done), then stores it `skipped`
 * with `reason` and a `run.skipped` event naming the step it stopped at and
 * the draft deleted.
 *
 * `request` is null when the provider cannot be reached: the shop has no
 * billing account connected (then this is only called for a run with no
 * invoice id), or, on the Shopify rail, the shop uninstalled the app (its
 * access went with it). The draft, if any, is left where it is — a draft
 * whose creation we never heard of, or the run's draft, named on the trail
 * as `draftLeftId`: drafts never advance on their own, and nothing e-mails
 * it any more. `mayHaveDraft`: an earlier attempt stopped at
 * the draft step, so a draft may exist without our knowing its id; it is
 * looked up by run id first.
 *
 * Idempotent: a stop interrupted after the delete (crash, lease lost) is
 * done again by the next holder; the second delete finds nothing.
 * @returns `{ stopped: false, finalized }` when the invoice is no longer a
 *   draft (finalized meanwhile): it is left alone, nothing is written.
 * @throws BillingError from the provider (the pipeline retries the stop
 *   like a step), LeaseLostError when the run was claimed again.
 */
export async function stopRun(
  lease: RunLease,
  gateway: BillingGateway,
  request: InvoiceRequest | null,
  reason: StopReason,
  mayHaveDraft: boolean,
): Promise<StopResult> {
  const run = lease.run;
  let invoiceId = run.invoiceId;
  if (request && invoiceId === null && mayHaveDraft) {
    const found = await gateway.findInvoiceForRun(request);
    if (found && found.status !== "draft") return { stopped: false, finalized: found };
    invoiceId = found?.invoiceId ?? null;
  }
  if (request && invoiceId !== null) {
    const finalized = await gateway.discardDraft(request, invoiceId);
    if (finalized) return { stopped: false, finalized };
  }
  await lease.persist(
    {
      state: "skipped",
      skipReason: reason,
      step: null,
      invoiceId: null,
      invoicedTotal: null,
      lastErrorCode: null,
      lastErrorMessage: null,
      ...released(),
      nextAttemptAt: null,
    },
    [lease.event("run.skipped", { fromState: run.state, toState: "skipped", cause: reason, detail: { step: run.step, deletedDraftId: request ? invoiceId : null, ...(request === null && invoiceId !== null ? { draftLeftId: invoiceId } : {}) } })],
  );
  return { stopped: true };
}
