// Stripe credit notes (https://docs.stripe.com/api/credit_notes/create): the
// correction of a finalized invoice. Ritournelle issues one per French
// e-invoice the merchant cancels, for the invoice's whole amount, carrying
// the run's id in its metadata so that it can be found again whatever
// happened to the idempotency key (Stripe keeps keys 24 hours).
import type Stripe from "stripe";
import type { StripeClient } from "./client.server";

export type IssuedCreditNote = { id: string; number: string; total: number; created: number; invoiceId: string };

const issuedOf = (note: Stripe.CreditNote): IssuedCreditNote => ({
  id: note.id,
  number: note.number,
  total: note.total,
  created: note.created,
  invoiceId: typeof note.invoice === "string" ? note.invoice : note.invoice.id,
});

/** The issued (not voided) credit note Ritournelle made for `runId` on the invoice, or null. */
export async function findRunCreditNote(client: StripeClient, account: string, invoiceId: string, runId: string): Promise<IssuedCreditNote | null> {
  const notes = await client.call(account, (stripe, options) => stripe.creditNotes.list({ invoice: invoiceId, limit: 100 }, options));
  const ours = notes.data.find((note) => note.metadata?.run_id === runId && note.status === "issued");
  return ours ? issuedOf(ours) : null;
}

export type CreditInFullRequest = {
  invoiceId: string;
  runId: string;
  /** Derived from the run: a retry replays the same request. */
  idempotencyKey: string;
  /** Printed on Stripe's credit note PDF. */
  memo: string;
};

export class InvoiceNotCreditable extends Error {
  constructor(
    readonly reason: "status" | "partly_paid",
    message: string,
  ) {
    super(message);
    this.name = "InvoiceNotCreditable";
  }
}

/**
 * Credits the open invoice in full: its amount due falls to zero (Stripe
 * then closes it, nothing left to pay). Exactly once: the credit note the
 * run already has is returned (found by its metadata, so even after the key
 * expired), else one is created under the run's key.
 * @throws InvoiceNotCreditable when the invoice is not open or was partly
 *   paid (its credit would need a refund); the SDK's error otherwise.
 */
export async function creditInvoiceInFull(client: StripeClient, account: string, request: CreditInFullRequest): Promise<IssuedCreditNote> {
  const existing = await findRunCreditNote(client, account, request.invoiceId, request.runId);
  if (existing) return existing;
  const invoice = await client.call(account, (stripe, options) => stripe.invoices.retrieve(request.invoiceId, {}, options));
  if (invoice.status !== "open") throw new InvoiceNotCreditable("status", `The invoice is ${invoice.status ?? "unknown"} at Stripe: only an open invoice is credited in full.`);
  if (invoice.amount_paid > 0 || invoice.pre_payment_credit_notes_amount > 0 || invoice.amount_remaining !== invoice.total) {
    throw new InvoiceNotCreditable("partly_paid", "Part of this invoice was already paid or credited at Stripe: correct it from your Stripe dashboard.");
  }
  const note = await client.call(account, (stripe, options) =>
    stripe.creditNotes.create(
      // One amount for the whole invoice (not per line): the invoice-level
      // amounts (discounts, rounding) are Stripe's own, and the total is
      // then exactly what the customer was asked to pay.
      { invoice: invoice.id, amount: invoice.amount_remaining, reason: "order_change", memo: request.memo, metadata: { run_id: request.runId } },
      { ...options, idempotencyKey: request.idempotencyKey },
    ),
  );
  return issuedOf(note);
}

/**
 * Whether Stripe's `paid` means "paid" or "cancelled by credit notes": an
 * invoice whose credit notes left nothing to pay is closed with
 * `amount_paid` 0. For Ritournelle (and the merchant's books) it was never
 * paid: its run is void, and nothing is written back as paid to Shopify.
 */
export function settledByCreditNotes(invoice: Pick<Stripe.Invoice, "status" | "amount_paid" | "pre_payment_credit_notes_amount" | "total">): boolean {
  return invoice.status === "paid" && invoice.amount_paid === 0 && invoice.pre_payment_credit_notes_amount > 0 && invoice.pre_payment_credit_notes_amount >= invoice.total;
}
