// After Shopify grants the app access (token exchange, the afterAuth hook in
// app/shopify.server.ts), record the shop with the details schedules need.
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchShopDetails } from "~/gateways/shopify/shop.server";
import { upsertInstalledShop } from "~/models/shop.server";
import { logger } from "~/logger.server";

/**
 * Records that `shopDomain` installed (or reinstalled) the app.
 *
 * Inputs: the shop's domain and an Admin API client for it; `options.clock`
 * gives the installation time recorded (default: the app's).
 * Effects: one Admin API query (shop name, IANA time zone, currency), then
 * the Shop row is created, or marked installed again with those details
 * refreshed (a previous uninstall is forgotten; settings and templates stay).
 * Idempotency: safe to repeat; each call refreshes the details and the
 * installation time.
 * Errors: the Admin API's errors are rethrown before anything is written.
 */
export async function recordInstallation(shopDomain: string, admin: AdminGraphql, options: { clock?: Clock } = {}): Promise<void> {
  const details = await fetchShopDetails(admin);
  await upsertInstalledShop(
    shopDomain,
    { name: details.name, timeZone: details.ianaTimezone, currency: details.currencyCode },
    (options.clock ?? appClock).nowDate(),
  );
  logger.info({ shop: shopDomain }, "shop installed");
}
