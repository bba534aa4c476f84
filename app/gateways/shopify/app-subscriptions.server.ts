// The shop's app subscriptions, as Shopify's managed pricing reports them,
// read through @shopify/shopify-app-remix's `billing.check()` (the `billing`
// of `authenticate.admin`). The library queries
// `currentAppInstallation { activeSubscriptions { … } oneTimePurchases { … } }`
// with its own document (so it is not in ./generated/; the Shopify stand-in
// validates it against the schema like every other). v6 of the library turns
// managed pricing support on by itself: check() needs no `billing` config.
// https://shopify.dev/docs/api/shopify-app-remix/v6/apis/billing (check)
import type { AppSubscriptionView } from "~/domain/plan";

/** What this gateway needs of the library's billing context. */
export type BillingCheck = {
  check(options?: { isTest?: boolean }): Promise<{ appSubscriptions: readonly { id: string; name: string; status: string; test: boolean }[] }>;
};

/**
 * Every active subscription of the app on the shop, test charges included
 * (`isTest: true` means "test charges too" to the library; whether they count
 * is the caller's decision, see planOfSubscriptions).
 * Errors: the library's (a 401 becomes its re-authentication response; other
 * Admin API failures are rethrown).
 */
export async function fetchActiveSubscriptions(billing: BillingCheck): Promise<AppSubscriptionView[]> {
  const { appSubscriptions } = await billing.check({ isTest: true });
  return appSubscriptions.map(({ id, name, status, test }) => ({ id, name, status, test }));
}
