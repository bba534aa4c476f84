// Credit notes: what one credits on its invoice, and how it renders — as
// Stripe documents them:
// - https://docs.stripe.com/api/credit_notes/create — "Issue a credit note to
//   adjust the amount of a finalized invoice. A credit note will first reduce
//   the invoice's amount_remaining (and amount_due), but not below zero. This
//   amount is indicated by the credit note's pre_payment_amount. The excess
//   amount is indicated by post_payment_amount […] The sum of refunds,
//   customer balance credits, and outside of Stripe credits must equal the
//   post_payment_amount."
// - https://stripe.com/docs/billing/invoices/credit-notes — "You can issue a
//   credit note for open and paid invoices […] The sum of all credit notes
//   cannot exceed the invoice's total amount." Lines credit an invoice line
//   by quantity or by amount (not both, and not one then the other), or are
//   custom lines (description, quantity, unit amount)
//   (https://docs.stripe.com/invoicing/integration/programmatic-credit-notes).
// - Voiding: "You can only void a credit note if the associated invoice is
//   open" (the SDKs' documentation of POST /v1/credit_notes/:id/void).
// Not modelled (refused with a 400 that says so): refunds, customer balance
// credits, shipping costs, tax rates on custom lines.
import type Stripe from "stripe";
import { invalidRequest, noSuch, paramError } from "./errors.js";
import { computeTotals, amountDue, type LineCalc } from "./invoice-totals.js";
import type { AccountData } from "./store.js";
import type { CreditNoteLineRecord, CreditNoteRecord, InvoiceRecord, WireCreditNote, WireCreditNoteLine } from "./types.js";

export type CreditLineParam = {
  type: "invoice_line_item" | "custom_line_item";
  invoice_line_item?: string;
  quantity?: number;
  amount?: number;
  description?: string;
  unit_amount?: number;
  metadata?: Record<string, string> | null;
};

export type CreditNoteParams = {
  invoice: string;
  amount?: number;
  lines?: CreditLineParam[];
  out_of_band_amount?: number;
  memo?: string;
  reason?: string;
  metadata?: Record<string, string> | null;
  effective_at?: number;
};

/** What a credit note would be, before it is stored (create and preview share it). */
export type CreditNoteDraft = Omit<CreditNoteRecord, "id" | "number" | "created" | "effectiveAt" | "status" | "voidedAt" | "seq" | "wall" | "lines"> & {
  lines: Omit<CreditNoteLineRecord, "id">[];
};

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const share = (amount: number, fraction: number) => Math.round(amount * fraction);

/** The issued (not voided) credit notes of an invoice, oldest first. */
export function creditNotesOf(data: AccountData, invoiceId: string): CreditNoteRecord[] {
  return [...data.creditNotes.values()].filter((note) => note.invoice === invoiceId).sort((a, b) => a.seq - b.seq);
}

function creditInvoiceLine(data: AccountData, inv: InvoiceRecord, calc: LineCalc, param: CreditLineParam, index: number): Omit<CreditNoteLineRecord, "id"> {
  const quantity = Number(calc.item.quantity);
  const issued = creditNotesOf(data, inv.id).filter((note) => note.status === "issued").flatMap((note) => note.lines.filter((line) => line.invoiceLineItem === calc.item.lineId));
  if (param.quantity !== undefined && param.amount !== undefined) {
    throw paramError("You may only specify one of these parameters: amount, quantity.", `lines[${index}][quantity]`, "parameters_exclusive");
  }
  let fraction: number;
  if (param.quantity !== undefined) {
    if (issued.some((line) => line.quantity === null)) throw invalidRequest(`Line item ${calc.item.lineId} was credited by amount: credit it by amount again.`, { param: `lines[${index}][quantity]` });
    const credited = issued.reduce((acc, line) => acc + (line.quantity ?? 0), 0);
    if (param.quantity < 1 || credited + param.quantity > quantity) {
      throw invalidRequest(`The quantity to credit (${param.quantity}) exceeds what remains of line item ${calc.item.lineId} (${quantity - credited}).`, { param: `lines[${index}][quantity]` });
    }
    fraction = ratio(param.quantity, quantity);
  } else if (param.amount !== undefined) {
    if (issued.some((line) => line.quantity !== null)) throw invalidRequest(`Line item ${calc.item.lineId} was credited by quantity: credit it by quantity again.`, { param: `lines[${index}][amount]` });
    const credited = issued.reduce((acc, line) => acc + line.amount, 0);
    if (param.amount < 1 || credited + param.amount > calc.amount) {
      throw invalidRequest(`The amount to credit (${param.amount}) exceeds what remains of line item ${calc.item.lineId} (${calc.amount - credited}).`, { param: `lines[${index}][amount]` });
    }
    fraction = ratio(param.amount, calc.amount);
  } else {
    throw paramError(`Missing required param: lines[${index}][quantity] or lines[${index}][amount].`, `lines[${index}][quantity]`, "parameter_missing");
  }
  return {
    type: "invoice_line_item",
    invoiceLineItem: calc.item.lineId,
    description: calc.item.description,
    quantity: param.quantity ?? null,
    unitAmount: param.quantity !== undefined ? share(calc.amount, ratio(1, quantity)) : null,
    amount: param.amount ?? share(calc.amount, fraction),
    discountAmount: share(calc.amount - calc.net, fraction),
    taxes: calc.taxes.map((tax) => ({ amount: share(tax.amount, fraction), taxRate: tax.rate.obj.id, inclusive: tax.rate.obj.inclusive, taxable: share(tax.taxable, fraction) })),
    metadata: { ...(param.metadata ?? {}) },
  };
}

