import { runAdminQuery, type AdminGraphql } from "./graphql.server";

export const SHOP_DETAILS_QUERY = `#graphql
  query ShopDetails {
    shop {
      name
      myshopifyDomain
      ianaTimezone
      currencyCode
    }
  }
`;

export type ShopDetails = { name: string; myshopifyDomain: string; ianaTimezone: string; currencyCode: string };

export async function fetchShopDetails(admin: AdminGraphql): Promise<ShopDetails> {
  const data = await runAdminQuery<{ shop: ShopDetails }>(admin, "ShopDetails", SHOP_DETAILS_QUERY);
  return data.shop;
}
