// Write-backs: one row per paid run written back to Shopify as an order.
//
// UNIQUE(runId) is the "exactly once" key: the row exists before Shopify is
// called, and a lease (owner + expiry) decides which caller may call it.
// States (app/domain/write-back.ts): pending (not written yet, or the outcome
// of the last call is unknown), done (the order exists: shopifyOrderId),
// failed (Shopify refused the order; its words are in lastError), abandoned
// (given up before Shopify could take it; lastError holds the reason code,
// WRITE_BACK_ABANDON_REASONS). Only pending rows are ever claimed.
import { Prisma, type WriteBack } from "@prisma/client";
import prisma from "~/db.server";
import { isWriteBackAbandonReason, runTag, type WriteBackAbandonReason, type WriteBackStatus } from "~/domain/write-back";
import { parseRun, type Run } from "./invoice-run.server";
import { appendRunEvents } from "./run-event.server";

type Db = Prisma.TransactionClient;

/** A paid run with what writing it back needs of its shop and template. */
export type RunForWriteBack = Run & {
  shop: { id: string; domain: string; currency: string; settings: string; uninstalledAt: Date | null };
  template: { sourceOrderId: string | null; taxesIncluded: boolean; shipping: string | null };
};

/** The run by id, with its shop and template (the caller is the Stripe webhook: the id comes from our own metadata). */
export async function findRunForWriteBack(runId: string, db: Db = prisma): Promise<RunForWriteBack | null> {
  const row = await db.invoiceRun.findUnique({
    where: { id: runId },
    include: {
      shop: { select: { id: true, domain: true, currency: true, settings: true, uninstalledAt: true } },
      template: { select: { sourceOrderId: true, taxesIncluded: true, shipping: true } },
    },
  });
  if (!row) return null;
  const { shop, template, ...run } = row;
  return { ...parseRun(run), shop, template };
}

/** Creates the run's write-back row unless it exists (two callers racing both end up with the one row). */
export async function ensureWriteBack(shopId: string, runId: string, db: Db = prisma): Promise<void> {
  try {
    await db.writeBack.upsert({ where: { runId }, create: { shopId, runId }, update: {} });
  } catch (error) {
    // The loser of a concurrent insert sees the unique violation: the row exists, which is all we need.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
}

/**
 * Takes the lease on a pending write-back whose lease is free or expired, and
 * counts the attempt; null when another caller holds it or it is no longer
 * pending. One conditional UPDATE: two callers can never both win.
 */
export async function claimWriteBack(runId: string, owner: string, now: Date, until: Date, db: Db = prisma): Promise<WriteBack | null> {
  const { count } = await db.writeBack.updateMany({
    where: { runId, state: "pending", OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }] },
    data: { leaseOwner: owner, leaseExpiresAt: until, attempts: { increment: 1 } },
  });
  if (count === 0) return null;
  return db.writeBack.findUnique({ where: { runId } });
}

export function findWriteBack(runId: string, db: Db = prisma): Promise<WriteBack | null> {
  return db.writeBack.findUnique({ where: { runId } });
}

/**
 * Records the order and the audit event, if `owner` still holds the lease.
 * false when the lease was lost (then someone else is responsible for the row).
 */
export async function completeWriteBack(
  run: Pick<Run, "id" | "shopId" | "templateId">,
  owner: string,
  order: { id: string; name: string },
  how: "created" | "found",
  at: Date,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.writeBack.updateMany({
      where: { runId: run.id, leaseOwner: owner, state: "pending" },
      data: { state: "done", shopifyOrderId: order.id, shopifyOrderName: order.name, leaseOwner: null, leaseExpiresAt: null, lastError: null },
    });
    if (count === 0) return false;
    await appendRunEvents([
      {
        shopId: run.shopId,
        templateId: run.templateId,
        runId: run.id,
        type: "run.written_back",
        actor: "ritournelle",
        cause: how === "created" ? "order_created" : "order_found",
        detail: { shopifyOrderId: order.id, shopifyOrderName: order.name },
        at,
      },
    ], tx);
    return true;
  });
}

/** Shopify refused the order: final, with Shopify's own words (empty when it gave none). */
export async function failWriteBack(runId: string, owner: string, message: string, db: Db = prisma): Promise<void> {
  await db.writeBack.updateMany({
    where: { runId, leaseOwner: owner, state: "pending" },
    data: { state: "failed", lastError: message, leaseOwner: null, leaseExpiresAt: null },
  });
}

/**
 * Gives the lease back when no order can have been created (a read failed
 * before the create call, or Shopify refused the call before running it);
 * the worker's sweep leaves the row alone until `retryAt`.
 */