function creditCustomLine(param: CreditLineParam, index: number): Omit<CreditNoteLineRecord, "id"> {
  if (!param.description) throw paramError(`Missing required param: lines[${index}][description].`, `lines[${index}][description]`, "parameter_missing");
  if (param.unit_amount === undefined) throw paramError(`Missing required param: lines[${index}][unit_amount].`, `lines[${index}][unit_amount]`, "parameter_missing");
  const quantity = param.quantity ?? 1;
  return {
    type: "custom_line_item",
    invoiceLineItem: null,
    description: param.description,
    quantity,
    unitAmount: param.unit_amount,
    amount: quantity * param.unit_amount,
    discountAmount: 0,
    taxes: [],
    metadata: { ...(param.metadata ?? {}) },
  };
}

const lineTotal = (line: Omit<CreditNoteLineRecord, "id">) => line.amount - line.discountAmount + line.taxes.filter((tax) => !tax.inclusive).reduce((acc, tax) => acc + tax.amount, 0);

/**
 * The credit note `params` would issue on `inv`, checked against Stripe's
 * rules; nothing is changed.
 * @throws StripeApiError (400) for anything Stripe refuses.
 */
export function draftCreditNote(data: AccountData, inv: InvoiceRecord, params: CreditNoteParams): CreditNoteDraft {
  if (inv.status !== "open" && inv.status !== "paid") {
    throw invalidRequest(`You can only create a credit note for an open or paid invoice; invoice ${inv.id} is ${inv.status}.`, { param: "invoice" });
  }
  if (params.amount === undefined && (params.lines === undefined || params.lines.length === 0)) {
    throw paramError("Missing required param: one of amount, lines or shipping_cost.", "amount", "parameter_missing");
  }
  const totals = computeTotals(data, inv);
  const lines = (params.lines ?? []).map((param, index) => {
    if (param.type === "custom_line_item") return creditCustomLine(param, index);
    if (!param.invoice_line_item) throw paramError(`Missing required param: lines[${index}][invoice_line_item].`, `lines[${index}][invoice_line_item]`, "parameter_missing");
    const calc = totals.lines.find((line) => line.item.lineId === param.invoice_line_item);
    if (!calc) throw noSuch("line item", param.invoice_line_item, `lines[${index}][invoice_line_item]`);
    return creditInvoiceLine(data, inv, calc, param, index);
  });
  const linesTotal = lines.reduce((acc, line) => acc + lineTotal(line), 0);
  if (params.amount !== undefined && lines.length > 0 && params.amount !== linesTotal) {
    throw invalidRequest(`The credit note amount (${params.amount}) must equal the sum of its lines (${linesTotal}).`, { param: "amount" });
  }
  const total = lines.length > 0 ? linesTotal : (params.amount ?? 0);
  if (total <= 0) throw paramError("The credit note amount must be greater than 0.", "amount");
  const issued = creditNotesOf(data, inv.id).filter((note) => note.status === "issued");
  const alreadyCredited = issued.reduce((acc, note) => acc + note.total, 0);
  if (alreadyCredited + total > totals.total) {
    throw invalidRequest(
      `The sum of all credit notes (${alreadyCredited + total}) cannot exceed the invoice's total (${totals.total}); ${totals.total - alreadyCredited} can still be credited.`,
      { param: lines.length > 0 ? "lines" : "amount" },
    );
  }
  const remaining = inv.status === "open" ? Math.max(0, amountDue(totals, inv) - inv.amountPaid) : 0;
  const pre = Math.min(total, remaining);
  const post = total - pre;
  const outOfBand = params.out_of_band_amount ?? 0;
  if (outOfBand !== post) {
    throw invalidRequest(
      `The sum of refunds, customer balance credits and outside of Stripe credits (${outOfBand}) must equal the post-payment amount (${post}). The stand-in models out_of_band_amount only.`,
      { param: "out_of_band_amount" },
    );
  }
  return {
    invoice: inv.id,
    customer: inv.customer,
    currency: inv.currency,
    memo: params.memo ?? null,
    reason: (params.reason ?? null) as Stripe.CreditNote.Reason | null,
    metadata: { ...(params.metadata ?? {}) },
    lines,
    total,
    prePaymentAmount: pre,
    postPaymentAmount: post,
    outOfBandAmount: params.out_of_band_amount ?? null,
  };
}

