// Online signature of invoices: the use cases.
//
//   pipeline ──createSigningLink──▶ link printed on the Stripe invoice
//   customer ──viewSigningPage──▶ the invoice as a canonical document + its hash + a view nonce
//            ──submitSignature──▶ checks → signed PDF → Signature + RunEvent (one transaction)
//                                  → Stripe metadata signed_at / signature_id
//   merchant ──signatureForRun / signedPdfForRun──▶ status, image, audit trail, PDF
//   anyone   ──verifyFingerprint──▶ is this a signed Ritournelle document?
//
// The proof's chain: the page renders ONLY the canonical document; its
// SHA-256 goes in a hidden field; at submit the invoice is read again from
// Stripe and must hash the same (else nothing is signed); the certificate
// prints that hash and the PDF carries the document as an attachment; the
// PDF's own SHA-256 is stored for /verify.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Prisma, Signature } from "@prisma/client";
import Stripe from "stripe";
import { Temporal } from "temporal-polyfill";
import { config } from "~/config.server";
import {
  CONSENT_VERSION,
  DOCUMENT_FORMAT,
  SHA256_HEX,
  checkStrokes,
  decodePngDataUrl,
  documentHash,
  signatureDocumentSchema,
  type ImageProblem,
  type SignatureDocument,
  type StrokeProblem,
} from "~/domain/signature-document";
import { appClock, type Clock } from "~/domain/clock";
import { fetchInvoiceForSigning, stampSignature, type SigningInvoice } from "~/gateways/stripe/invoice-metadata.server";
import { translator, type Locale, type MessageKey } from "~/i18n";
import { logger } from "~/logger.server";
import { runSnapshotSchema } from "~/models/invoice-run.server";
import {
  findLinkByTokenHash,
  findLiveLinkForRun,
  findRunForLink,
  findRunLinksForShop,
  findSignatureByDocumentHash,
  findSignatureByPdfHash,
  findSignatureForShopRun,
  findSignaturesOfSubject,
  insertLink,
  insertSignature,
  markLinkViewed,
  markMetadataSynced,
  runEventsOf,
  runIdsWithLiveLinks,
  runSentAt,
  signedRunIds,
  unsyncedSignatures,
  type LinkContext,
  type SignatureSubject,
} from "~/models/signature.server";
import { renderSignedPdf, UnreadableSignatureImage, type TrailEntry } from "./signed-pdf.server";
import { RateLimiter, UNKNOWN_ADDRESS, enforceRateLimits } from "./public-request.server";

const DAY_MS = 86_400_000;

/** Limits of the public pages, in one place. */
export const SIGNING_LIMITS = {
  /** Largest sign-form body: a PNG of up to 300 KB (400 KB as base64), strokes, a name. */
  maxSubmitBytes: 768 * 1024,
  /** A form older than this must be reloaded before signing. */
  formLifetimeMs: 12 * 3_600_000,
  /** How far a nonce's time may be ahead of ours (clock skew between web processes). */
  clockSkewMs: 60_000,
  /** Bounds of the typed name. */
  nameMin: 2,
  nameMax: 200,
} as const;

const USER_AGENT_MAX = 512;

// ---------------------------------------------------------------------------
// Rate limits (in-process token buckets: see RateLimiter for what that means
// with several web processes)
// ---------------------------------------------------------------------------

const RATE_LIMITS = {
  // Views: a customer reloads, a mail scanner prefetches; a scraper does not get far.
  view: { token: new RateLimiter({ capacity: 30, refillPerSecond: 0.5 }), ip: new RateLimiter({ capacity: 60, refillPerSecond: 1 }) },
  // Submits: a few corrections of a refused form; each one reads Stripe and renders a PDF.
  submit: { token: new RateLimiter({ capacity: 6, refillPerSecond: 1 / 30 }), ip: new RateLimiter({ capacity: 20, refillPerSecond: 1 / 10 }) },
  pdf: { token: new RateLimiter({ capacity: 20, refillPerSecond: 0.2 }), ip: new RateLimiter({ capacity: 60, refillPerSecond: 1 }) },
  verify: { ip: new RateLimiter({ capacity: 20, refillPerSecond: 0.2 }) },
};

/**
 * The IP's bucket, unless the address is unknown: every visitor would then
 * share one bucket, and a per-IP limit would become a limit on everyone.
 */
