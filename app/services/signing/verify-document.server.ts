import { createHash } from "node:crypto";
import { SHA256_HEX } from "~/domain/signature-document";
import type { SealVerdict } from "~/domain/seal";
import type { VerifyResult } from "~/domain/signing";
import { checkSeal } from "~/services/documents/verify-seal.server";
import { findSignatureByDocumentHash, findSignatureByPdfHash } from "~/models/signature.server";

/** What /verify was given: an uploaded file (checked first when not empty), or a pasted SHA-256. */
export type VerifyEvidence = { file?: Uint8Array | null; hash?: string };

/**
 * Is this a signed PDF Ritournelle produced — or the document hash printed
 * on one's certificate? An uploaded file is checked by its SHA-256; a
 * pasted hash (any case, surrounding spaces ignored) as is. Says for which
 * invoice and when, nothing personal. Any altered byte of a PDF changes its
 * SHA-256, so an altered copy is "not_verified". An uploaded file's seal
 * (its PAdES signature, app/services/documents/verify-seal.server.ts) is
 * checked too: valid (by whom), altered, or not sealed. Reads only.
 * @returns the verdict, or `invalid` when neither a file nor a well-formed hash was given.
 */
export async function verifyDocument(evidence: VerifyEvidence): Promise<(VerifyResult & { seal?: SealVerdict }) | { kind: "invalid"; error: "empty" | "hash" }> {
  if (evidence.file && evidence.file.byteLength > 0) {
    const [result, seal] = await Promise.all([verifyFingerprint(createHash("sha256").update(evidence.file).digest("hex")), checkSeal(evidence.file)]);
    return { ...result, seal };
  }
  const hash = (evidence.hash ?? "").trim().toLowerCase();
  if (!hash) return { kind: "invalid", error: "empty" };
  if (!SHA256_HEX.test(hash)) return { kind: "invalid", error: "hash" };
  return verifyFingerprint(hash);
}

async function verifyFingerprint(hash: string): Promise<VerifyResult> {
  const pdf = await findSignatureByPdfHash(hash);
  const found = pdf ?? (await findSignatureByDocumentHash(hash));
  if (!found) return { kind: "not_verified", sha256: hash };
  return {
    kind: "verified",
    match: pdf ? "pdf" : "document",
    sha256: hash,
    signatureId: found.id,
    invoiceNumber: found.invoiceNumber,
    merchantName: found.merchantName,
    signedAt: found.signedAt.toISOString(),
  };
}
