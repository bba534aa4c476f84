// The sign form: what it posts and what makes it acceptable — a real
// drawing, a PNG of it, a typed name, consent, and a form recent enough.
// Pure and isomorphic like signature-document.ts: the server decides with
// these rules. (The page itself reads SIGN_FORM_LIMITS from signing.ts,
// which keeps zod out of the public page's bundle.)
import { checkStrokes, decodePngDataUrl, type ImageProblem, type StrokeProblem, type StrokeSummary } from "./signature-document";
import { SIGN_FORM_LIMITS } from "./signing";

/** The sign form's fields, as posted (strings, or absent). */
export type SignatureForm = {
  name?: string;
  consent?: string;
  strokes?: string;
  image?: string;
  documentHash?: string;
  nonce?: string;
  consentVersion?: string;
};

/** What is wrong with each field the customer filled in (shown next to it). */
export type FieldErrors = {
  signature?: StrokeProblem;
  image?: ImageProblem;
  name?: true;
  consent?: true;
};

/** The customer's fields once accepted: the name as it will be printed, the drawing's summary, the PNG. */
export type SignatureFields = { name: string; strokes: StrokeSummary; image: Uint8Array<ArrayBuffer> };

/** The typed name as printed on the certificate: NFC, one space between words, trimmed. */
export function normalizeSignerName(name: string): string {
  return name.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * Checks the fields the customer filled in: strokes that make a real
 * signature, a PNG of it, a name of 2–200 characters without control
 * characters, consent given. Every problem is reported at once, except that
 * a bad drawing hides the image's problem (the image is of that drawing).
 */
export function checkSignatureFields(form: SignatureForm): { ok: true; value: SignatureFields } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let parsedStrokes: unknown = null;
  try {
    parsedStrokes = JSON.parse(form.strokes ?? "[]");
  } catch {
    errors.signature = "malformed";
  }
  const strokes = errors.signature ? null : checkStrokes(parsedStrokes);
  if (strokes && !strokes.ok) errors.signature = strokes.problem;
  const image = decodePngDataUrl(form.image ?? "");
  if (!errors.signature && !image.ok) errors.image = image.problem;
  const name = normalizeSignerName(form.name ?? "");
  if (name.length < SIGN_FORM_LIMITS.nameMin || name.length > SIGN_FORM_LIMITS.nameMax || /[\p{Cc}]/u.test(name)) errors.name = true;
  if (form.consent !== "yes") errors.consent = true;
  if (Object.keys(errors).length > 0 || !strokes?.ok || !image.ok) return { ok: false, errors };
  return { ok: true, value: { name, strokes: strokes.value, image: image.value } };
}

/** True when a form shown at `viewedAt` may still be submitted at `now`: not older than its lifetime, not (beyond skew) from the future. */
export function isFormFresh(viewedAt: Date, now: Date): boolean {
  const age = now.getTime() - viewedAt.getTime();
  return age >= -SIGN_FORM_LIMITS.clockSkewMs && age <= SIGN_FORM_LIMITS.formLifetimeMs;
}
