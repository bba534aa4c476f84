// The Factur-X of a run whose template issues French e-invoices:
// - before any provider call, the pipeline asks {@link einvoiceRefusal}: a run
//   whose e-invoice would break a rule of the reform fails at once, naming the
//   field to fix, and Stripe never sees it;
// - once the provider finalized the invoice (its number is known),
//   {@link issueEInvoice} derives the Factur-X from the run's own snapshot
//   (the lines Stripe was given) and stores it once.
import { Temporal } from "temporal-polyfill";
import { buildEInvoice, einvoiceProblems, type EInvoiceInput } from "~/domain/einvoice";
import { einvoiceInputFromRun } from "~/domain/einvoice-run";
import type { RunErrorCode } from "~/domain/run-errors";
import { translator } from "~/i18n";
import { logger } from "~/logger.server";
import { findIssuingEInvoiceContext, hasEInvoiceDocument, insertEInvoiceDocument, type RunEInvoiceContext } from "~/models/einvoice.server";
import type { Run } from "~/models/invoice-run.server";
import { facturXPdf } from "./facturx-kit.server";
import { sealPdf } from "./seal-pdf.server";

export type RunForEInvoice = Pick<Run, "id" | "shopId" | "templateId" | "snapshot" | "currency" | "periodDate" | "hostedInvoiceUrl" | "invoiceNumber">;

export type EInvoiceRefusal = { code: RunErrorCode; message: string };

/** The run's e-invoice input, or why there is none (not enabled, no legal identity). */
export function inputFor(run: RunForEInvoice, context: RunEInvoiceContext, number: string, now: Date): EInvoiceInput | "disabled" | "no_identity" {
  const einvoice = context.einvoice;
  if (!einvoice?.enabled) return "disabled";
  const seller = context.settings.legalIdentity;
  if (!seller) return "no_identity";
  const issueDate = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(context.shopTimeZone).toPlainDate();
  const start = Temporal.PlainDate.from(run.periodDate);
  const unit = `${context.schedule.unit}s` as "days" | "weeks" | "months" | "years";
  const natures = einvoice.natures.length === run.snapshot.lines.length ? einvoice.natures : undefined;
  return einvoiceInputFromRun(
    { snapshot: run.snapshot, currency: run.currency, invoiceNumber: number, hostedInvoiceUrl: run.hostedInvoiceUrl },
    {
      seller,
      buyer: einvoice.buyer,
      ...(natures ? { natures } : {}),
      issueDate: issueDate.toString(),
      periodStart: start.toString(),
      periodEnd: start.add({ [unit]: context.schedule.every }).subtract({ days: 1 }).toString(),
    },
  );
}

/**
 * Why the run must not be issued, or null (not an e-invoice, or nothing to fix).
 * Reads the template's e-invoice settings and the shop's legal identity as
 * they are now. Effects: none. Checks everything but the invoice number,
 * which the provider assigns later (its length and characters are checked
 * when the Factur-X is made).
 */
export async function einvoiceRefusal(run: RunForEInvoice, now: Date): Promise<EInvoiceRefusal | null> {
  const context = await findIssuingEInvoiceContext(run.templateId);
  if (!context) return null;
  const input = inputFor(run, context, "", now);
  if (input === "disabled") return null;
  if (input === "no_identity") {
    return { code: "einvoice_invalid", message: "This invoice is a French e-invoice and your shop's legal identity is missing: fill in Settings → Legal identity, then retry." };
  }
  const { number: _number, ...withoutNumber } = input;
  const problems = einvoiceProblems(withoutNumber);
  if (problems.length === 0) return null;
  const fields = problems.map((problem) => `${problem.field} (${problem.code}, ${problem.rule})`).join("; ");
  return { code: "einvoice_invalid", message: `This French e-invoice would be refused: fix ${fields}, then retry.` };
}

/**
 * Makes and stores the run's Factur-X, once, after the provider finalized
 * its invoice (the run holds its number and hosted page). Idempotent: a
 * resumed step finds the stored document and writes nothing. Never fails
 * the run (the invoice is issued at the provider): a document that cannot
 * be made is logged with the reason. A database error propagates (the step
 * is taken over and done again, like after a crash).
 */
export async function issueEInvoice(run: RunForEInvoice, now: Date): Promise<void> {
  if (!run.invoiceNumber) return;
  const context = await findIssuingEInvoiceContext(run.templateId);
  if (!context || (await hasEInvoiceDocument(run.id))) return;
  const input = inputFor(run, context, run.invoiceNumber, now);
  if (input === "disabled") return;
  const problems = input === "no_identity" ? [{ field: "seller", code: "required", rule: "legal identity" }] : einvoiceProblems(input);
  if (input === "no_identity" || problems.length > 0) {
    logger.warn({ runId: run.id, problems }, "the Factur-X of an issued invoice could not be made");
    return;
  }
  const einvoice = buildEInvoice(input);
  let made: { pdf: Uint8Array; xml: string };
  try {
    made = await facturXPdf(einvoice);
    // Sealed once, as issued (an issued e-invoice is never rewritten), so the
    // Factur-X of every invoice, signed or not, carries Ritournelle's seal;
    // the Factur-X is French, its seal's reason too.
    made = { ...made, pdf: await sealPdf(made.pdf, { signedAt: now, reason: translator("fr")("seal.reason.einvoice", { number: input.number, merchant: input.seller.name }) }) };
  } catch (error) {
    logger.error({ err: error, runId: run.id }, "the Factur-X generator refused an invoice the pre-flight accepted");
    return;
  }
  const { pdf, xml } = made;
  await insertEInvoiceDocument({ shopId: run.shopId, runId: run.id, kind: "invoice", number: input.number, issueDate: input.issueDate, total: einvoice.grandTotal, pdf, xml });
}
