// The Shopify rail's send step has no idempotency key to lean on: each
// draftOrderInvoiceSend is an e-mail. Before asking Shopify, the worker claims
// the send on the run's trail (`run.send_claimed`, written under the run's
// lease and fencing token), so that a later attempt — after a crash, or after
// an answer lost while Shopify may still be applying the request — knows a
// send may be on its way, and since when.
//
// The billing adapter (app/gateways/shopify/billing-adapter.server.ts) reads
// the draft first: any `invoiceSentAt` means sent. Only when the draft shows
// no e-mail does it call this claim, which refuses (a transient
// `shopify_send_in_doubt`, retried at the end of the window) while the last
// claim for the same draft is younger than SEND_SETTLE_MS.
import { z } from "zod";
import { readEventDetail } from "~/domain/run-event";
import { sendInDoubt, SEND_SETTLE_MS } from "~/gateways/shopify/billing-adapter.server";
import { listRunEventsOfType } from "~/models/run-event.server";
import type { RunLease } from "./run-lease.server";

/**
 * The claim callback of the run's send step (StepContext.claimSend) for the
 * draft `invoiceId`.
 * @returns the instant the claim was recorded.
 * @throws BillingError `shopify_send_in_doubt` (transient, `retryAt`) while an earlier claim may still be applied;
 *   LeaseLostError when the run was claimed again.
 */
export function sendClaimFor(lease: RunLease, invoiceId: string): () => Promise<Date> {
  return async () => {
    const { run } = lease;
    const claims = (await listRunEventsOfType(run.shopId, run.id, "run.send_claimed")).filter((event) => invoiceIdOf(event.detail) === invoiceId);
    const last = claims.at(-1);
    if (last && lease.now().getTime() - last.at.getTime() < SEND_SETTLE_MS) throw sendInDoubt(last.at);
    await lease.persist({}, [lease.event("run.send_claimed", { detail: { invoiceId } })]);
    return lease.now();
  };
}

const claimDetail = z.object({ invoiceId: z.string() });

/** The draft a send claim was for; null for an entry not written by a claim. */
function invoiceIdOf(detail: string | null): string | null {
  return readEventDetail(detail, claimDetail)?.invoiceId ?? null;
}
