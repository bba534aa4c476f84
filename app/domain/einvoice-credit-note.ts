/**
 * The credit note (type 381, "avoir") that cancels an issued French
 * e-invoice: the invoice's own lines, amounts and parties, positive (EN 16931
 * credit notes carry positive amounts), with BG-3 pointing at the invoice
 * (BT-25 its number, BT-26 its date). French law corrects an issued invoice
 * only by a document that refers to it (CGI art. 272-1 and 289-I-5; BOFiP
 * BOI-TVA-DECLA-30-20-20); it is never deleted. Pure.
 */
import type { EInvoiceInput } from "./einvoice";

/** "2026-12-15" → "15/12/2026". */
const frenchDate = (civil: string) => civil.split("-").reverse().join("/");

/** What Stripe numbers a credit note: its invoice's number + "-CN-01" (the first one). */
export const expectedCreditNoteNumber = (invoiceNumber: string) => `${invoiceNumber}-CN-01`;

/**
 * The credit note cancelling `invoice` in full, numbered `number`, issued on
 * `issueDate` (civil YYYY-MM-DD). `cancelled` is the invoice as issued (its
 * number and date: the Factur-X already stored, which is what the buyer holds).
 */
export function creditNoteOf(invoice: EInvoiceInput, cancelled: { number: string; issueDate: string }, number: string, issueDate: string): EInvoiceInput {
  const { paymentUrl: _paymentUrl, ...rest } = invoice;
  return {
    ...rest,
    kind: "credit_note",
    number,
    issueDate,
    // Nothing is to be paid on a credit note: it is due the day it is issued.
    dueDate: issueDate,
    paymentTerms: `Avoir annulant la facture ${cancelled.number} du ${frenchDate(cancelled.issueDate)} : son montant n'est plus dû.`,
    precedingInvoice: { number: cancelled.number, issueDate: cancelled.issueDate },
  };
}
