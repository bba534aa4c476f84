// Rate limits of the public surface: the mechanism (the budgets are in
// public-rate-limits.server.ts). Counted in the database
// (app/models/rate-limit.server.ts), so N web processes share one budget and
// a restart resets nothing.
//
// Keys never hold what they count in clear: a client address or a token
// hash is keyed as an HMAC with the app secret, so the counter table holds
// no personal data and no capability (it is not in the redact registry, and
// need not be).
import { createHmac } from "node:crypto";
import { config } from "~/config.server";
import { databaseCounter, type CounterRule, type CounterStore } from "~/models/rate-limit.server";

export type { CounterRule };

/** Too many requests: answer 429 with Retry-After (whole seconds, at least 1). */
export class RateLimited extends Error {
  override readonly name = "RateLimited";
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited; retry after ${retryAfterSeconds}s`);
  }
}

/** A named budget, counted per key across every process. */
export class RateLimit {
  private store: CounterStore | null = null;
  constructor(readonly rule: CounterRule) {}

  /** Counted lazily: the store opens the database only when a request comes. */
  counter(): CounterStore {
    return (this.store ??= databaseCounter(this.rule));
  }
}

function counterKey(key: string): string {
  return createHmac("sha256", config().SHOPIFY_API_SECRET).update(key).digest("base64url");
}

/**
 * Counts one request against every (limit, key) pair; throws RateLimited
 * with the longest wait when any budget is spent. Every pair is counted even
 * when an earlier one refused, so hammering one link also spends the
 * address's budget.
 */
export async function enforceRateLimits(pairs: [RateLimit, string][]): Promise<void> {
  const outcomes = await Promise.all(pairs.map(([limit, key]) => limit.counter().count(counterKey(key))));
  let waitMs = 0;
  for (const outcome of outcomes) if (!outcome.allowed) waitMs = Math.max(waitMs, outcome.retryAfterMs);
  if (outcomes.some((outcome) => !outcome.allowed)) throw new RateLimited(Math.max(1, Math.ceil(waitMs / 1000)));
}
