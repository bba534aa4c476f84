// Reads a PDF's seal back for /verify: is there a PAdES signature, does it
// cover the whole file, does it verify, and whose certificate is it? What
// pdfsig (poppler) reports as "Signature is Valid" / "Digest Mismatch", told
// in the merchant's and customer's words (app/domain/seal.ts).
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import type { SealVerdict } from "~/domain/seal";
import { checkCadesSignature } from "./cades-signature.server";
import { signedBytes } from "./pdf-signature-field.server";
import { nameOf, sealIdentity } from "./seal-identity.server";

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

/** The claimed signing time (/M) of the signature dictionary around `from`, ISO, or null. */
function claimedTime(text: string, from: number): string | null {
  const match = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z?[^)]*\)/.exec(text.slice(from, from + 1024));
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The seal of the last signature in `pdf`. Reads only (the process's
 * sealing identity, to say whether the seal is Ritournelle's).
 */
export async function checkSeal(pdf: Uint8Array): Promise<SealVerdict> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  const matches = [...text.matchAll(BYTE_RANGE)];
  const last = matches.at(-1);
  if (!last || !text.includes("/SubFilter")) return { status: "not_sealed" };
  const range = last.slice(1, 5).map(Number) as [number, number, number, number];
  const [start1, length1, start2, length2] = range;
  const gapIsContents = start1 === 0 && length1 < start2 && text[length1] === "<" && text[start2 - 1] === ">";
  if (!gapIsContents || start2 + length2 > pdf.length) return { status: "altered", signer: null };
  const hex = text.slice(length1 + 1, start2 - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { status: "altered", signer: null };
  const padded = Buffer.from(hex.length % 2 ? `${hex}0` : hex, "hex");
  const parsed = asn1js.fromBER(padded.buffer.slice(padded.byteOffset, padded.byteOffset + padded.byteLength));
  if (parsed.offset <= 0) return { status: "altered", signer: null };
  // The room after the signature is unsigned by design (PDF signatures); it is
  // written as zeros, so a change there is a change to the file all the same.
  const paddingChanged = padded.subarray(parsed.offset).some((byte) => byte !== 0);
  const check = checkCadesSignature(new Uint8Array(padded.subarray(0, parsed.offset)), signedBytes(pdf, range));
  const signer = check.certificate ? nameOf(check.certificate) : null;
  // Bytes after the signed ranges: something was added after the seal.
  if (!check.ok || paddingChanged || start2 + length2 !== pdf.length) return { status: "altered", signer };
  const ours = createHash("sha256").update(check.certificateDer).digest("hex") === (await sealIdentity()).fingerprint;
  return { status: "valid", signer: nameOf(check.certificate), ours, sealedAt: claimedTime(text, start2) };
}
