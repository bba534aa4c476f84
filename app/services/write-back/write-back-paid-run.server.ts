// Write-back: when a run is paid and the shop asked for it, record the
// payment in Shopify as one order (customer, lines, taxes, paid, tagged,
// Stripe invoice number in the note). Each line is written back as the
// product variant it was imported with (carried by the template line into the
// run's snapshot) when Shopify still has it, else as a custom line (the
// order is built in ./order-input.server.ts). Shopify is called through
// backgroundAdmin: the shop's offline token, renewed when it expires.
//
// Exactly once per run, even when `invoice.paid` arrives twice, concurrently,
// or after a crash:
// 1. a WriteBack row, UNIQUE(runId), is inserted before Shopify is called;
// 2. one caller wins the row's lease (a conditional UPDATE); the others
//    answer "in progress" or "already done" without calling Shopify;
// 3. each order carries the tag `ritournelle-run-<runId>`; an attempt that
//    follows an attempt of unknown outcome (the create call was sent, the
//    answer was lost) first searches Shopify by that tag and adopts the order
//    it finds. The lease of an unknown outcome is kept until it expires
//    (WRITE_BACK_LEASE_MS), so Shopify's search index has caught up by the
//    time anyone looks.
//
// And it ends: a write-back that cannot succeed, whatever the number of
// retries, is `abandoned` with a reason code (app/domain/write-back.ts) and
// its lease released, before any Admin call when we know it up front (the
// shop uninstalled, no session), or as soon as Shopify says so (its tokens
// refused). Shopify refusing the order itself is `failed`, with its words.
import { withoutPersonalData } from "~/domain/personal-text";
import type { CustomerSnapshot } from "~/domain/template-content";
import { randomUUID } from "node:crypto";
import { appClock } from "~/clock.server";
import type { Clock } from "~/domain/clock";
import { isWriteBackAbandonReason, runTag, WRITE_BACK_MAX_ATTEMPTS, writeBackRetryDelayMs, type WriteBackAbandonReason } from "~/domain/write-back";
import { httpRefusalStatus, isAccessDenied, ShopifyGraphqlError, type AdminGraphql } from "~/gateways/shopify/graphql.server";
import { createOrder, fetchOrderForTemplate, findOrderBySearch, type OrderCreateOrderInput } from "~/gateways/shopify/orders.server";
import { fetchExistingVariantIds } from "~/gateways/shopify/variants.server";
import { logger } from "~/logger.server";
import { findOfflineSession } from "~/models/session.server";
import { readSettings } from "~/models/shop.server";
import {
  abandonWriteBack,
  claimWriteBack,
  completeWriteBack,
  ensureWriteBack,
  failWriteBack,
  findRunForWriteBack,
  findWriteBack,
  noteUnknownOutcome,
  releaseWriteBack,
  type RunForWriteBack,
} from "~/models/write-back.server";
import { backgroundAdmin, ShopAccessLostError } from "~/services/shopify/background-admin.server";
import { buildWriteBackOrder } from "./order-input.server";

/** How long a caller owns a write-back; also the wait before an unknown outcome is looked up. */
/** Shopify's words as stored: without the customer's data (app/domain/personal-text.ts); the page fills it in. */
function storedText(run: { snapshot: { customer: CustomerSnapshot } }, text: string): string {
  return withoutPersonalData(text, run.snapshot.customer);
}

export const WRITE_BACK_LEASE_MS = 5 * 60_000;

export type WriteBackOutcome =
  | { status: "created" | "found_existing" | "already_done"; order: { id: string; name: string } }
  | { status: "in_progress" }
  | { status: "skipped"; reason: "unknown_run" | "not_paid" | "disabled" }
  /** Shopify refused the order: its own words (empty when it gave none). */
  | { status: "failed"; message: string }
  /** Given up for good, for `reason` ("unknown": a code this version does not know). */
  | { status: "abandoned"; reason: WriteBackAbandonReason | "unknown" };

export type WriteBackOptions = {
  clock?: Clock;
  /**
   * Names this caller in its leases (default "write-back"). Each claim's
   * lease is this name and a fresh random token: a caller whose lease
   * expired and was taken over can change nothing, whatever it is called.
   */
  caller?: string;
  /** The shop's Admin API client; default: backgroundAdmin (the offline session, its token renewed as needed). */
  adminFor?: (shopDomain: string) => Promise<AdminGraphql>;
};

