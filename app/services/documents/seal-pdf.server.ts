// Seals a PDF with Ritournelle's document-sealing certificate: a PAdES
// baseline B-B signature (SubFilter ETSI.CAdES.detached, ESS
// signing-certificate-v2) in an invisible field, appended as an incremental
// update so the sealed revision is the original, byte for byte (a Factur-X
// keeps its factur-x.xml and PDF/A-3 structure). Any PDF reader then shows
// "signed by <certificate>, not modified since"; pdfsig (poppler) and
// `openssl cms` check it in the tests (tests/integration/seal-pdf.test.ts).
import { cadesDetachedSignature } from "./cades-signature.server";
import { embedSignature, prepareSignatureField, signedBytes } from "./pdf-signature-field.server";
import { sealIdentity, type SealIdentity } from "./seal-identity.server";

export type SealOptions = {
  /** The claimed signing time (/M): when the document was made or signed. */
  signedAt: Date;
  /** Why, as readers show it ("Sealed by Ritournelle: …"). */
  reason: string;
  /** Tests pass their own; by default the process's identity. */
  identity?: SealIdentity;
};

/** Room for the CMS beyond its certificates: signed attributes, signature, structure. */
const SIGNATURE_OVERHEAD = 4096;

/**
 * The PDF with a seal appended. The original bytes are the prefix of the
 * result. Effects: none (no I/O).
 * @throws UnsealablePdf for an encrypted or unreadable PDF.
 */
export async function sealPdf(pdf: Uint8Array, options: SealOptions): Promise<Uint8Array<ArrayBuffer>> {
  const identity = options.identity ?? (await sealIdentity());
  const capacity = identity.chain.reduce((total, der) => total + der.length, SIGNATURE_OVERHEAD);
  const prepared = await prepareSignatureField(pdf, { signedAt: options.signedAt, reason: options.reason, name: identity.signerName }, capacity);
  const signature = cadesDetachedSignature(signedBytes(prepared.bytes, prepared.byteRange), identity);
  return new Uint8Array(embedSignature(prepared, signature));
}
