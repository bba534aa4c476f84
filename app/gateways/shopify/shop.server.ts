import type { ShopDetailsQuery } from "./generated/admin.generated";
import { runAdminDocument, type AdminGraphql } from "./graphql.server";

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

export type ShopDetails = ShopDetailsQuery["shop"];

export async function fetchShopDetails(admin: AdminGraphql): Promise<ShopDetails> {
  const data = await runAdminDocument(admin, SHOP_DETAILS_QUERY);
  return data.shop;
}
