// Signing links and signatures: every Prisma query of online signature.
//
// Tenant sealing: what a merchant's request reaches takes the shop id; what a
// customer's request reaches is found by the hash of the token they hold
// (the token is the capability, and it names exactly one run).
import type { Prisma, Signature, SigningLink } from "@prisma/client";
import prisma from "~/db.server";
import { appendRunEvents } from "./run-event.server";

type Db = Prisma.TransactionClient;

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

/** What issuing a link needs to know about its run. */
export type RunForLink = { id: string; shopId: string; snapshot: string; state: string };

export function findRunForLink(runId: string, db: Db = prisma): Promise<RunForLink | null> {
  return db.invoiceRun.findUnique({ where: { id: runId }, select: { id: true, shopId: true, snapshot: true, state: true } });
}

/** The run's newest link that is neither revoked nor expired at `now`. */
export function findLiveLinkForRun(runId: string, now: Date, db: Db = prisma): Promise<SigningLink | null> {
  return db.signingLink.findFirst({
    where: { runId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

export function insertLink(data: Prisma.SigningLinkUncheckedCreateInput, db: Db = prisma): Promise<SigningLink> {
  return db.signingLink.create({ data });
}

/** Everything a public signing request needs: the link, its run, the shop, and the signature if any. */
export type LinkContext = SigningLink & {
  run: {
    id: string;
    shopId: string;
    templateId: string;
    state: string;
    invoiceId: string | null;
    invoiceNumber: string | null;
    hostedInvoiceUrl: string | null;
    shop: { id: string; domain: string; name: string | null; timeZone: string; billingAccountId: string | null };
    signature: Signature | null;
  };
};

export function findLinkByTokenHash(tokenHash: string, db: Db = prisma): Promise<LinkContext | null> {
  return db.signingLink.findUnique({
    where: { tokenHash },
    include: {
      run: {
        select: {
          id: true,
          shopId: true,
          templateId: true,
          state: true,
          invoiceId: true,
          invoiceNumber: true,
          hostedInvoiceUrl: true,
          shop: { select: { id: true, domain: true, name: true, timeZone: true, billingAccountId: true } },
          signature: true,
        },
      },
    },
  });
}

/** Records the first opening only; later views leave it. Returns the stored first view. */
export async function markLinkViewed(linkId: string, at: Date, db: Db = prisma): Promise<Date> {
  await db.signingLink.updateMany({ where: { id: linkId, viewedAt: null }, data: { viewedAt: at } });
  const { viewedAt } = await db.signingLink.findUniqueOrThrow({ where: { id: linkId }, select: { viewedAt: true } });
  return viewedAt ?? at;
}

/** When the run's invoice was sent, from its audit trail (null if not recorded). */
export async function runSentAt(runId: string, db: Db = prisma): Promise<Date | null> {
  const event = await db.runEvent.findFirst({ where: { runId, type: "run.sent" }, orderBy: { at: "asc" }, select: { at: true } });
  return event?.at ?? null;
}

// ---------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------

export type NewSignature = Omit<Prisma.SignatureUncheckedCreateInput, "metadataSyncedAt" | "redactedAt">;

/**
 * Inserts the signature and its "run.signed" event in one transaction.
 * The unique run id makes this the single point where a double submit is
 * decided: the second insert fails, and nothing of it is written.
 * @returns false when the run was already signed.
 */
export async function insertSignature(signature: NewSignature, event: { templateId: string; detail: Record<string, unknown> }): Promise<boolean> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.signature.create({ data: signature });
      await appendRunEvents(tx, [
        {
          shopId: signature.shopId,
          templateId: event.templateId,
          runId: signature.runId,
          type: "run.signed",
          actor: "customer",
          cause: "signature",
          detail: event.detail,
          at: new Date(signature.signedAt),
        },
      ]);
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export function markMetadataSynced(signatureId: string, at: Date, db: Db = prisma) {
  return db.signature.updateMany({ where: { id: signatureId, metadataSyncedAt: null }, data: { metadataSyncedAt: at } });
}

/** Signatures whose Stripe metadata is still to be written, oldest first, with the account to write it in. */
export function unsyncedSignatures(limit: number, db: Db = prisma) {
  return db.signature.findMany({
    where: { metadataSyncedAt: null },
    orderBy: { signedAt: "asc" },
    take: limit,
    select: { id: true, invoiceId: true, signedAt: true, shop: { select: { billingAccountId: true } } },
  });
}

/** The run's signature if the run belongs to the shop. */
export function findSignatureForShopRun(shopId: string, runId: string, db: Db = prisma): Promise<Signature | null> {
  return db.signature.findFirst({ where: { shopId, runId } });
}

/** The shop's run with its links (newest first), or null for another shop's run. */
export function findRunLinksForShop(shopId: string, runId: string, db: Db = prisma) {
  return db.invoiceRun.findFirst({
    where: { id: runId, shopId },
    select: { id: true, links: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] } },
  });
}

/** The run's audit trail, oldest first. */
export function runEventsOf(shopId: string, runId: string, db: Db = prisma) {
  return db.runEvent.findMany({ where: { shopId, runId }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { type: true, at: true, actor: true, detail: true } });
}

/** Signed or not, per run, for a list of the shop's runs (badges). */
export async function signedRunIds(shopId: string, runIds: string[], db: Db = prisma): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await db.signature.findMany({ where: { shopId, runId: { in: runIds } }, select: { runId: true } });
  return new Set(rows.map((row) => row.runId));
}

/** Runs among `runIds` that have a link still open at `now`. */
export async function runIdsWithLiveLinks(shopId: string, runIds: string[], now: Date, db: Db = prisma): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await db.signingLink.findMany({
    where: { shopId, runId: { in: runIds }, revokedAt: null, expiresAt: { gt: now } },
    select: { runId: true },
  });
  return new Set(rows.map((row) => row.runId));
}