/**
 * Writes a paid run back to Shopify as one order, if the shop's setting
 * `writeBackOrders` is on. Idempotent and safe to call any number of times,
 * concurrently, from any process: at most one order is ever created per run.
 *
 * For the Stripe webhook handler (`invoice.paid`), after the run is recorded
 * paid, and the worker's sweep (./resume-pending-write-backs.server.ts).
 *
 * Ends, once and for all:
 * - `created` / `found_existing`: the order exists (found by its tag after an
 *   attempt of unknown outcome);
 * - `failed`: Shopify refused the order (userErrors), with its words;
 * - `abandoned`, with a reason code, when no retry can succeed: the shop
 *   uninstalled the app (`shop_uninstalled`) or no offline session is stored
 *   (`no_session`), both known before any Admin call; Shopify refused the
 *   shop's tokens and would not renew them (`access_revoked`); a
 *   foreign-currency run without its exchange rate (`exchange_rate_unavailable`).
 *   The lease is released and the answer is the same on every later call, so
 *   the webhook answers 200 and Stripe stops delivering.
 *
 * Abandoned stays abandoned when the merchant reinstalls the app: the
 * template page told them the payment was not recorded and to record it by
 * hand, and an order created days later, after they may have done so, would
 * record the payment twice. Nothing retries it (claims take pending rows only),
 * and there is no merchant action to retry it.
 *
 * @throws when Shopify could not be reached or answered with an error that may
 *   pass (network, throttling, 5xx): the row stays pending, its lease released
 *   when no order can exist (only reads were sent) or kept until it expires
 *   when the create call's outcome is unknown. The caller retries: the webhook
 *   answers 5xx and Stripe delivers it again; the worker's sweep tries again.
 */
export async function writeBackPaidRun(runId: string, options: WriteBackOptions = {}): Promise<WriteBackOutcome> {
  const clock = options.clock ?? appClock;
  const run = await findRunForWriteBack(runId);
  if (!run) return { status: "skipped", reason: "unknown_run" };
  if (run.state !== "paid") return { status: "skipped", reason: "not_paid" };
  if (!readSettings(run.shop).writeBackOrders) return { status: "skipped", reason: "disabled" };

  await ensureWriteBack(run.shop.id, run.id);
  const owner = `${options.caller ?? "write-back"}:${randomUUID()}`;
  const now = new Date(clock.now().epochMilliseconds);
  const claimed = await claimWriteBack(run.id, owner, now, new Date(now.getTime() + WRITE_BACK_LEASE_MS));
  if (!claimed) return outcomeOfExisting(run.id);

  const unreachable = await whyShopCannotBeCalled(run);
  if (unreachable) return abandon(run, owner, unreachable);

  const adminFor = options.adminFor ?? ((shop: string) => backgroundAdmin(shop, { clock }));
  let admin: AdminGraphql;
  let order: OrderCreateOrderInput;
  try {
    admin = await adminFor(run.shop.domain);
    if (claimed.attempts > 1) {
      const existing = await findOrderBySearch(admin, `tag:${runTag(run.id)}`);
      if (existing) {
        await completeWriteBack(run, owner, existing, "found", now);
        return { status: "found_existing", order: existing };
      }
    }
    // The source order is read only for its exchange rate: the lines carry their own variants.
    const sourceOrderId = run.currency !== run.shop.currency ? run.template.sourceOrderId : null;
    const source = sourceOrderId ? await fetchOrderForTemplate(admin, sourceOrderId) : null;
    const existingVariants = await variantsStillInCatalogue(admin, run);
    const built = buildWriteBackOrder(run, source, existingVariants);
    if (!built.ok) return abandon(run, owner, built.reason);
    order = built.order;
  } catch (error) {
    if (error instanceof ShopAccessLostError) return abandon(run, owner, "access_revoked");
    // Only reads happened: no order can exist, the next caller may start over.
    return tryAgainLater(run, owner, claimed.attempts, error, now, "released");
  }

  let result: Awaited<ReturnType<typeof createOrder>>;
  try {
    result = await createOrder(admin, order);
  } catch (error) {
    // Shopify answered 401 and would not renew the token: the mutation did not run.
    if (error instanceof ShopAccessLostError) return abandon(run, owner, "access_revoked");
    // Shopify answered with errors (throttled, invalid) or refused the request
    // (a frozen, closed or locked shop): the mutation did not run. Anything
    // else may have reached Shopify: keep the lease; the next attempt searches first.
    const didNotRun = error instanceof ShopifyGraphqlError || httpRefusalStatus(error) !== null;
    return tryAgainLater(run, owner, claimed.attempts, error, now, didNotRun ? "released" : "kept");
  }
  if (!result.order) {
    const message = result.userErrors.map((userError) => userError.message).join("; ");
    await failWriteBack(run.id, owner, storedText(run, message));
    return { status: "failed", message };
  }
  await completeWriteBack(run, owner, result.order, "created", now);
  return { status: "created", order: result.order };
}

