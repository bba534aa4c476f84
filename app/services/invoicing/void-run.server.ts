// The merchant voids an issued invoice.
import type { Shop } from "@prisma/client";
import { performRunAction, type RunActionOptions, type RunActionResult } from "./run-actions.server";

/**
 * Voids the shop's invoice at Stripe: the customer can no longer pay it.
 * Final. Allowed while the run is `sent`, `overdue` or `uncollectible`; the
 * run becomes `void`, with a `run.closed` event.
 *
 * Idempotent: on a run already void it changes nothing (`changed: false`)
 * and calls Stripe no more.
 *
 * @throws RunActionError `not_found` (unknown run or another shop's),
 *   `not_allowed` (a paid invoice, or one not sent), `no_invoice`,
 *   `billing_not_connected`; BillingError when Stripe refuses or cannot be reached.
 */
export function voidInvoice(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  return performRunAction(shop, runId, "void", options);
}
