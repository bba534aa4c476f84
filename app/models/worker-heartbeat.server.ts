// Worker heartbeats: one row per running worker, its last tick (what
// /healthz and /metrics of any process report about the workers).
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";

type Db = Prisma.TransactionClient;

/** Records that `workerId` (started at `startedAt`) ticked at `at`. Idempotent per (worker, instant). */
export async function recordWorkerTick(workerId: string, startedAt: Date, at: Date, db: Db = prisma): Promise<void> {
  await db.workerHeartbeat.upsert({
    where: { workerId },
    create: { workerId, startedAt, lastTickAt: at },
    update: { lastTickAt: at },
  });
}

/** A worker stopped gracefully: it no longer counts as alive or late. */
export async function forgetWorker(workerId: string, db: Db = prisma): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { workerId } });
}

/** Deletes heartbeats older than `before` (workers killed long ago); returns how many. */
export async function pruneWorkerHeartbeats(before: Date, db: Db = prisma): Promise<number> {
  const { count } = await db.workerHeartbeat.deleteMany({ where: { lastTickAt: { lt: before } } });
  return count;
}

/** The most recent tick of any worker, and the heartbeats per worker (few rows: one per worker process). */
export async function workerHeartbeats(db: Db = prisma): Promise<{ workerId: string; startedAt: Date; lastTickAt: Date }[]> {
  return db.workerHeartbeat.findMany({ orderBy: { lastTickAt: "desc" }, take: 1000 });
}

/** The workers that ticked at `since` or later (the claim's shop affinity, app/domain/shop-affinity.ts). */
export async function liveWorkerIds(since: Date, db: Db = prisma): Promise<string[]> {
  const rows = await db.workerHeartbeat.findMany({ where: { lastTickAt: { gte: since } }, select: { workerId: true }, take: 1000 });
  return rows.map((row) => row.workerId);
}
