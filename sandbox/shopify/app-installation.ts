// The app's installation on a shop, as far as managed pricing goes: the
// shop's app subscriptions, `currentAppInstallation { activeSubscriptions,
// oneTimePurchases }` over them, and the plan choices Shopify's hosted
// plan-selection page makes (sandbox/admin-host/pricing-plans.ts is that page).
//
// What Shopify does, and the stand-in with it:
// - Managed pricing hosts the plan-selection page; a free plan has no
//   subscription, a paid plan is an AppSubscription the merchant approves
//   there (ACTIVE), with the plan's trial on the first subscription only.
//   https://shopify.dev/docs/apps/launch/billing/managed-pricing
// - Changing plan cancels the previous subscription (CANCELLED: "a new app
//   subscription being activated, or a direct cancellation"); a merchant who
//   declines leaves a DECLINED one; uninstalling cancels them all.
//   https://shopify.dev/docs/api/admin-graphql/latest/enums/AppSubscriptionStatus
// - `activeSubscriptions` lists the ACTIVE ones only.
// - Each status change is an `app_subscriptions/update` webhook whose payload
//   has no `test` field (the app must ask the API whether a charge is a test).
import { ShopifyResolverError } from "./errors";
import { connection, type View } from "./resolvers";
import type { ShopState } from "./state";

export type AppSubscriptionStatus = "ACTIVE" | "CANCELLED" | "DECLINED" | "EXPIRED" | "FROZEN" | "PENDING";

export interface AppSubscriptionRecord {
  /** gid://shopify/AppSubscription/<n> */
  id: string;
  /** The plan's name in the Partner Dashboard ("Pro"). */
  name: string;
  planHandle: string;
  status: AppSubscriptionStatus;
  test: boolean;
  trialDays: number;
  /** ISO instants. */
  createdAt: string;
  updatedAt: string;
  currentPeriodEnd: string | null;
  /** Price per 30 days, a Shopify decimal string ("19.0"). */
  price: string;
  currencyCode: string;
}

/** The paid plans the stand-in's plan-selection page offers, as Ritournelle's listing would define them (README "Pricing"). */
export const STAND_IN_PAID_PLANS = {
  pro: { name: "Pro", price: "19.0", currencyCode: "USD", trialDays: 14 },
} as const;
export type StandInPlanHandle = "free" | keyof typeof STAND_IN_PAID_PLANS;

const DAY = 86_400_000;

let subscriptionCounter = 0;

function newSubscription(shop: ShopState, handle: keyof typeof STAND_IN_PAID_PLANS, now: number, test: boolean): AppSubscriptionRecord {
  const plan = STAND_IN_PAID_PLANS[handle];
  // The trial is offered once per shop (Shopify: a trial restarts only after the trial period of an earlier subscription ended).
  const trialDays = shop.appSubscriptions.some((subscription) => subscription.planHandle === handle && subscription.status !== "DECLINED") ? 0 : plan.trialDays;
  const at = new Date(now).toISOString();
  return {
    id: `gid://shopify/AppSubscription/${27_000_000 + ++subscriptionCounter}`,
    name: plan.name,
    planHandle: handle,
    status: "ACTIVE",
    test,
    trialDays,
    createdAt: at,
    updatedAt: at,
    currentPeriodEnd: new Date(now + (trialDays || 30) * DAY).toISOString(),
    price: plan.price,
    currencyCode: plan.currencyCode,
  };
}

/** Gives each shop the plan its seed names (`plan: "pro"`: an active Pro subscription since the seed). */
export function seedPlans(shops: Iterable<ShopState>, now: number): void {
  for (const shop of shops) {
    if (shop.shop.plan === "pro" && !activeSubscription(shop)) shop.appSubscriptions.push(newSubscription(shop, "pro", now, false));
  }
}

/** The shop's subscription that bills now, if any. */
export function activeSubscription(shop: ShopState): AppSubscriptionRecord | undefined {
  return shop.appSubscriptions.find((subscription) => subscription.status === "ACTIVE");
}

function setStatus(subscription: AppSubscriptionRecord, status: AppSubscriptionStatus, now: number): AppSubscriptionRecord {
  subscription.status = status;
  subscription.updatedAt = new Date(now).toISOString();
  return subscription;
}

/**
 * The merchant picks `handle` on the plan-selection page and approves it.
 * Returns the subscriptions whose status changed (each one is an
 * `app_subscriptions/update` webhook), oldest change first.
 */
