import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchOrdersPage, type OrderSummary, type PageInfo } from "~/gateways/shopify/orders.server";
import { readFromShopify } from "./order-import-error.server";

export const ORDERS_PAGE_SIZE = 25;

/**
 * One page of the shop's orders, newest first (the orders page).
 *
 * Inputs: the shop's Admin API session; an optional search in Shopify's
 * syntax ("name:#1008") and a cursor (`after` or `before`).
 * Effects: none (reads Shopify).
 * Errors: OrderImportError `shopify_unavailable`.
 */
export async function listOrders(
  admin: AdminGraphql,
  request: { query?: string; after?: string; before?: string },
): Promise<{ orders: OrderSummary[]; pageInfo: PageInfo }> {
  return readFromShopify(() => fetchOrdersPage(admin, { ...request, pageSize: ORDERS_PAGE_SIZE }));
}
