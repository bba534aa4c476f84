// The signed PDF's last page: the certificate — who signed what, when, from
// where, under which consent — and the link's audit trail.
import { DOCUMENT_ATTACHMENT_NAME } from "~/domain/signature-document";
import { utcStamp } from "~/domain/signing";
import { GREY, type FontName, type PageWriter } from "./page-writer.server";
import type { SignedPdfInput } from "./render-signed-pdf.server";

/** Draws the certificate from where the writer stands (the caller starts a new page). */
export function drawCertificate(w: PageWriter, input: SignedPdfInput): void {
  const { document, t, signature } = input;
  w.text(t("sign.pdf.certificate"), { font: "bold", size: 16 });
  w.gap(4);
  w.text(t("sign.pdf.certificateIntro"), { size: 9, color: GREY });
  w.gap(10);
  const fields: [string, string, FontName?][] = [
    [t("sign.pdf.signatureId"), signature.id],
    [t("sign.pdf.invoiceField"), `${document.shopify ? t("sign.pdf.shopifyDraftOrder", { name: document.shopify.draftOrder }) : document.invoice.number} (${document.invoice.id})`],
    ...(document.shopify?.order ? [[t("sign.pdf.orderField"), t("sign.pdf.shopifyOrder", { name: document.shopify.order })] as [string, string]] : []),
    [t("sign.pdf.merchant"), document.merchant.name],
    [t("sign.pdf.signer"), signature.signerName],
    [t("sign.pdf.email"), signature.signerEmail ?? "—"],
    [t("sign.pdf.signedAt"), utcStamp(signature.signedAt)],
    [t("sign.pdf.ip"), signature.ipAddress],
    [t("sign.pdf.userAgent"), signature.userAgent],
    [t("sign.pdf.consent"), `${signature.consentVersion} (${input.locale}): ${signature.consentText}`],
    [t("sign.pdf.documentHash"), input.documentHash, "mono"],
  ];
  for (const [label, value, font] of fields) w.field(label, value, font);
  w.text(t("sign.pdf.hashExplained", { file: DOCUMENT_ATTACHMENT_NAME }), { size: 8, color: GREY });
  w.gap(14);
  w.text(t("sign.pdf.trail"), { font: "bold", size: 12 });
  w.gap(4);
  const columns = [
    { width: 0.3, align: "left" as const },
    { width: 0.28, align: "left" as const },
    { width: 0.42, align: "left" as const },
  ];
  for (const entry of input.trail) w.row(columns, [utcStamp(entry.at), entry.label, entry.detail ?? ""], { size: 9 });
  w.gap(14);
  w.text(t("sign.pdf.verify", { url: input.verifyUrl }), { size: 9 });
}