export async function releaseWriteBack(runId: string, owner: string, lastError: string, retryAt: Date, db: Db = prisma): Promise<void> {
  await db.writeBack.updateMany({
    where: { runId, leaseOwner: owner, state: "pending" },
    data: { leaseOwner: null, leaseExpiresAt: null, lastError, nextAttemptAt: retryAt },
  });
}

/**
 * Keeps the lease (until it expires) after a create call whose outcome is
 * unknown; notes why, and when the sweep may look again (not before the
 * lease expires).
 */
export async function noteUnknownOutcome(runId: string, owner: string, lastError: string, retryAt: Date, db: Db = prisma): Promise<void> {
  await db.writeBack.updateMany({ where: { runId, leaseOwner: owner, state: "pending" }, data: { lastError, nextAttemptAt: retryAt } });
}

/**
 * Gives the write-back up for good, if `owner` still holds the lease: state
 * abandoned, the reason code kept, the lease released. Nothing claims it
 * again (claims take pending rows only).
 */
export async function abandonWriteBack(runId: string, owner: string, reason: WriteBackAbandonReason, db: Db = prisma): Promise<void> {
  await db.writeBack.updateMany({
    where: { runId, leaseOwner: owner, state: "pending" },
    data: { state: "abandoned", lastError: reason, leaseOwner: null, leaseExpiresAt: null },
  });
}

/** Run ids of pending write-backs nobody holds (lease free or expired) and due for an attempt (backoff over), oldest first. */
export async function pendingWriteBackRunIds(now: Date, take: number, db: Db = prisma): Promise<string[]> {
  const rows = await db.writeBack.findMany({
    where: {
      state: "pending",
      AND: [
        { OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }] },
        { OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
      ],
    },
    orderBy: { createdAt: "asc" },
    take,
    select: { runId: true },
  });
  return rows.map((row) => row.runId);
}

/** The write-back of each of these runs of the shop that has one, by run id, as the merchant is shown it. */
export async function listWriteBacksOfRuns(shopId: string, runIds: readonly string[], db: Db = prisma): Promise<Map<string, WriteBackStatus>> {
  if (runIds.length === 0) return new Map();
  // By the unique runId alone, the shop checked on each row: with `shopId = ?`
  // in the WHERE, SQLite reads the shop's every write-back through its shopId
  // index and filters them (8 ms at 24,000 paid invoices, growing with the
  // shop); through the run (a join) it reads the shop's every run (130 ms).
  // The ids are the shop's own runs; a row of another shop is never returned.
  const rows = (
    await db.writeBack.findMany({
      where: { runId: { in: [...runIds] } },
      select: { shopId: true, runId: true, state: true, shopifyOrderId: true, shopifyOrderName: true, lastError: true, attempts: true },
    })
  ).filter((row) => row.shopId === shopId);
  return new Map(rows.map((row) => [row.runId, statusOf(row)]));
}

function statusOf(row: Pick<WriteBack, "runId" | "state" | "shopifyOrderId" | "shopifyOrderName" | "lastError" | "attempts">): WriteBackStatus {
  switch (row.state) {
    case "done":
      return { state: "done", order: { id: row.shopifyOrderId ?? "", name: row.shopifyOrderName ?? "" } };
    case "failed":
      return { state: "failed", detail: row.lastError || null };
    case "abandoned":
      return {
        state: "abandoned",
        reason: isWriteBackAbandonReason(row.lastError) ? row.lastError : "unknown",
        // The claim that gave up counts as one attempt: more means an earlier one may have reached Shopify.
        triedBefore: row.attempts > 1,
        tag: runTag(row.runId),
      };
    default:
      return { state: "pending" };
  }
}

/** Rewrites the stored Shopify words of these runs' write-backs (customers/redact scrubbing older rows). */
export async function rewriteWriteBackErrors(runIds: readonly string[], rewrite: (text: string) => string, tx: Db): Promise<void> {
  const rows = await tx.writeBack.findMany({ where: { runId: { in: [...runIds] }, lastError: { not: null } }, select: { runId: true, lastError: true } });
  for (const row of rows) {
    const lastError = rewrite(row.lastError!);
    if (lastError !== row.lastError) await tx.writeBack.update({ where: { runId: row.runId }, data: { lastError } });
  }
}

/** How many write-backs are in each state (for /metrics). */
export async function countWriteBacksByState(db: Db = prisma): Promise<Map<string, number>> {
  const rows = await db.writeBack.groupBy({ by: ["state"], _count: { _all: true } });
  return new Map(rows.map((row) => [row.state, row._count._all]));
}
