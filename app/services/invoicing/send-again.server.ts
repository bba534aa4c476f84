// The merchant sends an issued invoice to the customer again.
import type { Shop } from "@prisma/client";
import { performRunAction, type RunActionOptions, type RunActionResult } from "./run-actions.server";

/**
 * Sends the shop's invoice to the customer again (Stripe emails it), when
 * the run is `sent` or `overdue`; the trail records a `run.resent`. Clears
 * the warning of a run whose first e-mail Stripe could not confirm
 * (`send_unconfirmed`): the merchant's answer to it.
 *
 * Idempotent per click: repeated with the same `options.requestId` (or,
 * without one, within the same minute) it sends one email and records one
 * resend; a repeat after the first succeeded does not reach Stripe at all.
 * On the Shopify rail (no idempotency key: each draftOrderInvoiceSend is an
 * e-mail) the click is claimed on the trail under the run's row lock before
 * Shopify is asked, so the same click arriving twice at once e-mails once; a
 * click Shopify refused (`run.resend_failed`) may be tried again.
 *
 * @throws RunActionError `not_found` (unknown run or another shop's),
 *   `not_allowed` (any other state), `no_invoice`, `billing_not_connected`;
 *   BillingError when Stripe refuses or cannot be reached.
 */
export function resendInvoice(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  return performRunAction(shop, runId, "resend", options);
}