function byAddress(limiter: RateLimiter, ipAddress: string): [RateLimiter, string][] {
  return ipAddress === UNKNOWN_ADDRESS ? [] : [[limiter, ipAddress]];
}

/**
 * Charges one request of `kind` to the token's and the IP's buckets.
 * Tokens are keyed by their hash, so the limiter's memory holds no capability.
 * @throws RateLimited when either is empty.
 */
export function limitSigningRequest(kind: "view" | "submit" | "pdf", token: string, ipAddress: string, nowMs: number = Date.now()): void {
  const limits = RATE_LIMITS[kind];
  enforceRateLimits([[limits.token, hashToken(token)], ...byAddress(limits.ip, ipAddress)], nowMs);
}

/** Charges one /verify request to the IP's bucket (none when the address is unknown). @throws RateLimited */
export function limitVerifyRequest(ipAddress: string, nowMs: number = Date.now()): void {
  enforceRateLimits(byAddress(RATE_LIMITS.verify.ip, ipAddress), nowMs);
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

/** 256 bits, base64url without padding: exactly 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** HMAC-SHA256 with the app secret, domain-separated by `purpose`. */
function mac(purpose: string, message: string): Buffer {
  return createHmac("sha256", config().SHOPIFY_API_SECRET).update(`ritournelle/${purpose}\u0000${message}`).digest();
}

/** The link's token: 256 bits derived from the link's random seed with the app secret. */
function tokenFromSeed(seed: string): string {
  return mac("signing-link/v1", seed).toString("base64url");
}

export function signingUrl(token: string): string {
  return new URL(`/sign/${token}`, config().SHOPIFY_APP_URL).toString();
}

export type SigningLinkIssued = { url: string; token: string; expiresAt: Date };

export type SigningLinkOptions = {
  /** Days the link lives; default: the invoice's days until due, plus one day of margin. */
  lifetimeDays?: number;
};

/**
 * The run's signing link, for the pipeline to print on the invoice before the
 * draft step. Idempotent per run: while the run has a live link, every call
 * returns that same URL — so a retried draft call sends Stripe identical
 * parameters under its idempotency key (a different URL would make Stripe
 * refuse the retry). The token itself is never stored: it is derived from the
 * link's random seed with the app secret, and only its SHA-256 is kept.
 *
 * Expiry: the invoice's due date — `daysUntilDue` counted from now, since the
 * draft is finalized moments later — plus one day, so the link never dies
 * before the due date printed on the invoice; or `lifetimeDays`.
 *
 * @throws Error when the run does not exist (a bug in the caller).
 */
export async function createSigningLink(runId: string, now: Date, options: SigningLinkOptions = {}): Promise<SigningLinkIssued> {
  const run = await findRunForLink(runId);
  if (!run) throw new Error(`createSigningLink: no run ${runId}`);
  const live = await findLiveLinkForRun(runId, now);
  if (live) {
    const token = tokenFromSeed(live.seed);
    // A rotated app secret derives another token: that link can no longer be
    // reproduced, so a new one is issued (the old one stays valid as printed).
    if (hashToken(token) === live.tokenHash) return { url: signingUrl(token), token, expiresAt: live.expiresAt };
  }
  const lifetimeDays = options.lifetimeDays ?? runSnapshotSchema.parse(JSON.parse(run.snapshot)).daysUntilDue + 1;
  const seed = randomBytes(32).toString("base64url");
  const token = tokenFromSeed(seed);
  const expiresAt = new Date(now.getTime() + lifetimeDays * DAY_MS);
  await insertLink({ shopId: run.shopId, runId, seed, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { url: signingUrl(token), token, expiresAt };
}

/** Unknown, malformed, expired or revoked token: the same 404, whatever the reason. */
export class SigningLinkNotFound extends Error {
  override readonly name = "SigningLinkNotFound";
  constructor() {
    super("signing link not found");
  }
}

async function liveLink(token: string, now: Date): Promise<LinkContext> {
  if (!TOKEN_PATTERN.test(token)) throw new SigningLinkNotFound();
  const link = await findLinkByTokenHash(hashToken(token));
  if (!link || link.revokedAt !== null || link.expiresAt.getTime() <= now.getTime()) throw new SigningLinkNotFound();
  return link;
}

// ---------------------------------------------------------------------------
// View nonce: proof that a submit follows a view of our page
// ---------------------------------------------------------------------------

/** `<view time ms>.<HMAC(token hash, view time)>`: the form's hidden nonce. */
export function issueViewNonce(tokenHash: string, viewedAt: Date): string {
  const time = String(viewedAt.getTime());
  return `${time}.${mac("sign-view/v1", `${tokenHash}\u0000${time}`).toString("base64url")}`;
}

/** The view time a nonce proves for this token, or null when forged, for another token, too old or from the future. */
export function readViewNonce(nonce: string, tokenHash: string, now: Date): Date | null {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(nonce);
  if (!match) return null;
  const [, time = "", given = ""] = match;
  const expected = mac("sign-view/v1", `${tokenHash}\u0000${time}`);
  const presented = Buffer.from(given, "base64url");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  const age = now.getTime() - Number(time);
  if (age < -SIGNING_LIMITS.clockSkewMs || age > SIGNING_LIMITS.formLifetimeMs) return null;
  return new Date(Number(time));
}

// ---------------------------------------------------------------------------
// The invoice as shown
// ---------------------------------------------------------------------------

type ShownInvoice =
  | { kind: "ok"; invoice: SigningInvoice; document: SignatureDocument; hash: string }
  | { kind: "refused"; reason: "void" | "not_issued" | "unavailable" };

/** A civil date "YYYY-MM-DD" of an instant in a time zone. */
function civilDate(instant: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/** The canonical document of what the page shows: only values, no formatting (see the domain module). */
export function buildDocument(invoice: SigningInvoice, shop: { name: string | null; domain: string; timeZone: string }): SignatureDocument {
  return signatureDocumentSchema.parse({
    format: DOCUMENT_FORMAT,
    merchant: { name: invoice.accountName ?? shop.name ?? shop.domain },
    invoice: {
      id: invoice.id,
      number: invoice.number ?? invoice.id,
      currency: invoice.currency,
      issuedOn: invoice.finalizedAt ? civilDate(invoice.finalizedAt, shop.timeZone) : null,
      dueOn: invoice.dueDate ? civilDate(invoice.dueDate, shop.timeZone) : null,
    },
    customer: { name: invoice.customerName, email: invoice.customerEmail },
    lines: invoice.lines,
    totals: { subtotal: invoice.subtotal, discount: invoice.discount, taxes: invoice.taxes, total: invoice.total },
  });
}

const SIGNABLE_RUN_STATES = new Set(["sent", "paid", "overdue", "uncollectible"]);

/** Reads the run's invoice from Stripe and decides whether it can be signed. */
async function showInvoice(link: LinkContext): Promise<ShownInvoice> {
  const { run } = link;
  if (run.state === "void") return { kind: "refused", reason: "void" };
  if (!SIGNABLE_RUN_STATES.has(run.state) || run.invoiceId === null) return { kind: "refused", reason: "not_issued" };
  const account = run.shop.billingAccountId;
  if (account === null) return { kind: "refused", reason: "unavailable" };
  let invoice: SigningInvoice;
  try {
    invoice = await fetchInvoiceForSigning(account, run.invoiceId);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing") return { kind: "refused", reason: "not_issued" };
    if (error instanceof Stripe.errors.StripeError) {
      logger.warn({ runId: run.id, code: error.code, status: error.statusCode }, "signing: Stripe invoice unavailable");
      return { kind: "refused", reason: "unavailable" };
    }
    throw error;
  }
  if (invoice.status === "void") return { kind: "refused", reason: "void" };
  if (invoice.status === "draft" || invoice.status === null) return { kind: "refused", reason: "not_issued" };
  const document = buildDocument(invoice, run.shop);
  return { kind: "ok", invoice, document, hash: await documentHash(document) };
}

// ---------------------------------------------------------------------------
// The public page
// ---------------------------------------------------------------------------

export type SignedView = {
  id: string;
  signerName: string | null;
  signedAt: string;
  /** The document as signed; null once erased (customers/redact). */
  document: SignatureDocument | null;
  hasPdf: boolean;
};

export type SigningPage =
  | {
      kind: "sign";
      document: SignatureDocument;
      documentHash: string;
      nonce: string;
      consentVersion: string;
      payUrl: string | null;
      paid: boolean;
    }
  | { kind: "signed"; signature: SignedView; payUrl: string | null }
  | { kind: "refused"; reason: "void" | "not_issued" | "unavailable" };

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

/**
 * What /sign/<token> shows. Records the link's first opening. A signed link
 * shows the signed state (and retries a Stripe metadata stamp still owed).
 * @throws SigningLinkNotFound for an unknown, expired or revoked token.
 */
export async function viewSigningPage(token: string, clock: Clock = appClock): Promise<SigningPage> {
  const now = new Date(clock.now().epochMilliseconds);
  const link = await liveLink(token, now);
  const { run } = link;
  if (run.signature) {
    if (run.signature.metadataSyncedAt === null) await syncSignatureMetadata(run.signature, run.shop.billingAccountId, now);
    return { kind: "signed", signature: signedView(run.signature), payUrl: run.hostedInvoiceUrl };
  }
  await markLinkViewed(link.id, now);
  const shown = await showInvoice(link);
  if (shown.kind === "refused") return shown;
  return {
    kind: "sign",
    document: shown.document,
    documentHash: shown.hash,
    nonce: issueViewNonce(link.tokenHash, now),
    consentVersion: CONSENT_VERSION,
    payUrl: shown.invoice.hostedInvoiceUrl ?? run.hostedInvoiceUrl,
    paid: shown.invoice.status === "paid",
  };
}

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

export type FieldErrors = {
  signature?: StrokeProblem;
  image?: ImageProblem;
  name?: true;
  consent?: true;
};

/** Who is signing, as the request shows it. */
export type SubmitContext = {
  locale: Locale;
  ipAddress: string;
  userAgent: string;
  /** Origin/Referer is our own site (see public-request.server.ts). */
  sameOrigin: boolean;
};

export type SubmitOutcome =
  | { kind: "signed"; signatureId: string }
  /** A signature existed already (double submit, another tab): nothing new was written. */
  | { kind: "already_signed" }
  | { kind: "invalid"; errors: FieldErrors }
  /** stale_form: foreign origin, bad/old nonce or consent version; changed: the document differs from the one shown. */
  | { kind: "refused"; reason: "stale_form" | "changed" | "void" | "not_issued" | "unavailable" };

type ValidForm = { name: string; strokes: { strokes: number; points: number }; image: Uint8Array<ArrayBuffer>; viewedAt: Date; shownHash: string };

function validateForm(form: SignatureForm, tokenHash: string, now: Date): { ok: true; value: ValidForm } | { ok: false; outcome: SubmitOutcome } {
  const viewedAt = form.nonce ? readViewNonce(form.nonce, tokenHash, now) : null;
  const shownHash = form.documentHash ?? "";
  if (viewedAt === null || form.consentVersion !== CONSENT_VERSION || !SHA256_HEX.test(shownHash)) {
    return { ok: false, outcome: { kind: "refused", reason: "stale_form" } };
  }
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
  const name = (form.name ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
  if (name.length < SIGNING_LIMITS.nameMin || name.length > SIGNING_LIMITS.nameMax || /[\p{Cc}]/u.test(name)) errors.name = true;
  if (form.consent !== "yes") errors.consent = true;
  if (Object.keys(errors).length > 0 || !strokes?.ok || !image.ok) return { ok: false, outcome: { kind: "invalid", errors } };
  return { ok: true, value: { name, strokes: strokes.value, image: image.value, viewedAt, shownHash } };
}

/**
 * Signs the run's invoice for the holder of `token`.
 *
 * In order: the link must be live; a signed run answers `already_signed`;
 * the form must come from our page (origin, nonce, consent version); the
 * fields must be valid (a real drawing, a PNG, a name, consent); the invoice,
 * read again from Stripe, must still be signable and hash to what the page
 * showed. Then the signed PDF is made and the Signature and its "run.signed"
 * event are written in one transaction — the unique run id decides a race, so
 * a double submit signs once. Last, `signed_at` and `signature_id` are added to
 * the Stripe invoice's metadata; if Stripe fails there, the signature stands
 * and the stamp is retried (signed page view, {@link stampPendingSignatures}).
 *
 * @throws SigningLinkNotFound for an unknown, expired or revoked token.
 */
export async function submitSignature(token: string, form: SignatureForm, context: SubmitContext, clock: Clock = appClock): Promise<SubmitOutcome> {
  const now = new Date(clock.now().epochMilliseconds);
  const link = await liveLink(token, now);
  if (link.run.signature) return { kind: "already_signed" };
  if (!context.sameOrigin) return { kind: "refused", reason: "stale_form" };
  const checked = validateForm(form, link.tokenHash, now);
  if (!checked.ok) return checked.outcome;
  const { name, image, viewedAt, shownHash, strokes } = checked.value;

  const shown = await showInvoice(link);
  if (shown.kind === "refused") return shown;
  if (shown.hash !== shownHash) return { kind: "refused", reason: "changed" };

  const { run } = link;
  const t = translator(context.locale);
  const signatureId = `sig_${randomBytes(12).toString("base64url")}`;
  const sentAt = await runSentAt(run.id);
  const trail: TrailEntry[] = [
    { at: link.createdAt, label: t("sign.trail.linkCreated") },
    ...(sentAt ? [{ at: sentAt, label: t("sign.trail.invoiceSent") }] : []),
    ...(link.viewedAt ? [{ at: link.viewedAt, label: t("sign.trail.firstOpened") }] : []),
    { at: viewedAt, label: t("sign.trail.formShown") },
    { at: now, label: t("sign.trail.signed"), detail: context.ipAddress },
  ];
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
        consentText: t(`sign.consent.${CONSENT_VERSION}` as MessageKey),
        signedAt: now,
      },
      trail,
      verifyUrl: new URL("/verify", config().SHOPIFY_APP_URL).toString(),
    });
  } catch (error) {
    if (error instanceof UnreadableSignatureImage) return { kind: "invalid", errors: { image: "malformed" } };
    throw error;
  }

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
  const stored = { id: signatureId, invoiceId: shown.invoice.id, signedAt: now };
  await syncSignatureMetadata(stored, run.shop.billingAccountId, now);
  return { kind: "signed", signatureId };
}

/**
 * Writes `signed_at` and `signature_id` on the Stripe invoice and records that
 * it is done. Never throws for Stripe's sake: the signature is the fact, the
 * metadata a copy; a failure is logged and retried later.
 */
async function syncSignatureMetadata(signature: Pick<Signature, "id" | "invoiceId" | "signedAt">, account: string | null, now: Date): Promise<boolean> {
  if (account === null) return false;
  try {
    await stampSignature(account, signature.invoiceId, signature);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    logger.warn({ signatureId: signature.id, code: error.code, status: error.statusCode }, "signing: Stripe metadata stamp failed; will retry");
    return false;
  }
  await markMetadataSynced(signature.id, now);
  return true;
}

/**
 * For the worker's tick: stamps up to `limit` signatures whose Stripe metadata
 * is still owed (Stripe was down when they were signed). Idempotent and safe
 * to run concurrently (the stamp is idempotent; marking is conditional).
 * @returns how many were stamped.
 */
export async function stampPendingSignatures(limit: number, clock: Clock = appClock): Promise<number> {
  let stamped = 0;
  for (const signature of await unsyncedSignatures(limit)) {
    const now = new Date(clock.now().epochMilliseconds);
    if (await syncSignatureMetadata(signature, signature.shop.billingAccountId, now)) stamped += 1;
  }
  return stamped;
}

/**
 * The signed PDF for the holder of `token`.
 * @throws SigningLinkNotFound when the link is not live, not signed, or the PDF was erased.
 */
export async function signedPdfForToken(token: string, clock: Clock = appClock): Promise<{ bytes: Uint8Array; filename: string }> {
  const link = await liveLink(token, new Date(clock.now().epochMilliseconds));
  const signature = link.run.signature;
  if (!signature?.signedPdf) throw new SigningLinkNotFound();
  return { bytes: signature.signedPdf, filename: pdfFilename(signature) };
}

function pdfFilename(signature: Pick<Signature, "invoiceNumber">): string {
  return `invoice-${signature.invoiceNumber.replace(/[^A-Za-z0-9._-]+/g, "-")}-signed.pdf`;
}

// ---------------------------------------------------------------------------
// Merchant side
// ---------------------------------------------------------------------------

export type RunSignatureStatus = "signed" | "awaiting" | "none";

/**
 * Badge per run: "signed", "awaiting" (a live link, no signature yet) or
 * "none" (no signature requested, or its link expired). Runs of other shops
 * come back "none".
 */
export async function signatureStatuses(shopId: string, runIds: string[], clock: Clock = appClock): Promise<Record<string, RunSignatureStatus>> {
  const now = new Date(clock.now().epochMilliseconds);
  const [signed, awaiting] = await Promise.all([signedRunIds(shopId, runIds), runIdsWithLiveLinks(shopId, runIds, now)]);
  return Object.fromEntries(runIds.map((id) => [id, signed.has(id) ? "signed" : awaiting.has(id) ? "awaiting" : "none"]));
}

export type MerchantSignature = {
  status: "signed";
  id: string;
  signedAt: string;
  viewedAt: string;
  signerName: string | null;
  signerEmail: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  locale: string;
  consentVersion: string;
  documentHash: string;
  signedPdfSha256: string;
  /** `data:image/png;base64,…` for an <img>; null once erased. */
  imageDataUrl: string | null;
  /** The signed PDF is downloadable (/app/runs/<run id>/signed-pdf); false once erased. */
  hasPdf: boolean;
  /** `signed_at` / `signature_id` are on the Stripe invoice. */
  stripeStamped: boolean;
  /** Personal data erased by customers/redact; hashes, times and ids remain. */
  redacted: boolean;
  /** The run's audit trail (every RunEvent, "run.signed" included), oldest first. */
  trail: { type: string; at: string; actor: string }[];
};

export type AwaitingSignature = { status: "awaiting" | "expired"; linkCreatedAt: string; expiresAt: string; firstOpenedAt: string | null };

/**
 * What the merchant sees of a run's signature, for a loader. Null when the run
 * is not the shop's or no signing link was ever issued for it.
 */
export async function signatureForRun(shopId: string, runId: string, clock: Clock = appClock): Promise<MerchantSignature | AwaitingSignature | null> {
  const run = await findRunLinksForShop(shopId, runId);
  if (!run) return null;
  const signature = await findSignatureForShopRun(shopId, runId);
  if (signature) {
    const events = await runEventsOf(shopId, runId);
    return {
      status: "signed",
      id: signature.id,
      ...recordedAboutSigner(signature),
      imageDataUrl: signature.image ? `data:image/png;base64,${Buffer.from(signature.image).toString("base64")}` : null,
      hasPdf: signature.signedPdf !== null,
      stripeStamped: signature.metadataSyncedAt !== null,
      redacted: signature.redactedAt !== null,
      trail: events.map((event) => ({ type: event.type, at: event.at.toISOString(), actor: event.actor })),
    };
  }
  const link = run.links[0];
  if (!link) return null;
  const now = new Date(clock.now().epochMilliseconds);
  const open = link.revokedAt === null && link.expiresAt.getTime() > now.getTime();
  return {
    status: open ? "awaiting" : "expired",
    linkCreatedAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    firstOpenedAt: link.viewedAt?.toISOString() ?? null,
  };
}

/** The signed PDF of the shop's run; null for another shop's run, an unsigned run or an erased PDF. */
export async function signedPdfForRun(shopId: string, runId: string): Promise<{ bytes: Uint8Array; filename: string } | null> {
  const signature = await findSignatureForShopRun(shopId, runId);
  if (!signature?.signedPdf) return null;
  return { bytes: signature.signedPdf, filename: pdfFilename(signature) };
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

export type VerifyResult =
  | { kind: "verified"; match: "pdf" | "document"; sha256: string; signatureId: string; invoiceNumber: string; merchantName: string; signedAt: string }
  | { kind: "not_verified"; sha256: string };

/**
 * Is `sha256` (hex) the fingerprint of a signed PDF Ritournelle produced — or
 * the document hash printed on one's certificate? Says for which invoice and
 * when, nothing personal. Any altered byte of a PDF changes its SHA-256, so
 * an altered copy is "not_verified".
 */
export async function verifyFingerprint(sha256: string): Promise<VerifyResult> {
  const hash = sha256.toLowerCase();
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

/** SHA-256 of an uploaded file, then {@link verifyFingerprint}. */
export function verifyFile(bytes: Uint8Array): Promise<VerifyResult> {
  return verifyFingerprint(createHash("sha256").update(bytes).digest("hex"));
}

// ---------------------------------------------------------------------------
// Privacy (registered in app/services/redact.server.ts)
// ---------------------------------------------------------------------------

/** customers/data_request: everything recorded about the subject's signatures. */
export async function collectSignatureData(tx: Prisma.TransactionClient, shopId: string, subject: SignatureSubject): Promise<unknown[]> {
  const signatures = await findSignaturesOfSubject(tx, shopId, subject);
  return signatures.map((signature) => ({
    signatureId: signature.id,
    invoiceNumber: signature.invoiceNumber,
    ...recordedAboutSigner(signature),
  }));
}

/** What a signature records about its signer and the signed document: shown to the merchant, reported on a data request. */
function recordedAboutSigner(signature: Signature) {
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
