// The proof's chain: the page renders ONLY the canonical document; its
// SHA-256 goes in a hidden field; at submit the invoice is read again from
// its provider (Stripe, or Shopify's draft order) and must hash the same (else nothing is signed); the certificate
// prints that hash and the PDF carries the document as an attachment; the
// PDF is sealed with Ritournelle's certificate (PAdES) and its own SHA-256
// is stored for /verify.
import { randomBytes } from "node:crypto";
import { config } from "~/config.server";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { CONSENT_VERSION, SHA256_HEX, sha256Hex } from "~/domain/signature-document";
import type { SubmitOutcome } from "~/domain/signing";
import { checkSignatureFields, type SignatureForm } from "~/domain/signing-form";
import { translator, type Locale, type Translate } from "~/i18n";
import { listRunEventsOfType } from "~/models/run-event.server";
import { insertSignature } from "~/models/signature.server";
import { sealPdf } from "~/services/documents/seal-pdf.server";
import type { LinkContext } from "~/models/signing-link.server";
import { readInvoiceAsShown } from "./invoice-as-shown.server";
import { findLiveLink } from "./live-link.server";
import { UnreadableSignatureImage } from "./signed-pdf/readable-png.server";
import { renderSignedPdf, type TrailEntry } from "./signed-pdf/render-signed-pdf.server";
import { syncSignatureMetadata } from "./sync-signature-metadata.server";
import { readViewNonce } from "./view-nonce.server";

const USER_AGENT_MAX = 512;

/** Who is signing, as the request shows it. */
export type SubmitContext = {
  locale: Locale;
  ipAddress: string;
  userAgent: string;
  /** Origin/Referer is our own site (app/http/origin.server.ts). */
  sameOrigin: boolean;
};

/**
 * Signs the run's invoice for the holder of `token`.
 *
 * In order: the link must be live; a signed run answers `already_signed`;
 * the form must come from our page (origin, nonce, consent version); the
 * fields must be valid (a real drawing, a PNG, a name, consent); the invoice,
 * read again from its provider, must still be signable and hash to what the page
 * showed. Then the signed PDF is made and the Signature and its "run.signed"
 * event are written in one transaction — the unique run id decides a race, so
 * a double submit signs once (safe to run any number of times: every call
 * after the first answers `already_signed` and writes nothing). Last,
 * `signed_at` and `signature_id` are added to the Stripe invoice's metadata
 * (the draft order's metafields on the Shopify rail); if that fails, the signature stands and the stamp is retried
 * (signed page view, stampPendingSignatures).
 *
 * @throws SigningLinkNotFound for an unknown, expired or revoked token.
 */
export async function submitSignature(token: string, form: SignatureForm, context: SubmitContext, options: { clock?: Clock } = {}): Promise<SubmitOutcome> {
  const now = (options.clock ?? appClock).nowDate();
  const link = await findLiveLink(token, now);
  if (link.run.signature) return { kind: "already_signed" };
  const viewedAt = form.nonce ? readViewNonce(form.nonce, link.tokenHash, now) : null;
  const shownHash = form.documentHash ?? "";
  if (!context.sameOrigin || viewedAt === null || form.consentVersion !== CONSENT_VERSION || !SHA256_HEX.test(shownHash)) {
    return { kind: "refused", reason: "stale_form" };
  }
  const fields = checkSignatureFields(form);
  if (!fields.ok) return { kind: "invalid", errors: fields.errors };
  const { name, image, strokes } = fields.value;

  const shown = await readInvoiceAsShown(link);
  if (shown.kind === "refused") return shown;
  if (shown.hash !== shownHash) return { kind: "refused", reason: "changed" };

  const { run } = link;
  const t = translator(context.locale);
  const signatureId = `sig_${randomBytes(12).toString("base64url")}`;
  const signerEmail = shown.invoice.customerEmail?.trim().toLowerCase() || null;
  const userAgent = context.userAgent.slice(0, USER_AGENT_MAX);
  let pdf;
  try {
    pdf = await renderSignedPdf({
      locale: context.locale,
      t,
      document: shown.document,
      documentHash: shown.hash,
      signature: {
        id: signatureId,
        signerName: name,
        signerEmail,
        ipAddress: context.ipAddress,
        userAgent,
        image,
        consentVersion: CONSENT_VERSION,
        consentText: t(`sign.consent.${CONSENT_VERSION}`),
        signedAt: now,
      },
      trail: await auditTrail(link, { viewedAt, signedAt: now, ipAddress: context.ipAddress }, t),
      verifyUrl: new URL("/verify", config().SHOPIFY_APP_URL).toString(),
    });
  } catch (error) {
    if (error instanceof UnreadableSignatureImage) return { kind: "invalid", errors: { image: "malformed" } };
    throw error;
  }
  // Sealed with Ritournelle's certificate (PAdES): any PDF reader shows it
  // unaltered since; the stored SHA-256 is the sealed file's, as downloaded.
  const sealed = await sealPdf(pdf.bytes, { signedAt: now, reason: t("seal.reason.signature", { number: shown.document.invoice.number }) });
  pdf = { bytes: sealed, sha256: await sha256Hex(sealed) };

  const inserted = await insertSignature(
    {
      id: signatureId,
      shopId: run.shopId,
      runId: run.id,
      invoiceId: shown.invoice.id,
      invoiceNumber: shown.document.invoice.number,
      merchantName: shown.document.merchant.name,
      locale: context.locale,
      consentVersion: CONSENT_VERSION,
      documentHash: shown.hash,
      document: JSON.stringify(shown.document),
      signerName: name,
      signerEmail,
      ipAddress: context.ipAddress,
      userAgent,
      image,
      signedPdf: pdf.bytes,
      signedPdfSha256: pdf.sha256,
      viewedAt,
      signedAt: now,
    },
    // No personal data in the run's trail: it outlives customers/redact.
    { templateId: run.templateId, detail: { signatureId, documentHash: shown.hash, pdfSha256: pdf.sha256, strokes: strokes.strokes, points: strokes.points } },
  );
  if (!inserted) return { kind: "already_signed" };
  await syncSignatureMetadata({ id: signatureId, invoiceId: shown.invoice.id, signedAt: now }, run.shop, now);
  return { kind: "signed", signatureId };
}

/** The certificate's audit trail: the link's life, from its creation to this signature. */
async function auditTrail(link: LinkContext, at: { viewedAt: Date; signedAt: Date; ipAddress: string }, t: Translate): Promise<TrailEntry[]> {
  const [sent] = await listRunEventsOfType(link.run.shopId, link.run.id, "run.sent");
  return [
    { at: link.createdAt, label: t("sign.trail.linkCreated") },
    ...(sent ? [{ at: sent.at, label: t("sign.trail.invoiceSent") }] : []),
    ...(link.viewedAt ? [{ at: link.viewedAt, label: t("sign.trail.firstOpened") }] : []),
    { at: at.viewedAt, label: t("sign.trail.formShown") },
    { at: at.signedAt, label: t("sign.trail.signed"), detail: at.ipAddress },
  ];
}
