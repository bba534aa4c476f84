// `credit_note.created` (https://docs.stripe.com/api/events/types#event_types-credit_note.created):
// the credit note that cancels a French e-invoice is recorded even when the
// merchant's request that issued it died before recording it (a crash
// between Stripe's answer and our transaction). Only notes Ritournelle
// issued (metadata.run_id naming the invoice's own run) are considered; a
// note made in Stripe's dashboard is the merchant's own business.
import type Stripe from "stripe";
import { findRunByInvoice, findShopsByBillingAccount, insertStripeEvent } from "~/models/stripe.server";
import { hasIssuedEInvoice, recordRunCreditNote } from "~/services/invoicing/void-einvoice-run.server";
import { RunActionError } from "~/services/invoicing/run-actions.server";
import { logger } from "~/logger.server";
import { recordOnce, type StripeEventHandler } from "./outcome.server";

/**
 * Records the run's credit note (its Factur-X 381, the run void) if it is not
 * yet; creates nothing at Stripe. Idempotent: a redelivery changes nothing.
 */
export const onCreditNoteCreated: StripeEventHandler = async (event, account, options) => {
  const note = event.data.object as Stripe.CreditNote;
  const runId = note.metadata?.run_id;
  const invoiceId = typeof note.invoice === "string" ? note.invoice : note.invoice.id;
  const shops = await findShopsByBillingAccount(account);
  if (shops.length === 0) return "ignored_account";
  const run = await findRunByInvoice(shops.map((shop) => shop.id), invoiceId);
  if (!run || !runId || run.id !== runId || !(await hasIssuedEInvoice(run.shopId, run.id))) return "ignored_invoice";
  let changed = false;
  try {
    changed = (await recordRunCreditNote({ id: run.shopId, billingAccountId: account }, run.id, { ...(options.client ? { client: options.client } : {}), ...(options.clock ? { clock: options.clock } : {}) })).changed;
  } catch (error) {
    if (!(error instanceof RunActionError)) throw error;
    // The run cannot take it (e.g. its Factur-X would break a rule): the merchant sees the run as it is; logged for the operator.
    (options.logger ?? logger).warn({ runId: run.id, code: error.code }, "a credit note of a French e-invoice could not be recorded");
  }
  const outcome = await recordOnce(async (tx) => {
    await insertStripeEvent({ eventId: event.id, shopId: run.shopId, account, type: event.type }, tx);
    return changed ? "applied" : "unchanged";
  });
  return outcome;
};
