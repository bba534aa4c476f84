import type { Signature } from "@prisma/client";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { CONSENT_VERSION, signatureDocumentSchema } from "~/domain/signature-document";
import type { SignedView, SigningPage } from "~/domain/signing";
import { markLinkViewed } from "~/models/signing-link.server";
import { readInvoiceAsShown } from "./invoice-as-shown.server";
import { findLiveLink } from "./live-link.server";
import { syncSignatureMetadata } from "./sync-signature-metadata.server";
import { issueViewNonce } from "./view-nonce.server";

/**
 * What /sign/<token> shows: the invoice as the canonical document, its hash
 * and a fresh view nonce for the form; or the signed state; or why the
 * invoice cannot be signed.
 *
 * Effects: records the link's first opening (later views leave it); on a
 * signed link, retries a Stripe metadata stamp still owed. Safe to run any
 * number of times. Reads the invoice from its provider (Stripe, or Shopify's
 * draft order on the Shopify rail) on every unsigned view.
 * @throws SigningLinkNotFound for an unknown, expired or revoked token.
 */
export async function viewSigningPage(token: string, options: { clock?: Clock } = {}): Promise<SigningPage> {
  const now = (options.clock ?? appClock).nowDate();
  const link = await findLiveLink(token, now);
  const { run } = link;
  if (run.signature) {
    if (run.signature.metadataSyncedAt === null) await syncSignatureMetadata(run.signature, run.shop, now);
    return { kind: "signed", signature: signedView(run.signature), payUrl: run.hostedInvoiceUrl };
  }
  await markLinkViewed(link.id, now);
  const shown = await readInvoiceAsShown(link);
  if (shown.kind === "refused") return shown;
  return {
    kind: "sign",
    document: shown.document,
    documentHash: shown.hash,
    nonce: issueViewNonce(link.tokenHash, now),
    consentVersion: CONSENT_VERSION,
    payUrl: shown.invoice.payUrl ?? run.hostedInvoiceUrl,
    paid: shown.invoice.status === "paid",
  };
}

function signedView(signature: Signature): SignedView {
  const parsed = signature.document === null ? null : signatureDocumentSchema.safeParse(JSON.parse(signature.document));
  return {
    id: signature.id,
    signerName: signature.signerName,
    signedAt: signature.signedAt.toISOString(),
    document: parsed?.success ? parsed.data : null,
    hasPdf: signature.signedPdf !== null,
  };
}
