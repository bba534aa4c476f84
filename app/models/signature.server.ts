// Signatures: every Prisma query on Signature, and the two reads of other
// tables the signing feature makes (see the last section).
//
// Tenant sealing: what a merchant's request reaches takes the shop id; what
// /verify reaches is found by a hash and says nothing personal.
import type { Prisma, Signature } from "@prisma/client";
import prisma from "~/db.server";
import type { CustomerSubject } from "~/domain/customer-subject";
import { appendRunEvents } from "./run-event.server";

type Db = Prisma.TransactionClient;

export type NewSignature = Omit<Prisma.SignatureUncheckedCreateInput, "metadataSyncedAt" | "redactedAt">;

/**
 * Inserts the signature and its "run.signed" event in one transaction of its
 * own. The unique run id makes this the single point where a double submit
 * is decided: the second insert fails, and nothing of it is written.
 * @returns false when the run was already signed.
 */
export async function insertSignature(signature: NewSignature, event: { templateId: string; detail: Record<string, unknown> }): Promise<boolean> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.signature.create({ data: signature });
      await appendRunEvents([
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
      ], tx);
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

/** Records that the signature is on the provider's invoice; a second call changes nothing. */
export function markMetadataSynced(signatureId: string, at: Date, db: Db = prisma) {
  return db.signature.updateMany({ where: { id: signatureId, metadataSyncedAt: null }, data: { metadataSyncedAt: at } });
}

/** Signatures whose provider stamp (Stripe metadata, Shopify metafields) is still to be written, oldest first, with the shop to write it in. */
export function unsyncedSignatures(limit: number, db: Db = prisma) {
  return db.signature.findMany({
    where: { metadataSyncedAt: null },
    orderBy: { signedAt: "asc" },
    take: limit,
    select: { id: true, invoiceId: true, signedAt: true, shop: { select: { domain: true, billingAccountId: true } } },
  });
}

/** The run's signature if the run belongs to the shop. */
export function findSignatureForShopRun(shopId: string, runId: string, db: Db = prisma): Promise<Signature | null> {
  return db.signature.findFirst({ where: { shopId, runId } });
}

/** Signed or not, per run, for a list of the shop's runs (badges). */
export async function signedRunIds(shopId: string, runIds: string[], db: Db = prisma): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await db.signature.findMany({ where: { shopId, runId: { in: runIds } }, select: { runId: true } });
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

/** The subject's e-mail as signatures store it (trimmed, lower case), or undefined. */
function normalizedEmail(subject: CustomerSubject): string | undefined {
  return subject.email?.trim().toLowerCase() || undefined;
}

/**
 * The subject's customer, as a run's template knows them (before
 * customers/redact erases the template). Also what the link model matches
 * to close the subject's links.
 */
export function subjectTemplatesWhere(subject: CustomerSubject): Prisma.RecurringTemplateWhereInput[] {
  const email = normalizedEmail(subject);
  const or: Prisma.RecurringTemplateWhereInput[] = [];
  if (email) or.push({ customerEmail: email });
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: subject.shopifyCustomerId });
  return or;
}

/** The shop's signatures about the subject: by the invoice's addressee, or by the run's template's customer. */
function subjectWhere(shopId: string, subject: CustomerSubject): Prisma.SignatureWhereInput | null {
  const email = normalizedEmail(subject);
  const or: Prisma.SignatureWhereInput[] = subjectTemplatesWhere(subject).map((template) => ({ run: { template } }));
  if (email) or.push({ signerEmail: email });
  return or.length === 0 ? null : { shopId, OR: or };
}

/** The shop's signatures about the subject, oldest first. */
export async function findSignaturesOfSubject(shopId: string, subject: CustomerSubject, db: Db = prisma): Promise<Signature[]> {
  const where = subjectWhere(shopId, subject);
  return where ? db.signature.findMany({ where, orderBy: { signedAt: "asc" } }) : [];
}

/**
 * Erases the personal fields of the subject's signatures (see the Signature
 * model for what stays). Idempotent; returns how many signatures were not
 * yet erased.
 */
export async function eraseSignaturesOfSubject(shopId: string, subject: CustomerSubject, now: Date, db: Db = prisma): Promise<number> {
  const where = subjectWhere(shopId, subject);
  if (!where) return 0;
  const { count } = await db.signature.updateMany({
    where: { AND: [where, { redactedAt: null }] },
    data: { document: null, signerName: null, signerEmail: null, ipAddress: null, userAgent: null, image: null, signedPdf: null, redactedAt: now },
  });
  return count;
}

// ---------------------------------------------------------------------------
// Reads of other tables the signing feature makes. They belong with the
// InvoiceRun and RunEvent models; they sit here until those models offer them.
// ---------------------------------------------------------------------------

/** What issuing a link needs to know about its run. */
export type RunForLink = { id: string; shopId: string; snapshot: string; state: string };

export function findRunForLink(runId: string, db: Db = prisma): Promise<RunForLink | null> {
  return db.invoiceRun.findUnique({ where: { id: runId }, select: { id: true, shopId: true, snapshot: true, state: true } });
}

/** The run's audit trail, oldest first; empty for another shop's run. */
export function runEventsOf(shopId: string, runId: string, db: Db = prisma) {
  return db.runEvent.findMany({ where: { shopId, runId }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { type: true, at: true, actor: true, detail: true } });
}
