// How an attempt at a run ends when no invoice was sent (issue-run.server.ts
// drives the attempt): failed, a retry scheduled, waiting, or given back.
// Each is one write under the run's lease, with its audit event; the lease is
// released in the same write.
import type { BillingError } from "~/domain/billing";
import { backoffDelayMs, type RetryPolicy } from "~/domain/retry-policy";
import type { Logger } from "~/logger.server";
import type { PipelineStep } from "~/models/invoice-run.server";
import { released, type RunLease } from "./run-lease.server";

/** The run is failed with `code` and the merchant's `message`; it leaves the pipeline (Retry brings it back). */
export async function failRun(lease: RunLease, code: string, message: string, step?: PipelineStep): Promise<"failed"> {
  const { run } = lease;
  await lease.persist({ state: "failed", lastErrorCode: code, lastErrorMessage: message, ...released(), nextAttemptAt: null }, [
    lease.event("run.failed", { fromState: run.state, toState: "failed", cause: code, detail: { step: step ?? run.step, message } }),
  ]);
  return "failed";
}

/**
 * A transient provider failure at `step`: the next attempt after an
 * exponential backoff with full jitter, or failed once `retry.maxAttempts`
 * attempts began.
 */
export async function retryLater(
  lease: RunLease,
  step: PipelineStep,
  error: BillingError,
  options: { retry: RetryPolicy; random: () => number; logger: Logger },
): Promise<"retry_scheduled" | "failed"> {
  const { run } = lease;
  if (run.attempt >= options.retry.maxAttempts) {
    return failRun(lease, error.code, `${error.message} Ritournelle gave up after ${run.attempt} attempts: use Retry once the problem is solved.`, step);
  }
  // A provider that said when a retry may help (an e-mail whose outcome is still settling) is not asked sooner.
  const delayMs = Math.max(backoffDelayMs(run.attempt, options.retry, options.random), (error.retryAt?.getTime() ?? 0) - lease.now().getTime());
  const nextAttemptAt = new Date(lease.now().getTime() + delayMs);
  options.logger.info({ runId: run.id, step, code: error.code, attempt: run.attempt, delayMs }, "transient provider failure; retry scheduled");
  await lease.persist({ lastErrorCode: error.code, lastErrorMessage: error.message, ...released(), nextAttemptAt }, [
    lease.event("run.retry_scheduled", { cause: error.code, detail: { step, attempt: run.attempt, delayMs, message: error.message } }),
  ]);
  return "retry_scheduled";
}

/** Waits, not failed: gives the lease back and looks again in `recheckMs` (or when resumed); one `run.waiting` per reason. */
export async function waitRun(lease: RunLease, code: string, message: string, recheckMs: number): Promise<"waiting"> {
  const events = lease.run.lastErrorCode === code ? [] : [lease.event("run.waiting", { cause: code })];
  await lease.persist({ lastErrorCode: code, lastErrorMessage: message, ...released(), nextAttemptAt: new Date(lease.now().getTime() + recheckMs) }, events);
  return "waiting";
}

/**
 * Graceful shutdown: the step in progress is finished; the run is free for
 * any worker at once. The attempt stays open (its `attemptStep` kept): the
 * next one counts it as interrupted, not as an attempt of its own
 * (app/domain/attempts.ts), so a worker restarted many times costs the run
 * nothing.
 */
export async function releaseRun(lease: RunLease): Promise<"released"> {
  const { attemptStep, interruptions } = lease.run;
  await lease.persist({ ...released(), nextAttemptAt: lease.now(), attemptStep, interruptions }, []);
  return "released";
}
