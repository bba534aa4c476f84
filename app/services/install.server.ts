// After Shopify grants the app access (token exchange), record the shop with
// the details schedules need: its IANA time zone and currency.
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchShopDetails } from "~/gateways/shopify/shop.server";
import { upsertInstalledShop } from "~/models/shop.server";
import { logger } from "~/logger.server";

export async function recordInstallation(shopDomain: string, admin: AdminGraphql): Promise<void> {
  const details = await fetchShopDetails(admin);
  await upsertInstalledShop(shopDomain, {
    name: details.name,
    timeZone: details.ianaTimezone,
    currency: details.currencyCode,
  });
  logger.info({ shop: shopDomain }, "shop installed");
}
