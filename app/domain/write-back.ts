// Write-back: a paid run recorded in Shopify as one order. The states of a
// run's write-back, why one is given up, and what the merchant is shown of
// it. Pure: the row lives in app/models/write-back.server.ts, the use cases
// in app/services/write-back/.

/**
 * - `pending`: not written yet, or the outcome of the last call is unknown;
 *   the Stripe webhook and the worker's sweep try again.
 * - `done`: the order exists in Shopify.
 * - `failed`: Shopify refused the order (its own words are kept). Final.
 * - `abandoned`: Ritournelle gave up before Shopify could take the order, for
 *   a reason no retry changes (WRITE_BACK_ABANDON_REASONS). Final: nothing
 *   retries it, not even after the merchant reinstalls the app.
 */
export const WRITE_BACK_STATES = ["pending", "done", "failed", "abandoned"] as const;
export type WriteBackState = (typeof WRITE_BACK_STATES)[number];

/**
 * Why a write-back was abandoned. Stored as the code (never words); the
 * merchant reads each in their language on the template page
 * (`template.runs.writeBack.reason.<code>` in app/i18n).
 */
export const WRITE_BACK_ABANDON_REASONS = [
  // The shop removed the app (app/uninstalled was received): no token, and none until it reinstalls.
  "shop_uninstalled",
  // No offline session is stored for the shop: Ritournelle holds no token to call Shopify with.
  "no_session",
  // Shopify refused the shop's tokens and would not renew them (access revoked).
  "access_revoked",
  // The merchant turned write-back off before this one was done.
  "write_back_disabled",
  // The run is no longer paid (voided or refunded since).
  "run_not_paid",
  // A run in another currency than the shop's whose source order, which gave the exchange rate, is gone.
  "exchange_rate_unavailable",
  // Shopify kept failing (unreachable, throttled, the shop frozen or locked) for WRITE_BACK_MAX_ATTEMPTS attempts, about a day.
  "retries_exhausted",
] as const;
export type WriteBackAbandonReason = (typeof WRITE_BACK_ABANDON_REASONS)[number];

export function isWriteBackAbandonReason(value: string | null): value is WriteBackAbandonReason {
  return (WRITE_BACK_ABANDON_REASONS as readonly (string | null)[]).includes(value);
}

/** What the merchant is shown of a run's write-back, on the template page. */
export type WriteBackStatus =
  | { state: "pending" }
  | { state: "done"; order: { id: string; name: string } }
  /** Shopify's own words, when it gave any. */
  | { state: "failed"; detail: string | null }
  | {
      state: "abandoned";
      /** "unknown": a code this version does not know (written by a newer one). */
      reason: WriteBackAbandonReason | "unknown";
      /**
       * Ritournelle had already tried to create the order before giving up:
       * an earlier call's order may exist, findable by `tag`.
       */
      triedBefore: boolean;
      /** The tag the order would carry in Shopify. */
      tag: string;
    };

/**
 * How many attempts a write-back gets before it is given up
 * (`retries_exhausted`): with the backoff below, about 26 hours of Shopify
 * failing (1 + 2 + 4 + … + 256 minutes, then 6 hours apart). Long enough
 * for an outage or a frozen shop settled the same day; short enough that the
 * merchant hears while the payment is fresh, and records it by hand.
 */
export const WRITE_BACK_MAX_ATTEMPTS = 12;

const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 3_600_000;

/**
 * The wait after the `attempts`-th attempt failed before the worker's sweep
 * tries again: one minute, doubling, at most six hours. Without it a
 * write-back failing for hours is taken again at every tick.
 */
export function writeBackRetryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), MAX_RETRY_MS);
}

/** Tag every written-back order carries. */
export const WRITE_BACK_TAG = "ritournelle";

/** The per-run tag an order written back for the run carries, to find it again. */
export function runTag(runId: string): string {
  return `ritournelle-run-${runId}`;
}
