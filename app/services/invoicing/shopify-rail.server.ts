// The Shopify billing rail (draft orders, paid through Shopify's checkout):
// the Shopify billing adapter (app/gateways/shopify/billing-adapter.server.ts)
// calling each shop's Admin API with its offline session, as every background
// call does (background-admin.server.ts: tokens renewed before they expire).
import type { BillingGateway } from "~/domain/billing";
import type { Clock } from "~/domain/clock";
import { ShopifyBillingAdapter, type ShopAdminFor } from "~/gateways/shopify/billing-adapter.server";
import { backgroundAdmin } from "~/services/shopify/background-admin.server";

/** The shop's background Admin client, with `clock` deciding when its token is renewed. */
export function shopAdminFor(options: { clock?: Clock } = {}): ShopAdminFor {
  return (shop) => backgroundAdmin(shop, options);
}

/** The Shopify rail for the worker; `adminFor` is for tests that watch or break its calls. */
export function createShopifyRail(options: { clock?: Clock; adminFor?: ShopAdminFor } = {}): BillingGateway {
  return new ShopifyBillingAdapter(options.adminFor ?? shopAdminFor(options));
}
