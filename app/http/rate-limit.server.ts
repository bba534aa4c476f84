// Token buckets: the mechanism behind the public pages' rate limits (their
// budgets are in public-rate-limits.server.ts).

export type BucketRule = {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Requests regained per second. */
  refillPerSecond: number;
};

type Bucket = { tokens: number; at: number };

/**
 * Token buckets by key (a token hash, an IP), in this process's memory.
 *
 * Per process on purpose: the limits protect the page and Stripe from
 * hammering, not correctness (a double submit is stopped by the database's
 * unique signature per run). With N web processes a client gets up to N
 * times the budget, which these limits allow for. The map is bounded: past
 * `maxKeys`, the oldest half is forgotten (an attacker rotating keys only
 * resets buckets, which costs them the same as fresh keys).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one request from `key`'s bucket; when empty, says how long until one is back. */
  take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { capacity, refillPerSecond } = this.rule;
    const previous = this.buckets.get(key);
    const elapsed = previous ? Math.max(0, nowMs - previous.at) / 1000 : 0;
    const tokens = previous ? Math.min(capacity, previous.tokens + elapsed * refillPerSecond) : capacity;
    const allowed = tokens >= 1;
    // Re-insert, so Map order is least recently used first: a key being
    // hammered stays remembered, and is never the one forgotten.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    if (this.buckets.size > this.maxKeys) {
      let drop = Math.floor(this.maxKeys / 2);
      for (const oldest of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(oldest);
      }
    }
    return allowed ? { ok: true } : { ok: false, retryAfterSeconds: Math.ceil((1 - tokens) / refillPerSecond) };
  }
}

/** Too many requests: answer 429 with Retry-After. */
export class RateLimited extends Error {
  override readonly name = "RateLimited";
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited; retry after ${retryAfterSeconds}s`);
  }
}

/**
 * Takes one request from every (limiter, key) pair; throws RateLimited with
 * the longest wait when any is empty. Each bucket is charged even when an
 * earlier one refused, so hammering one token also drains the IP's budget.
 */
export function enforceRateLimits(pairs: [RateLimiter, string][], nowMs: number): void {
  let wait = 0;
  for (const [limiter, key] of pairs) {
    const result = limiter.take(key, nowMs);
    if (!result.ok) wait = Math.max(wait, result.retryAfterSeconds);
  }
  if (wait > 0) throw new RateLimited(wait);
}
