// The states of an invoice run (one period of one template), and why a run is
// skipped. One list each, so every table keyed by them (the page's labels and
// badges, for one) must name each value: a new one without a label does not compile.

export const RUN_STATES = [
  "planned", // inserted, no call to the provider yet
  "issuing", // in the pipeline; `step` is the next step to perform
  "sent",
  "paid",
  "overdue",
  "void",
  "uncollectible",
  "failed", // gave up: `lastErrorCode` / `lastErrorMessage` say why; the merchant may retry
  "skipped", // never issued, on purpose: `skipReason` says why
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const SKIP_REASONS = [
  "catch_up_latest", // missed while the worker was down; policy `latest` issues only the most recent
  "catch_up_none", // missed while the worker was down; policy `none` issues none of them
  "paused", // falls while the template was paused (or was not started when it was paused)
  "merchant_skip", // the merchant skipped this period
  "cancelled", // not started when the template was cancelled
  "customer_redacted", // the customer's data was erased (customers/redact)
  "removed_by_edit", // after the end the merchant set by editing the schedule
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A stored reason (a free-text column, or an event's `cause`) is one this code knows. */
export function isSkipReason(reason: string): reason is SkipReason {
  return (SKIP_REASONS as readonly string[]).includes(reason);
}
