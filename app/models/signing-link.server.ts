// Signing links: every Prisma query on SigningLink.
//
// Tenant sealing: what a merchant's request reaches takes the shop id; what a
// customer's request reaches is found by the hash of the token they hold
// (the token is the capability, and it names exactly one run).
import type { Prisma, Signature, SigningLink } from "@prisma/client";
import prisma from "~/db.server";
import type { CustomerSubject } from "~/domain/customer-subject";
import { subjectTemplatesWhere } from "./signature.server";

type Db = Prisma.TransactionClient;

/** The run's newest link that is neither revoked nor expired at `now`. */
export function findLiveLinkForRun(runId: string, now: Date, db: Db = prisma): Promise<SigningLink | null> {
  return db.signingLink.findFirst({
    where: { runId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/** The newest link of the shop's run, whatever its state; null for another shop's run or a run without a link. */
export function findLatestLinkOfShopRun(shopId: string, runId: string, db: Db = prisma): Promise<SigningLink | null> {
  return db.signingLink.findFirst({ where: { shopId, runId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
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

/** Runs among `runIds` that have a link still open at `now`. */
export async function runIdsWithLiveLinks(shopId: string, runIds: string[], now: Date, db: Db = prisma): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await db.signingLink.findMany({
    where: { shopId, runId: { in: runIds }, revokedAt: null, expiresAt: { gt: now } },
    select: { runId: true },
  });
  return new Set(rows.map((row) => row.runId));
}

/**
 * Closes the shop's open links of runs whose template's customer is the
 * subject (customers/redact): a customer who asked to be forgotten is not
 * asked to sign again. Idempotent.
 */
export async function revokeLinksOfSubject(shopId: string, subject: CustomerSubject, now: Date, db: Db = prisma): Promise<void> {
  const templates = subjectTemplatesWhere(subject);
  if (templates.length === 0) return;
  await db.signingLink.updateMany({ where: { shopId, revokedAt: null, run: { template: { OR: templates } } }, data: { revokedAt: now } });
}
