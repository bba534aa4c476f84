// What the workers' heartbeats say (app/models/worker-heartbeat.server.ts):
// when any worker last ticked, and how many still tick.
import type { Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { workerHeartbeats } from "~/models/worker-heartbeat.server";

/**
 * A worker whose last tick is older than this is not counted alive. A busy
 * worker ticks back to back and an idle one every second; its heartbeat is
 * written at most every {@link HEARTBEAT_EVERY_MS}, and one tick may take
 * long when it drives a full batch against a slow provider.
 */
export const WORKER_STALE_AFTER_MS = 120_000;

/** How often a worker writes its heartbeat, at most (app/worker/worker.ts). */
export const HEARTBEAT_EVERY_MS = 5_000;

export type WorkerLiveness = {
  /** The most recent tick of any worker (ISO), or null when no worker has ticked (or all stopped gracefully). */
  lastTickAt: string | null;
  /** Seconds since then, or null. */
  lastTickAgeSeconds: number | null;
  /** Workers whose last tick is younger than {@link WORKER_STALE_AFTER_MS}. */
  alive: number;
  /** "ok": a worker ticked recently; "stale": none did within the bound; "none": no worker heartbeat at all. */
  status: "ok" | "stale" | "none";
};

/** Reads the heartbeats. Effects: one query. Errors: the database's, thrown. */
export async function workerLiveness(options: { clock?: Clock } = {}): Promise<WorkerLiveness> {
  const now = (options.clock ?? appClock).nowDate().getTime();
  const beats = await workerHeartbeats();
  const latest = beats[0]?.lastTickAt ?? null;
  const alive = beats.filter((beat) => now - beat.lastTickAt.getTime() < WORKER_STALE_AFTER_MS).length;
  return {
    lastTickAt: latest?.toISOString() ?? null,
    lastTickAgeSeconds: latest ? Math.max(0, (now - latest.getTime()) / 1000) : null,
    alive,
    status: latest === null ? "none" : alive > 0 ? "ok" : "stale",
  };
}
