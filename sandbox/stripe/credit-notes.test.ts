// Credit notes through the real SDK: what they do to their invoice, the
// rules Stripe enforces, preview, void, list, idempotency and the
// credit_note.created event (sandbox/stripe/credit-notes.ts).
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, OTHER_MERCHANT, as, rejection, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
});

/** An open invoice of 120.00 (100.00 + 20 % VAT exclusive) and 12.00 of goods at 5.5 % inclusive. */
async function openInvoice(account = MERCHANT) {
  const c = await stripe.customers.create({ email: "compta@canuts.example" }, as(account));
  const vat = await stripe.taxRates.create({ display_name: "TVA", percentage: 20, inclusive: false }, as(account));
  const reduced = await stripe.taxRates.create({ display_name: "TVA", percentage: 5.5, inclusive: true }, as(account));
  const inv = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 14 }, as(account));
  await stripe.invoices.addLines(inv.id, { lines: [{ amount: 10000, description: "Abonnement", tax_rates: [vat.id] }, { amount: 1200, description: "Café", tax_rates: [reduced.id] }] }, as(account));
  return stripe.invoices.finalizeInvoice(inv.id, {}, as(account));
}

describe("credit notes on an open invoice", () => {
  it("crediting part of it lowers amount_due and amount_remaining, and the note records it as pre-payment", async () => {
    const inv = await openInvoice();
    expect(inv.total).toBe(13200);
    const note = await stripe.creditNotes.create({ invoice: inv.id, amount: 3200, reason: "order_change", memo: "Geste commercial" }, as(MERCHANT));
    expect(note).toMatchObject({ object: "credit_note", invoice: inv.id, amount: 3200, total: 3200, pre_payment_amount: 3200, post_payment_amount: 0, type: "pre_payment", status: "issued", reason: "order_change", memo: "Geste commercial" });
    expect(note.number).toBe(`${inv.number}-CN-01`);
    const after = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(after).toMatchObject({ status: "open", total: 13200, amount_due: 10000, amount_remaining: 10000, pre_payment_credit_notes_amount: 3200, post_payment_credit_notes_amount: 0 });
  });

  it("crediting every line in full leaves nothing due: the invoice closes as paid with amount_paid 0, the note keeps each line's VAT", async () => {
    const inv = await openInvoice();
    const lines = inv.lines.data.map((line) => ({ type: "invoice_line_item" as const, invoice_line_item: line.id, quantity: 1 }));
    const note = await stripe.creditNotes.create({ invoice: inv.id, lines, reason: "order_change", metadata: { run_id: "run_1" } }, as(MERCHANT));
    expect(note.total).toBe(13200);
    expect(note.lines.data.map((line) => [line.invoice_line_item, line.amount, line.taxes?.map((tax) => tax.amount)])).toEqual([
      [inv.lines.data[0]!.id, 10000, [2000]],
      [inv.lines.data[1]!.id, 1200, [63]],
    ]);
    expect(note.total_excluding_tax).toBe(11200);
    expect(note.metadata).toEqual({ run_id: "run_1" });
    const after = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(after).toMatchObject({ status: "paid", amount_due: 0, amount_paid: 0, amount_remaining: 0, pre_payment_credit_notes_amount: 13200 });
    const types = (await stripe.events.list({}, as(MERCHANT))).data.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(["credit_note.created", "invoice.paid"]));
  });

  it("refuses what Stripe refuses: more than the invoice's total, a line credited twice over, amount and lines that disagree, drafts and voided invoices", async () => {
    const inv = await openInvoice();
    await stripe.creditNotes.create({ invoice: inv.id, amount: 13000 }, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.create({ invoice: inv.id, amount: 201 }, as(MERCHANT)))).message).toMatch(/cannot exceed the invoice's total \(13200\); 200 can still be credited/);

    const other = await openInvoice();
    const line = other.lines.data[0]!.id;
    await stripe.creditNotes.create({ invoice: other.id, lines: [{ type: "invoice_line_item", invoice_line_item: line, quantity: 1 }] }, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.create({ invoice: other.id, lines: [{ type: "invoice_line_item", invoice_line_item: line, quantity: 1 }] }, as(MERCHANT)))).message).toMatch(/exceeds what remains/);
    const mismatch = await rejection(stripe.creditNotes.create({ invoice: other.id, amount: 5, lines: [{ type: "custom_line_item", description: "Remise", unit_amount: 100 }] }, as(MERCHANT)));
    expect(mismatch.param).toBe("amount");

    const c = await stripe.customers.create({}, as(MERCHANT));
    const draft = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 14 }, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.create({ invoice: draft.id, amount: 1 }, as(MERCHANT)))).message).toMatch(/open or paid invoice; invoice .* is draft/);
    const voided = await openInvoice();
    await stripe.invoices.voidInvoice(voided.id, {}, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.create({ invoice: voided.id, amount: 1 }, as(MERCHANT)))).statusCode).toBe(400);
    expect((await rejection(stripe.creditNotes.create({ invoice: "in_missing", amount: 1 }, as(MERCHANT)))).code).toBe("resource_missing");
  });

  it("is scoped by account: another merchant's invoice is no such invoice", async () => {
    const inv = await openInvoice(OTHER_MERCHANT);
    const error = await rejection(stripe.creditNotes.create({ invoice: inv.id, amount: 100 }, as(MERCHANT)));
    expect(error.code).toBe("resource_missing");
  });

  it("a retried create under the same Idempotency-Key issues one credit note", async () => {
    const inv = await openInvoice();
    const first = await stripe.creditNotes.create({ invoice: inv.id, amount: 13200 }, as(MERCHANT, "run_1:credit_note"));
    const second = await stripe.creditNotes.create({ invoice: inv.id, amount: 13200 }, as(MERCHANT, "run_1:credit_note"));
    expect(second.id).toBe(first.id);
    expect((await stripe.creditNotes.list({ invoice: inv.id }, as(MERCHANT))).data).toHaveLength(1);
    const mismatch = await rejection(stripe.creditNotes.create({ invoice: inv.id, amount: 100 }, as(MERCHANT, "run_1:credit_note")));
    expect(mismatch.type).toBe("StripeIdempotencyError");
  });
});

