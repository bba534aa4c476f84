// The run's invoice as the signing page shows it, read from Stripe each
// time. Not a use case: the view renders it, and the submit reads it again
// to check that what is signed is what was shown.
import { buildSignatureDocument, documentHash, type SignatureDocument } from "~/domain/signature-document";
import { invoiceStatusRefusal, runRefusal, type InvoiceRefusal } from "~/domain/signing";
import { stripeFailureOf } from "~/gateways/stripe/errors.server";
import { fetchInvoiceForSigning, type SigningInvoice } from "~/gateways/stripe/invoice-metadata.server";
import { logger } from "~/logger.server";
import type { LinkContext } from "~/models/signing-link.server";

export type InvoiceAsShown =
  | { kind: "ok"; invoice: SigningInvoice; document: SignatureDocument; hash: string }
  | { kind: "refused"; reason: InvoiceRefusal };

/**
 * Reads the link's invoice from Stripe and decides whether it can be signed:
 * the canonical document and its hash, or why not. Reads only; a Stripe
 * failure is a refusal ("unavailable"), never an exception.
 * @throws only what is not a Stripe error (a bug).
 */
export async function readInvoiceAsShown(link: LinkContext): Promise<InvoiceAsShown> {
  const { run } = link;
  const refusal = runRefusal(run);
  // runRefusal refuses a run without an invoice; the second test tells the compiler.
  if (refusal || run.invoiceId === null) return { kind: "refused", reason: refusal ?? "not_issued" };
  const account = run.shop.billingAccountId;
  if (account === null) return { kind: "refused", reason: "unavailable" };
  let invoice: SigningInvoice;
  try {
    invoice = await fetchInvoiceForSigning(account, run.invoiceId);
  } catch (error) {
    const failure = stripeFailureOf(error);
    if (!failure) throw error;
    if (failure.missing) return { kind: "refused", reason: "not_issued" };
    logger.warn({ runId: run.id, code: failure.code, status: failure.status }, "signing: Stripe invoice unavailable");
    return { kind: "refused", reason: "unavailable" };
  }
  const statusRefusal = invoiceStatusRefusal(invoice.status);
  if (statusRefusal) return { kind: "refused", reason: statusRefusal };
  const document = buildSignatureDocument(invoice, run.shop);
  return { kind: "ok", invoice, document, hash: await documentHash(document) };
}
