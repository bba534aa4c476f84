// The run's invoice as the signing page shows it, read from its provider each
// time: the Stripe invoice, or on the Shopify rail the draft order (what
// Shopify's checkout will charge). Not a use case: the view renders it, and
// the submit reads it again to check that what is signed is what was shown.
import { BillingError } from "~/domain/billing";
import { buildSignatureDocument, documentHash, type SignatureDocument } from "~/domain/signature-document";
import { invoiceStatusRefusal, runRefusal, type InvoiceRefusal } from "~/domain/signing";
import { toBillingError } from "~/gateways/shopify/billing-adapter.server";
import { isDraftOrderId, readDraftOrderForSigning, type SigningDraftOrder } from "~/gateways/shopify/draft-order-for-signing.server";
import { httpRefusalStatus } from "~/gateways/shopify/graphql.server";
import { stripeFailureOf } from "~/gateways/stripe/errors.server";
import { fetchInvoiceForSigning, type SigningInvoice } from "~/gateways/stripe/invoice-metadata.server";
import { logger } from "~/logger.server";
import type { LinkContext } from "~/models/signing-link.server";
import { backgroundAdmin } from "~/services/shopify/background-admin.server";

/** What the pages need of the provider's invoice besides the document. */
export type ShownInvoice = {
  /** The provider's id (Stripe "in_…", a draft order's GID). */
  id: string;
  status: string | null;
  customerEmail: string | null;
  /** Where the customer pays: Stripe's hosted invoice page, or Shopify's checkout for the draft. */
  payUrl: string | null;
};

export type InvoiceAsShown =
  | { kind: "ok"; invoice: ShownInvoice; document: SignatureDocument; hash: string }
  | { kind: "refused"; reason: InvoiceRefusal };

/**
 * Reads the link's invoice from its provider and decides whether it can be
 * signed: the canonical document and its hash, or why not. Reads only; a
 * provider's failure is a refusal ("unavailable"), never an exception.
 * @throws only what is not the provider's error (a bug).
 */
export async function readInvoiceAsShown(link: LinkContext): Promise<InvoiceAsShown> {
  const { run } = link;
  const refusal = runRefusal(run);
  // runRefusal refuses a run without an invoice; the second test tells the compiler.
  if (refusal || run.invoiceId === null) return { kind: "refused", reason: refusal ?? "not_issued" };
  if (isDraftOrderId(run.invoiceId)) return readDraftAsShown(link, run.invoiceId);
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
  const shown = { id: invoice.id, status: invoice.status, customerEmail: invoice.customerEmail, payUrl: invoice.hostedInvoiceUrl };
  return { kind: "ok", invoice: shown, document, hash: await documentHash(document) };
}

/** The Shopify rail: the run's draft order, read with the shop's offline access. */
async function readDraftAsShown(link: LinkContext, draftId: string): Promise<InvoiceAsShown> {
  const { run } = link;
  let draft: SigningDraftOrder | null;
  try {
    draft = await readDraftOrderForSigning(await backgroundAdmin(run.shop.domain), draftId);
  } catch (error) {
    // Shopify refused (a 4xx: a frozen or locked shop, a missing scope) or could not be reached; anything else is a bug.
    const failure = toBillingError(error);
    const refusedStatus = httpRefusalStatus(error);
    if (!(failure instanceof BillingError) && refusedStatus === null) throw error;
    logger.warn({ runId: run.id, code: failure instanceof BillingError ? failure.code : null, status: refusedStatus }, "signing: Shopify draft order unavailable");
    return { kind: "refused", reason: "unavailable" };
  }
  // Deleted in Shopify's admin: the merchant cancelled it.
  if (draft === null) return { kind: "refused", reason: "void" };
  const statusRefusal = invoiceStatusRefusal(draft.status);
  if (statusRefusal) return { kind: "refused", reason: statusRefusal };
  const document = buildSignatureDocument(draft, run.shop);
  const shown = { id: draft.id, status: draft.status, customerEmail: draft.customerEmail, payUrl: draft.invoiceUrl };
  return { kind: "ok", invoice: shown, document, hash: await documentHash(document) };
}
