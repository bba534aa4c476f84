// The signed PDF: the invoice as the customer saw it, their signature, and a
// certificate page with the audit trail. Made once, at signing, with pdf-lib;
// the bytes are stored with their SHA-256 so /verify can tell an untouched
// copy from an altered one.
//
// The canonical invoice document (the JSON whose SHA-256 the signature is
// bound to) is attached to the PDF as DOCUMENT_ATTACHMENT_NAME, so anyone
// holding the file can recompute the document hash printed on the certificate.
import { PDFDocument, type PDFImage } from "pdf-lib";
import { canonicalJson, DOCUMENT_ATTACHMENT_NAME, sha256Hex, type SignatureDocument } from "~/domain/signature-document";
import type { Locale, Translate } from "~/i18n";
import { drawCertificate } from "./certificate-page.server";
import { drawInvoice } from "./invoice-page.server";
import { PageWriter } from "./page-writer.server";
import { assertReadablePng, UnreadableSignatureImage } from "./readable-png.server";

/** One line of the certificate's audit trail. */
export type TrailEntry = { at: Date; label: string; detail?: string };

export type SignedPdfInput = {
  locale: Locale;
  t: Translate;
  document: SignatureDocument;
  documentHash: string;
  signature: {
    id: string;
    signerName: string;
    signerEmail: string | null;
    ipAddress: string;
    userAgent: string;
    /** PNG bytes from the pad. */
    image: Uint8Array;
    consentVersion: string;
    consentText: string;
    signedAt: Date;
  };
  trail: TrailEntry[];
  /** Where the file can be checked: `${appUrl}/verify`. */
  verifyUrl: string;
};

export type SignedPdf = { bytes: Uint8Array<ArrayBuffer>; sha256: string };

/**
 * Renders the signed PDF and hashes it. No I/O, and deterministic: the same
 * input gives the same bytes (document dates are the signing time, not "now").
 * @throws UnreadableSignatureImage when the PNG does not decode (see {@link assertReadablePng}).
 */
export async function renderSignedPdf(input: SignedPdfInput): Promise<SignedPdf> {
  assertReadablePng(input.signature.image);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  let image: PDFImage;
  try {
    image = await pdf.embedPng(input.signature.image);
  } catch (error) {
    throw new UnreadableSignatureImage("the signature image is not a readable PNG", { cause: error });
  }
  const writer = await PageWriter.create(pdf);
  drawInvoice(writer, input, image);
  writer.newPage();
  drawCertificate(writer, input);

  const { document, signature, t } = input;
  const signedAt = signature.signedAt;
  await pdf.attach(new TextEncoder().encode(canonicalJson(document)), DOCUMENT_ATTACHMENT_NAME, {
    mimeType: "application/json",
    description: t("sign.pdf.attachment"),
    creationDate: signedAt,
    modificationDate: signedAt,
  });
  pdf.setTitle(t("sign.pdf.title", { number: document.invoice.number }));
  pdf.setSubject(`${signature.id} sha256:${input.documentHash}`);
  pdf.setKeywords(["ritournelle-signature", signature.id, input.documentHash]);
  pdf.setAuthor(document.merchant.name);
  pdf.setProducer("Ritournelle");
  pdf.setCreator("Ritournelle");
  pdf.setCreationDate(signedAt);
  pdf.setModificationDate(signedAt);
  pdf.setLanguage(input.locale);
  // A copy on a plain ArrayBuffer: what a Bytes column and a Response body take.
  const bytes = new Uint8Array(await pdf.save());
  return { bytes, sha256: await sha256Hex(bytes) };
}
