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
  "shop_uninstalled", // the shop removed the app while the run was being issued (its template had ended: nothing paused it)
  "removed_by_edit", // after the end the merchant set by editing the schedule
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A stored reason (a free-text column, or an event's `cause`) is one this code knows. */
export function isSkipReason(reason: string): reason is SkipReason {
  return (SKIP_REASONS as readonly string[]).includes(reason);
}

/**
 * Where a run's template and shop stand, as the pipeline reads them before
 * each provider call (app/models/hot-sql.server.ts, runStandingSql).
 */
export type RunStanding = {
  templateStatus: string;
  /** customers/redact erased the template's customer. */
  customerRedacted: boolean;
  /** The shop removed the app (app/uninstalled) and has not installed it again. */
  shopUninstalled: boolean;
};

/** The reasons a run being issued stops for: the merchant, Shopify or the customer no longer wants it. */
export type StopReason = Extract<SkipReason, "customer_redacted" | "cancelled" | "paused" | "shop_uninstalled">;

/**
 * Why a run of a template standing so must not go on to its next provider
 * call, or null when it may. The most specific reason wins: an erased
 * customer (whatever the template's status: an ended template's last run
 * stops too), then the template cancelled, paused, and last the shop
 * uninstalled (which pauses its active templates: their runs say "paused",
 * like the runs not started; only an ended template's last run says
 * "shop_uninstalled"). An ended template's last run is still wanted and
 * goes on. Pure.
 */
export function stopReasonOf(standing: RunStanding): StopReason | null {
  if (standing.customerRedacted) return "customer_redacted";
  if (standing.templateStatus === "cancelled") return "cancelled";
  if (standing.templateStatus === "paused") return "paused";
  if (standing.shopUninstalled) return "shop_uninstalled";
  return null;
}