/** What /verify may say about a signature: nothing personal. */
const PUBLIC_FIELDS = { id: true, invoiceNumber: true, merchantName: true, signedAt: true } as const;

export function findSignatureByPdfHash(sha256: string, db: Db = prisma) {
  return db.signature.findUnique({ where: { signedPdfSha256: sha256 }, select: PUBLIC_FIELDS });
}

export function findSignatureByDocumentHash(sha256: string, db: Db = prisma) {
  return db.signature.findFirst({ where: { documentHash: sha256 }, orderBy: { signedAt: "asc" }, select: PUBLIC_FIELDS });
}

// ---------------------------------------------------------------------------
// Privacy (customers/data_request, customers/redact)
// ---------------------------------------------------------------------------

export type SignatureSubject = { shopifyCustomerId?: string; email?: string };

/** The subject's customer, as the run's template knows them (before customers/redact erases the template). */
function templateCustomerWhere(subject: SignatureSubject, email: string | undefined): Prisma.RecurringTemplateWhereInput[] {
  const or: Prisma.RecurringTemplateWhereInput[] = [];
  if (email) or.push({ customerEmail: email });
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: subject.shopifyCustomerId });
  return or;
}

/** The shop's signatures about the subject: by the invoice's addressee, or by the run's template's customer. */
function subjectWhere(shopId: string, subject: SignatureSubject): Prisma.SignatureWhereInput | null {
  const email = subject.email?.trim().toLowerCase() || undefined;
  const or: Prisma.SignatureWhereInput[] = templateCustomerWhere(subject, email).map((template) => ({ run: { template } }));
  if (email) or.push({ signerEmail: email });
  return or.length === 0 ? null : { shopId, OR: or };
}

export async function findSignaturesOfSubject(tx: Db, shopId: string, subject: SignatureSubject): Promise<Signature[]> {
  const where = subjectWhere(shopId, subject);
  return where ? tx.signature.findMany({ where, orderBy: { signedAt: "asc" } }) : [];
}

/**
 * Erases the personal fields of the subject's signatures (see the Signature
 * model for what stays) and closes the subject's open signing links: a
 * customer who asked to be forgotten is not asked to sign again.
 * Idempotent; returns how many signatures were not yet erased.
 */
export async function eraseSignaturesOfSubject(tx: Db, shopId: string, subject: SignatureSubject, at: Date): Promise<number> {
  const where = subjectWhere(shopId, subject);
  if (!where) return 0;
  const templates = templateCustomerWhere(subject, subject.email?.trim().toLowerCase() || undefined);
  if (templates.length > 0) {
    await tx.signingLink.updateMany({ where: { shopId, revokedAt: null, run: { template: { OR: templates } } }, data: { revokedAt: at } });
  }
  const { count } = await tx.signature.updateMany({
    where: { AND: [where, { redactedAt: null }] },
    data: { document: null, signerName: null, signerEmail: null, ipAddress: null, userAgent: null, image: null, signedPdf: null, redactedAt: at },
  });
  return count;
}
