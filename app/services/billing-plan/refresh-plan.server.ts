// Keeps the shop's cached plan (Shop.plan) in step with Shopify's managed
// pricing: read with billing.check() when it is stale, at most once an hour
// per shop otherwise, so the services and the worker never call Shopify for it.
import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { config, countsTestCharges } from "~/config.server";
import type { Clock } from "~/domain/clock";
import { planOfSubscriptions, type PlanName } from "~/domain/plan";
import { fetchActiveSubscriptions, type BillingCheck } from "~/gateways/shopify/app-subscriptions.server";
import { logger } from "~/logger.server";
import { readShopPlan, storeShopPlan } from "~/models/shop-plan.server";

/**
 * How long a plan read from Shopify is trusted. The `app_subscriptions/update`
 * webhook makes it stale at once when a subscription changes; this bounds
 * how long a lost webhook can leave a shop on the wrong plan.
 */
export const PLAN_CACHE_TTL_MS = 60 * 60 * 1000;

export type RefreshPlanOptions = {
  clock?: Clock;
  /** Whether test charges make a shop Pro (default: the BILLING_TEST_CHARGES decision). */
  countTestCharges?: boolean;
};

/**
 * The shop's plan, read from Shopify first when the cached one is stale.
 *
 * Inputs: the shop, the `billing` of its authenticated admin request.
 * Effects: when the plan was never read, was made stale (webhook,
 * reinstall) or is older than PLAN_CACHE_TTL_MS: one billing.check() call,
 * then the shop's plan, subscription id and check time are stored.
 * Idempotency: safe to repeat; a fresh plan is returned without a call.
 * Errors: a Response (the library asking the browser to re-authenticate) is
 * rethrown; any other failure of Shopify is logged and the cached plan is
 * returned (still stale, so the next request tries again): the merchant keeps
 * working on the plan last known.
 */
export async function refreshPlanIfStale(shop: Pick<Shop, "id" | "domain">, billing: BillingCheck, options: RefreshPlanOptions = {}): Promise<PlanName> {
  const now = (options.clock ?? appClock).nowDate();
  const cached = await readShopPlan(shop.id);
  if (cached?.checkedAt && now.getTime() - cached.checkedAt.getTime() < PLAN_CACHE_TTL_MS) return cached.plan;
  let subscriptions;
  try {
    subscriptions = await fetchActiveSubscriptions(billing);
  } catch (error) {
    if (error instanceof Response) throw error;
    logger.warn({ shop: shop.domain, err: error }, "could not read the shop's plan from Shopify; keeping the cached one");
    return cached?.plan ?? "free";
  }
  const countTestCharges = options.countTestCharges ?? countsTestCharges(config());
  const plan = planOfSubscriptions(subscriptions, { countTestCharges });
  if (plan.plan === "free" && subscriptions.some((subscription) => subscription.status === "ACTIVE" && subscription.test)) {
    logger.info({ shop: shop.domain }, "test subscription not counted as Pro (BILLING_TEST_CHARGES)");
  }
  await storeShopPlan(shop.id, plan, now);
  if (plan.plan !== cached?.plan) logger.info({ shop: shop.domain, plan: plan.plan }, "shop plan changed");
  return plan.plan;
}
