// The Factur-X of a credit note (type 381, "avoir") cancelling a run's
// French e-invoice: the same lines, amounts and parties as the invoice —
// derived from the same run snapshot, as the invoice was — with BG-3
// pointing at the invoice (BT-25 its number, BT-26 its date). French law
// (CGI art. 272-1 and 289-I-5; BOFiP BOI-TVA-DECLA-30-20-20) corrects an
// issued invoice only by a document that refers to it; it is never deleted.
import { buildEInvoice, einvoiceProblems, type EInvoice, type EInvoiceInput, type EInvoiceProblem } from "~/domain/einvoice";
import { findRunEInvoiceContext } from "~/models/einvoice.server";
import { facturXPdf } from "./facturx-kit.server";
import { inputFor, type RunForEInvoice } from "./issue-einvoice.server";

export type CancelledInvoice = { number: string; issueDate: string };

/** "2026-12-15" → "15/12/2026". */
const frenchDate = (civil: string) => civil.split("-").reverse().join("/");

/**
 * The credit note's e-invoice input, or why there can be none: the template
 * no longer issues e-invoices / the shop's legal identity is gone ("missing"),
 * or a rule the credit note would break (its problems, with the field).
 * `number` is the credit note's (Stripe's), `at` when it is issued.
 */
export async function creditNoteInput(
  run: RunForEInvoice,
  invoice: CancelledInvoice,
  number: string,
  at: Date,
): Promise<{ input: EInvoiceInput } | { missing: true } | { problems: EInvoiceProblem[] }> {
  const context = await findRunEInvoiceContext(run.id);
  if (!context) return { missing: true };
  // The template's switch may have been turned off since: the invoice exists all the same and must be corrected.
  const forced = context.einvoice ? { ...context, einvoice: { ...context.einvoice, enabled: true } } : context;
  const base = inputFor(run, forced, number, at);
  if (base === "disabled" || base === "no_identity") return { missing: true };
  const input: EInvoiceInput = {
    ...base,
    kind: "credit_note",
    // Nothing is to be paid on a credit note: it is due the day it is issued.
    dueDate: base.issueDate,
    paymentTerms: `Avoir annulant la facture ${invoice.number} du ${frenchDate(invoice.issueDate)} : son montant n'est plus dû.`,
    precedingInvoice: { number: invoice.number, issueDate: invoice.issueDate },
  };
  delete input.paymentUrl;
  const problems = einvoiceProblems(input);
  return problems.length > 0 ? { problems } : { input };
}

/** What Stripe will number the credit note: the invoice's number + "-CN-01" (checked before Stripe is asked). */
export const expectedCreditNoteNumber = (invoiceNumber: string) => `${invoiceNumber}-CN-01`;

/** The credit note's Factur-X PDF/A-3 and CII XML. */
export async function creditNoteFacturX(input: EInvoiceInput): Promise<{ einvoice: EInvoice; pdf: Uint8Array; xml: string }> {
  const einvoice = buildEInvoice(input);
  const { pdf, xml } = await facturXPdf(einvoice);
  return { einvoice, pdf, xml };
}
