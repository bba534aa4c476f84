// How the run pipeline retries a transient provider failure: exponential
// backoff with full jitter, up to a number of attempts. Pure.

export type RetryPolicy = {
  /** Upper bound of the first retry's delay. */
  baseDelayMs: number;
  /** No delay exceeds this. */
  maxDelayMs: number;
  /** Attempts before a run that keeps failing transiently (or keeps dying mid-step) is `failed`. */
  maxAttempts: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 };

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * "full jitter", uniformly random in [0, min(maxDelayMs, baseDelayMs × 2^(attempt−1))).
 * Jitter spreads the retries of many runs hit by one outage.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
