// The Factur-X of a credit note (type 381, "avoir") cancelling a run's
// French e-invoice (app/domain/einvoice-credit-note.ts): derived from the
// same run snapshot as the invoice was, so both carry the same lines and
// amounts to the cent.
import { buildEInvoice, einvoiceProblems, type EInvoice, type EInvoiceInput, type EInvoiceProblem } from "~/domain/einvoice";
import { creditNoteOf } from "~/domain/einvoice-credit-note";
import { findTemplateEInvoiceContext } from "~/models/einvoice.server";
import { translator } from "~/i18n";
import { facturXPdf } from "./facturx-kit.server";
import { inputFor, type RunForEInvoice } from "./issue-einvoice.server";
import { sealPdf } from "./seal-pdf.server";

export type CancelledInvoice = { number: string; issueDate: string };

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
  const context = await findTemplateEInvoiceContext(run.templateId);
  if (!context) return { missing: true };
  // The template's switch may have been turned off since: the invoice exists all the same and must be corrected.
  const forced = context.einvoice ? { ...context, einvoice: { ...context.einvoice, enabled: true } } : context;
  const base = inputFor(run, forced, number, at);
  if (base === "disabled" || base === "no_identity") return { missing: true };
  const input = creditNoteOf(base, invoice, number, base.issueDate);
  const problems = einvoiceProblems(input);
  return problems.length > 0 ? { problems } : { input };
}

/** The credit note's Factur-X PDF/A-3 and CII XML, sealed as issued like the invoice's (seal-pdf.server.ts); `sealedAt` is the seal's claimed time. */
export async function creditNoteFacturX(input: EInvoiceInput, sealedAt: Date = new Date()): Promise<{ einvoice: EInvoice; pdf: Uint8Array; xml: string }> {
  const einvoice = buildEInvoice(input);
  const { pdf, xml } = await facturXPdf(einvoice);
  const sealed = await sealPdf(pdf, { signedAt: sealedAt, reason: translator("fr")("seal.reason.einvoice", { number: input.number, merchant: input.seller.name }) });
  return { einvoice, pdf: sealed, xml };
}
