// Online signature around the document: when a link is open, which invoices
// may be signed, what the public pages answer, and what a signature records.
// Pure: the use cases in app/services/signing/ read and write; the public
// pages' components (app/components/signing/) render these shapes.
//
// Type imports only: the signing page's browser bundle imports this module,
// and must not pull zod in with the document's schema.
import type { CONSENT_VERSION, SignatureDocument } from "./signature-document";
import type { FieldErrors } from "./signing-form";

/** The sign form's limits (checked by signing-form.ts; the name's length is also the input's maxlength). */
export const SIGN_FORM_LIMITS = {
  /** A form older than this must be reloaded before signing. */
  formLifetimeMs: 12 * 3_600_000,
  /** How far a form's view time may be ahead of ours (clock skew between web processes). */
  clockSkewMs: 60_000,
  /** Bounds of the typed name, in characters after normalisation. */
  nameMin: 2,
  nameMax: 200,
} as const;

// ---------------------------------------------------------------------------
// Links and invoices
// ---------------------------------------------------------------------------

/** A link opens the signing page until it expires or is revoked (customers/redact). */
export function isLinkOpen(link: { revokedAt: Date | null; expiresAt: Date }, now: Date): boolean {
  return link.revokedAt === null && link.expiresAt.getTime() > now.getTime();
}

/** Why the invoice cannot be signed: voided, not (or no longer) issued, or unreadable right now. */
export type InvoiceRefusal = "void" | "not_issued" | "unavailable";

/** A submit's refusals: the invoice's, a stale form (foreign origin, bad or old nonce, old consent), or a document that changed since the page showed it. */
export type SubmitRefusal = InvoiceRefusal | "stale_form" | "changed";

/** Run states whose invoice went out to the customer. */
const SIGNABLE_RUN_STATES: ReadonlySet<string> = new Set(["sent", "paid", "overdue", "uncollectible"]);

/** What the run alone says: a voided run, or one whose invoice was never sent, cannot be signed. */
export function runRefusal(run: { state: string; invoiceId: string | null }): Exclude<InvoiceRefusal, "unavailable"> | null {
  if (run.state === "void") return "void";
  if (!SIGNABLE_RUN_STATES.has(run.state) || run.invoiceId === null) return "not_issued";
  return null;
}

/** What the provider's invoice status says, read again at view and at submit. */
export function invoiceStatusRefusal(status: string | null): Exclude<InvoiceRefusal, "unavailable"> | null {
  if (status === "void") return "void";
  if (status === "draft" || status === null) return "not_issued";
  return null;
}

// ---------------------------------------------------------------------------
// What the public pages answer
// ---------------------------------------------------------------------------

/** A signature as the customer's signed page shows it. */
export type SignedView = {
  id: string;
  signerName: string | null;
  signedAt: string;
  /** The document as signed; null once erased (customers/redact). */
  document: SignatureDocument | null;
  hasPdf: boolean;
};

/** What /sign/<token> shows: the form, the signed state, or why it cannot be signed. */
export type SigningPage =
  | {
      kind: "sign";
      document: SignatureDocument;
      documentHash: string;
      /** Proof that a submit follows this view (see the view-nonce service). */
      nonce: string;
      /** The consent wording the form shows, and the version a submit must carry. */
      consentVersion: typeof CONSENT_VERSION;
      payUrl: string | null;
      paid: boolean;
    }
  | { kind: "signed"; signature: SignedView; payUrl: string | null }
  | { kind: "refused"; reason: InvoiceRefusal };

/** What a submit of the sign form comes to. */
export type SubmitOutcome =
  | { kind: "signed"; signatureId: string }
  /** A signature existed already (double submit, another tab): nothing new was written. */
  | { kind: "already_signed" }
  | { kind: "invalid"; errors: FieldErrors }
  | { kind: "refused"; reason: SubmitRefusal };

/** What /verify says about a fingerprint: for which invoice and when, nothing personal. */
export type VerifyResult =
  | { kind: "verified"; match: "pdf" | "document"; sha256: string; signatureId: string; invoiceNumber: string; merchantName: string; signedAt: string }
  | { kind: "not_verified"; sha256: string };

// ---------------------------------------------------------------------------
// What a signature records
// ---------------------------------------------------------------------------

/** The columns of a stored signature that describe its signer and what they signed. */
export type SignerColumns = {
  signedAt: Date;
  viewedAt: Date;
  signerName: string | null;
  signerEmail: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  locale: string;
  consentVersion: string;
  documentHash: string;
  signedPdfSha256: string;
};

/** What a signature records about its signer and the signed document: shown to the merchant, reported on a data request. */
export function signerRecord(signature: SignerColumns) {
  return {
    signedAt: signature.signedAt.toISOString(),
    viewedAt: signature.viewedAt.toISOString(),
    signerName: signature.signerName,
    signerEmail: signature.signerEmail,
    ipAddress: signature.ipAddress,
    userAgent: signature.userAgent,
    locale: signature.locale,
    consentVersion: signature.consentVersion,
    documentHash: signature.documentHash,
    signedPdfSha256: signature.signedPdfSha256,
  };
}

/** The download name of a signed PDF: "invoice-<number>-signed.pdf", the number reduced to safe characters. */
export function signedPdfFilename(invoiceNumber: string): string {
  return `invoice-${invoiceNumber.replace(/[^A-Za-z0-9._-]+/g, "-")}-signed.pdf`;
}

/** "2026-11-27 09:41:07 UTC": certificate times are UTC, to the second, whatever the page's language. */
export function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
