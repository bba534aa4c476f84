// RateLimitCounter: the public surface's rate-limit counters, in the database
// so that every web process shares them and a restart keeps them.
//
// The counting is rate-limiter-flexible's (RateLimiterPrisma): one row per
// key and window; a request is an atomic `INSERT … ON CONFLICT DO UPDATE
// SET points = points + 1` (Prisma's native upsert on SQLite and on
// PostgreSQL), so concurrent requests in any number of processes are all
// counted. An expired row is deleted before counting (a new window starts),
// and the store also drops rows expired for an hour, every 5 minutes.
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import prisma from "~/db.server";

/** One budget: `points` requests per key in each window of `durationSeconds`. */
export type CounterRule = { name: string; points: number; durationSeconds: number };

/** The outcome of counting one request: allowed, or refused with the wait until the window ends. */
export type CountOutcome = { allowed: true } | { allowed: false; retryAfterMs: number };

export type CounterStore = { count(key: string): Promise<CountOutcome> };

/** A counter over RateLimitCounter, its keys prefixed by the rule's name. */
export function databaseCounter(rule: CounterRule): CounterStore {
  const limiter = new RateLimiterPrisma({
    storeClient: prisma,
    // The Prisma client's property for the model (RateLimitCounter).
    tableName: "rateLimitCounter",
    keyPrefix: rule.name,
    points: rule.points,
    duration: rule.durationSeconds,
  });
  return {
    async count(key) {
      try {
        await limiter.consume(key, 1);
        return { allowed: true };
      } catch (refusal) {
        // A full window is a RateLimiterRes; anything else is the database's error.
        if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: refusal.msBeforeNext };
        throw refusal;
      }
    },
  };
}

/** Every counter row (tests and the privacy scan read them). */
export function listRateLimitCounters(): Promise<{ key: string; points: number; expire: Date | null }[]> {
  return prisma.rateLimitCounter.findMany({ orderBy: { key: "asc" } });
}
