// The merchant voids an issued invoice.
import type { Shop } from "@prisma/client";
import { performRunAction, type RunActionOptions, type RunActionResult } from "./run-actions.server";
import { hasIssuedEInvoice, voidWithCreditNote } from "./void-einvoice-run.server";

/**
 * Voids the shop's invoice at Stripe: the customer can no longer pay it.
 * Final. Allowed while the run is `sent`, `overdue` or `uncollectible`; the
 * run becomes `void`, with a `run.closed` event.
 *
 * A French e-invoice (the run has a Factur-X) is never voided silently: it
 * is cancelled by a credit note instead (void-einvoice-run.server.ts), whose
 * number the result carries.
 *
 * Idempotent: on a run already void it changes nothing (`changed: false`)
 * and calls Stripe no more.
 *
 * @throws RunActionError `not_found` (unknown run or another shop's),
 *   `not_allowed` (a paid invoice, or one not sent), `no_invoice`,
 *   `billing_not_connected`, `einvoice_not_creditable`; BillingError when
 *   Stripe refuses or cannot be reached.
 */
export async function voidInvoice(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  if (await hasIssuedEInvoice(shop.id, runId)) return voidWithCreditNote(shop, runId, options);
  return performRunAction(shop, runId, "void", options);
}
