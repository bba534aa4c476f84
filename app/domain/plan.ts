// Ritournelle's pricing plans (charged through Shopify's managed pricing, see
// README "Pricing"), and the one rule they set: how many recurring invoices
// may be active at once. Pure: the services read the shop's cached plan and
// count its active templates; this file decides.
import { DomainError } from "./errors";

export const PLANS = ["free", "pro"] as const;
export type PlanName = (typeof PLANS)[number];

/** Free: at most this many active recurring invoices (templates) at once. Pro: no limit. */
export const FREE_PLAN_ACTIVE_LIMIT = 3;

/**
 * What Pro costs (USD 19.00 a month, in minor units), as configured in the Partner Dashboard's managed pricing
 * (Shopify bills it; the app only shows it). Keep in step with the README.
 */
export const PRO_PLAN_PRICE = { minor: 1900, currency: "USD", interval: "month", trialDays: 14 } as const;

/** The app's handle in shopify.app.toml: the last segment of Shopify's plan-selection page. */
export const APP_HANDLE = "ritournelle";

/**
 * Shopify's plan-selection page for the app (managed pricing), as an App
 * Bridge admin link: App Bridge resolves `shopify://admin/…` against the
 * admin the app is framed by, i.e.
 * https://admin.shopify.com/store/<store>/charges/<app-handle>/pricing_plans
 * (https://shopify.dev/docs/apps/launch/billing/managed-pricing#plan-selection-page,
 * https://shopify.dev/docs/api/app-home/apis/navigation). Open it with target "_top".
 */
export const PLAN_SELECTION_URL = `shopify://admin/charges/${APP_HANDLE}/pricing_plans`;

export function isPlanName(value: unknown): value is PlanName {
  return typeof value === "string" && (PLANS as readonly string[]).includes(value);
}

/** An app subscription as Shopify reports it in `currentAppInstallation.activeSubscriptions`. */
export type AppSubscriptionView = { id: string; name: string; status: string; test: boolean };

/**
 * The plan Shopify's active subscriptions give the shop. Managed pricing
 * creates no subscription for a free plan, so any ACTIVE subscription is Pro
 * (Pro is the only paid plan). A test charge (`test: true`, made on
 * development stores and by apps in test mode) counts only when
 * `countTestCharges` says so: never in production by default (README
 * "Pricing", BILLING_TEST_CHARGES).
 */
export function planOfSubscriptions(
  subscriptions: readonly AppSubscriptionView[],
  options: { countTestCharges: boolean },
): { plan: PlanName; subscriptionId: string | null } {
  const paying = subscriptions.find((subscription) => subscription.status === "ACTIVE" && (options.countTestCharges || !subscription.test));
  return paying ? { plan: "pro", subscriptionId: paying.id } : { plan: "free", subscriptionId: null };
}

/** How much of its plan a shop uses: `limit` null = unlimited. */
export type PlanUsage = { plan: PlanName; active: number; limit: number | null; atLimit: boolean };

export function planUsage(plan: PlanName, active: number): PlanUsage {
  const limit = plan === "free" ? FREE_PLAN_ACTIVE_LIMIT : null;
  return { plan, active, limit, atLimit: limit !== null && active >= limit };
}

/**
 * Making one more template active would exceed the shop's plan (the 4th on
 * Free). Nothing was written; the merchant can upgrade at `upgradeUrl` (or
 * pause or cancel another recurring invoice) and try again.
 */
export class PlanLimitError extends DomainError {
  override readonly name = "PlanLimitError";
  readonly code = "plan_limit_reached";
  readonly upgradeUrl = PLAN_SELECTION_URL;

  constructor(
    readonly plan: PlanName,
    readonly limit: number,
    readonly active: number,
  ) {
    super(
      `The ${plan} plan allows ${limit} active recurring invoices and ${active} are active: upgrade to Pro (${PLAN_SELECTION_URL}), or pause or cancel one, then try again.`,
    );
  }
}

/** @throws PlanLimitError when one more active template would exceed `usage`'s limit. */
export function requireRoomForOneMore(usage: PlanUsage): void {
  if (usage.limit !== null && usage.active >= usage.limit) throw new PlanLimitError(usage.plan, usage.limit, usage.active);
}