function renderLine(line: Omit<CreditNoteLineRecord, "id"> & { id: string }): WireCreditNoteLine {
  return {
    id: line.id,
    object: "credit_note_line_item",
    amount: line.amount,
    description: line.description,
    discount_amount: line.discountAmount,
    discount_amounts: [],
    ...(line.invoiceLineItem ? { invoice_line_item: line.invoiceLineItem } : {}),
    livemode: false,
    metadata: { ...line.metadata },
    pretax_credit_amounts: [],
    quantity: line.quantity,
    tax_rates: [],
    taxes: line.taxes.map((tax) => ({
      amount: tax.amount,
      tax_behavior: tax.inclusive ? "inclusive" : "exclusive",
      tax_rate_details: { tax_rate: tax.taxRate },
      taxability_reason: "not_available",
      taxable_amount: tax.taxable,
      type: "tax_rate_details",
    })),
    type: line.type,
    unit_amount: line.unitAmount,
    unit_amount_decimal: line.unitAmount === null ? null : String(line.unitAmount),
  };
}

/** The credit note as the API returns it. */
export function renderCreditNote(note: Omit<CreditNoteRecord, "seq" | "wall">, pdfBase: string): WireCreditNote {
  const lines = note.lines.map(renderLine);
  const exclusiveTax = note.lines.flatMap((line) => line.taxes).filter((tax) => !tax.inclusive).reduce((acc, tax) => acc + tax.amount, 0);
  const byRate = new Map<string, Stripe.CreditNote.TotalTax>();
  for (const tax of note.lines.flatMap((line) => line.taxes)) {
    const current = byRate.get(tax.taxRate);
    if (current) {
      current.amount += tax.amount;
      current.taxable_amount = (current.taxable_amount ?? 0) + tax.taxable;
    } else {
      byRate.set(tax.taxRate, { amount: tax.amount, tax_behavior: tax.inclusive ? "inclusive" : "exclusive", tax_rate_details: { tax_rate: tax.taxRate }, taxability_reason: "not_available", taxable_amount: tax.taxable, type: "tax_rate_details" });
    }
  }
  const type = note.prePaymentAmount > 0 && note.postPaymentAmount > 0 ? "mixed" : note.postPaymentAmount > 0 ? "post_payment" : "pre_payment";
  return {
    id: note.id,
    object: "credit_note",
    amount: note.total,
    amount_shipping: 0,
    created: note.created,
    currency: note.currency,
    customer: note.customer,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: note.lines.reduce((acc, line) => acc + line.discountAmount, 0),
    discount_amounts: [],
    effective_at: note.effectiveAt,
    invoice: note.invoice,
    lines: { object: "list", data: lines.slice(0, 10), has_more: lines.length > 10, url: `/v1/credit_notes/${note.id}/lines` },
    livemode: false,
    memo: note.memo,
    metadata: { ...note.metadata },
    number: note.number,
    out_of_band_amount: note.outOfBandAmount,
    pdf: `${pdfBase}/credit_notes/${note.id}/pdf`,
    post_payment_amount: note.postPaymentAmount,
    pre_payment_amount: note.prePaymentAmount,
    pretax_credit_amounts: [],
    reason: note.reason,
    refunds: [],
    shipping_cost: null,
    status: note.status,
    subtotal: note.total - exclusiveTax,
    subtotal_excluding_tax: note.total - note.lines.flatMap((line) => line.taxes).reduce((acc, tax) => acc + tax.amount, 0),
    total: note.total,
    total_excluding_tax: note.total - exclusiveTax,
    total_taxes: [...byRate.values()],
    type,
    voided_at: note.voidedAt,
  };
}

/** Lines of a credit note, for GET …/lines (all of them, to be paginated). */
export function renderCreditNoteLines(note: Omit<CreditNoteRecord, "seq" | "wall">): WireCreditNoteLine[] {
  return note.lines.map(renderLine);
}
