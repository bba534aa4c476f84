// How many requests a rate-limited service saw at once, from its request log:
// shared by the test of the shared Stripe limit
// (tests/alone/stripe-shared-rate-limit.test.ts) and the workers bench
// (bench/workers.ts), so that both count the same way.

/**
 * The most entries of `times` (ms) inside any window [t, t + 1000): a sliding
 * second, stricter than Stripe's own limiter (a token bucket,
 * https://stripe.com/blog/rate-limiters), which a burst after a pause may
 * briefly exceed.
 */
export function mostInOneSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
    most = Math.max(most, end - start);
  }
  return most;
}
