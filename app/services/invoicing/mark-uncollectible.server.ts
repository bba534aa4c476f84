// The merchant writes an issued invoice off as bad debt.
import type { Shop } from "@prisma/client";
import { performRunAction, type RunActionOptions, type RunActionResult } from "./run-actions.server";

/**
 * Marks the shop's invoice uncollectible at Stripe (bad debt); it can still
 * be paid or voided later. Allowed while the run is `sent` or `overdue`; the
 * run becomes `uncollectible`, with a `run.closed` event.
 *
 * Idempotent: on a run already uncollectible it changes nothing
 * (`changed: false`) and calls Stripe no more.
 *
 * @throws RunActionError `not_found` (unknown run or another shop's),
 *   `not_allowed` (any other state), `no_invoice`, `billing_not_connected`;
 *   BillingError when Stripe refuses or cannot be reached.
 */
export function markInvoiceUncollectible(
  shop: Pick<Shop, "id" | "billingAccountId">,
  runId: string,
  options: RunActionOptions = {},
): Promise<RunActionResult> {
  return performRunAction(shop, runId, "mark_uncollectible", options);
}