describe("preview, list, retrieve, void", () => {
  it("preview computes the note without issuing it", async () => {
    const inv = await openInvoice();
    const preview = await stripe.creditNotes.preview({ invoice: inv.id, lines: [{ type: "invoice_line_item", invoice_line_item: inv.lines.data[0]!.id, quantity: 1 }] }, as(MERCHANT));
    expect(preview).toMatchObject({ total: 12000, pre_payment_amount: 12000 });
    expect((await stripe.creditNotes.list({ invoice: inv.id }, as(MERCHANT))).data).toHaveLength(0);
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).amount_due).toBe(13200);
  });

  it("voiding a note of an open invoice gives the amount back; a paid invoice's notes cannot be voided", async () => {
    const inv = await openInvoice();
    const note = await stripe.creditNotes.create({ invoice: inv.id, amount: 1000 }, as(MERCHANT));
    const voided = await stripe.creditNotes.voidCreditNote(note.id, {}, as(MERCHANT));
    expect(voided).toMatchObject({ status: "void", voided_at: expect.any(Number) });
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).amount_due).toBe(13200);
    expect((await stripe.creditNotes.retrieve(note.id, {}, as(MERCHANT))).status).toBe("void");
    expect((await rejection(stripe.creditNotes.voidCreditNote(note.id, {}, as(MERCHANT)))).message).toMatch(/already been voided/);

    const full = await stripe.creditNotes.create({ invoice: inv.id, amount: 13200 }, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.voidCreditNote(full.id, {}, as(MERCHANT)))).message).toMatch(/only void a credit note if its invoice is open/);
  });

  it("a paid invoice is credited after payment, and that needs an outside-of-Stripe amount", async () => {
    const inv = await openInvoice();
    await stripe.invoices.pay(inv.id, { paid_out_of_band: true }, as(MERCHANT));
    expect((await rejection(stripe.creditNotes.create({ invoice: inv.id, amount: 500 }, as(MERCHANT)))).param).toBe("out_of_band_amount");
    const note = await stripe.creditNotes.create({ invoice: inv.id, amount: 500, out_of_band_amount: 500 }, as(MERCHANT));
    expect(note).toMatchObject({ pre_payment_amount: 0, post_payment_amount: 500, type: "post_payment" });
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).post_payment_credit_notes_amount).toBe(500);
  });
});