/**
 * Why the shop cannot be called at all, known without calling it: the app
 * was uninstalled (app/uninstalled recorded it; reinstalling clears it), or
 * no offline session is stored (never installed, or deleted after Shopify
 * refused its tokens). Null when there is a session to try.
 */
async function whyShopCannotBeCalled(run: RunForWriteBack): Promise<WriteBackAbandonReason | null> {
  if (run.shop.uninstalledAt) return "shop_uninstalled";
  if (!(await findOfflineSession(run.shop.domain))) return "no_session";
  return null;
}

/**
 * After a failure that may pass: the row stays pending, for the worker's
 * sweep after a backoff (writeBackRetryDelayMs) and Stripe's next delivery,
 * and the error is thrown to the caller (the webhook answers 5xx). The lease
 * is released when no order can exist, or kept until it expires when the
 * create call's outcome is unknown (the next attempt searches by tag first,
 * once Shopify's index caught up). The last allowed attempt gives up instead
 * (`retries_exhausted`): the merchant is told, and the answer is final.
 */
async function tryAgainLater(
  run: RunForWriteBack,
  owner: string,
  attempts: number,
  error: unknown,
  now: Date,
  lease: "released" | "kept",
): Promise<WriteBackOutcome> {
  if (attempts >= WRITE_BACK_MAX_ATTEMPTS) return abandon(run, owner, "retries_exhausted");
  const retryAt = new Date(now.getTime() + writeBackRetryDelayMs(attempts));
  if (lease === "released") {
    await releaseWriteBack(run.id, owner, storedText(run, errorMessage(error)), retryAt);
  } else {
    const leaseEnds = new Date(now.getTime() + WRITE_BACK_LEASE_MS);
    await noteUnknownOutcome(run.id, owner, storedText(run, errorMessage(error)), retryAt > leaseEnds ? retryAt : leaseEnds);
  }
  throw error;
}

/** Gives the write-back up for good under this caller's lease (released), and says so in the log. */
async function abandon(run: RunForWriteBack, owner: string, reason: WriteBackAbandonReason): Promise<WriteBackOutcome> {
  await abandonWriteBack(run.id, owner, reason);
  logger.warn({ runId: run.id, shop: run.shop.domain, reason }, "write-back abandoned: the payment is not recorded in Shopify");
  return { status: "abandoned", reason };
}

/**
 * The run's line variants that Shopify still has (one query for all lines).
 *
 * A shop that has not granted read_products (installed before Ritournelle
 * asked for it, and the merchant has not approved the update yet) cannot be
 * asked: its lines are all written back as custom lines, rather than the
 * payment not being recorded at all, and a warning says why.
 */
async function variantsStillInCatalogue(admin: AdminGraphql, run: RunForWriteBack): Promise<ReadonlySet<string>> {
  const variantIds = run.snapshot.lines.flatMap((line) => (line.variantId ? [line.variantId] : []));
  if (variantIds.length === 0) return new Set();
  try {
    return await fetchExistingVariantIds(admin, variantIds);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    logger.warn({ runId: run.id, shop: run.shop.domain }, "write-back: read_products not granted; lines written back as custom lines");
    return new Set();
  }
}

async function outcomeOfExisting(runId: string): Promise<WriteBackOutcome> {
  const row = await findWriteBack(runId);
  if (row?.state === "done") return { status: "already_done", order: { id: row.shopifyOrderId ?? "", name: row.shopifyOrderName ?? "" } };
  if (row?.state === "failed") return { status: "failed", message: row.lastError ?? "" };
  if (row?.state === "abandoned") return { status: "abandoned", reason: isWriteBackAbandonReason(row.lastError) ? row.lastError : "unknown" };
  return { status: "in_progress" };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
