// How the run pipeline counts attempts (issue 13; tests/PROMISE.md §5). Pure.
//
// Two counters, because a run can stop making progress for two reasons:
// - it fails on its own merits (Stripe answers 5xx, 429, times out): each
//   attempt that ends that way counts in `attempt`, bounded by the retry
//   policy's maxAttempts (run-endings.server.ts, retryLater). A 429 counts
//   too, on purpose: each call already retried its 429s with backoff
//   (StripeClient.call, 4 tries), and the limiter keeps every process under
//   the account's limit, so 8 attempts ending in 429 mean a limit set above
//   the account's real one (STRIPE_REQUESTS_PER_SECOND) or another app
//   spending it. Failing the run then tells the merchant (Retry) and the
//   operator (the "Rate-limited" alert), where endless retries would leave
//   the invoice unsent without a word;
// - its attempts are interrupted: the worker is SIGKILLed, the host
//   restarts, the lease is lost to a slow call. That is not the run's fault
//   while the attempts move it forward, so an interrupted attempt does not
//   count in `attempt` (the next one takes its number). An attempt
//   interrupted before completing any step counts in `interruptions`, reset
//   by an interrupted attempt that did complete one and by every attempt
//   that ends: a poison run (one
//   that kills its worker at the same step every time) is failed after
//   maxAttempts interruptions in a row instead of taking workers down
//   forever. Steps only move forward (back to the draft only when the
//   provider lost the draft), so a run interrupted after each step has at
//   most five such "free" interruptions per pass through the pipeline.
//
// An attempt is known to be interrupted only when the next one begins: the
// run records the step an attempt began at (`attemptStep`), every ending
// clears it, so finding it set means the previous attempt never ended.
import { BILLING_STEPS, type BillingStep } from "./billing";

export type AttemptCounters = {
  attempt: number;
  /** The step the attempt in progress began at; null between attempts. */
  attemptStep: string | null;
  interruptions: number;
};

/**
 * The counters of the attempt about to begin at `step` on a run whose
 * counters are `run`; the new attempt's `attemptStep` is `step`.
 */
export function beginAttempt(run: AttemptCounters, step: BillingStep): AttemptCounters {
  if (run.attemptStep === null) return { attempt: run.attempt + 1, attemptStep: step, interruptions: 0 };
  // The previous attempt never ended: it was interrupted, and is not counted.
  const progressed = BILLING_STEPS.indexOf(step) > BILLING_STEPS.indexOf(run.attemptStep as BillingStep);
  return { attempt: Math.max(1, run.attempt), attemptStep: step, interruptions: progressed ? 0 : run.interruptions + 1 };
}

/** The columns every ending of an attempt writes: no attempt in progress, no interruption in a row. */
export const ATTEMPT_ENDED = { attemptStep: null, interruptions: 0 } as const;