export function choosePlan(shop: ShopState, handle: StandInPlanHandle, now: number, options: { test?: boolean } = {}): AppSubscriptionRecord[] {
  const current = activeSubscription(shop);
  if (handle !== "free" && current?.planHandle === handle) return [];
  if (handle === "free" && !current) return [];
  const changed: AppSubscriptionRecord[] = [];
  if (current) changed.push(setStatus(current, "CANCELLED", now));
  if (handle !== "free") {
    const created = newSubscription(shop, handle, now, options.test ?? false);
    shop.appSubscriptions.push(created);
    changed.push(created);
  }
  return changed;
}

/** The merchant is shown the approval for `handle` and declines it: a DECLINED subscription, the current plan unchanged. */
export function declinePlan(shop: ShopState, handle: keyof typeof STAND_IN_PAID_PLANS, now: number, options: { test?: boolean } = {}): AppSubscriptionRecord[] {
  const declined = setStatus(newSubscription(shop, handle, now, options.test ?? false), "DECLINED", now);
  shop.appSubscriptions.push(declined);
  return [declined];
}

/** Uninstalling the app cancels its subscriptions on the shop. */
export function cancelAllSubscriptions(shop: ShopState, now: number): AppSubscriptionRecord[] {
  return shop.appSubscriptions.filter((subscription) => subscription.status === "ACTIVE" || subscription.status === "FROZEN").map((subscription) => setStatus(subscription, "CANCELLED", now));
}

/** The `app_subscriptions/update` payload Shopify sends for a subscription (REST-style names; no `test`). */
export function subscriptionWebhookPayload(shop: ShopState, subscription: AppSubscriptionRecord): Record<string, unknown> {
  return {
    app_subscription: {
      admin_graphql_api_id: subscription.id,
      name: subscription.name,
      status: subscription.status,
      admin_graphql_api_shop_id: shop.shop.id,
      created_at: subscription.createdAt,
      updated_at: subscription.updatedAt,
      currency: subscription.currencyCode,
      price: subscription.price,
      interval: "every_30_days",
      plan_handle: subscription.planHandle,
    },
  };
}

function subscriptionView(subscription: AppSubscriptionRecord): View {
  const legacy = subscription.id.split("/").pop();
  return {
    __typename: "AppSubscription",
    id: subscription.id,
    name: subscription.name,
    status: subscription.status,
    test: subscription.test,
    trialDays: subscription.trialDays,
    createdAt: subscription.createdAt,
    currentPeriodEnd: subscription.currentPeriodEnd,
    // Managed pricing returns merchants to the app's welcome link (the app's home unless configured).
    returnUrl: "https://admin.shopify.com/apps/ritournelle",
    lineItems: [
      {
        __typename: "AppSubscriptionLineItem",
        id: `gid://shopify/AppSubscriptionLineItem/${legacy}?v=1&index=0`,
        plan: {
          __typename: "AppPlanV2",
          pricingDetails: {
            __typename: "AppRecurringPricing",
            price: { __typename: "MoneyV2", amount: subscription.price, currencyCode: subscription.currencyCode },
            interval: "EVERY_30_DAYS",
            discount: null,
            planHandle: subscription.planHandle,
          },
        },
      },
    ],
  };
}

/** `currentAppInstallation`: the installation of the app whose token made the request. */
export function appInstallationView(shop: ShopState): View {
  return {
    __typename: "AppInstallation",
    id: `gid://shopify/AppInstallation/${String(shop.shop.id.split("/").pop())}`,
    activeSubscriptions: shop.appSubscriptions.filter((subscription) => subscription.status === "ACTIVE").map(subscriptionView),
    allSubscriptions: (args: Record<string, unknown>) => {
      if (args.sortKey !== undefined && args.sortKey !== "CREATED_AT") throw new ShopifyResolverError(`Sort key ${String(args.sortKey)} is not implemented by the stand-in`, "NOT_IMPLEMENTED_IN_STAND_IN");
      return connection(shop.appSubscriptions, args, {
        key: (subscription) => ({ id: Number(subscription.id.split("/").pop()), value: subscription.createdAt }),
        view: subscriptionView,
        reverse: args.reverse === true,
      });
    },
    // Managed pricing sells no one-time purchase here: always an empty page.
    oneTimePurchases: (args: Record<string, unknown>) =>
      connection([] as { id: number }[], args, { key: (item) => ({ id: item.id, value: item.id }), view: () => null, reverse: args.reverse === true }),
  };
}
