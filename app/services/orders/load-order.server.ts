// The order is always read again from Shopify on the server, through the
// shop's own Admin API session: an order id from the browser only ever finds
// an order of the authenticated shop, and the currency, taxes, customer
// identity and shipping come from Shopify, not from the form.
import { OrderSnapshotError, snapshotFromOrder, type OrderSnapshot } from "~/domain/order-snapshot";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchOrderForTemplate } from "~/gateways/shopify/orders.server";
import { OrderImportError, readFromShopify } from "./order-import-error.server";

/** "gid://shopify/Order/123" or "123" (the admin's numeric id) → the GID; null for anything else. */
export function orderGid(input: string): string | null {
  const trimmed = input.trim();
  if (/^gid:\/\/shopify\/Order\/\d+$/.test(trimmed)) return trimmed;
  if (/^\d+$/.test(trimmed)) return `gid://shopify/Order/${trimmed}`;
  return null;
}

/**
 * Reads one of the shop's orders and maps it to a template's content (see
 * app/domain/order-snapshot.ts).
 *
 * Inputs: the shop's Admin API session, the order's GID or numeric id (untrusted).
 * Effects: none (reads Shopify).
 * Errors: OrderImportError when the id is malformed (`invalid_order_id`),
 * the shop has no such order (`order_not_found`), the order cannot be
 * invoiced as it is (the snapshot's codes), or Shopify fails (`shopify_unavailable`).
 */
export async function loadOrderSnapshot(admin: AdminGraphql, orderId: string): Promise<OrderSnapshot> {
  const gid = orderGid(orderId);
  if (!gid) throw new OrderImportError("invalid_order_id");
  const order = await readFromShopify(() => fetchOrderForTemplate(admin, gid));
  if (!order) throw new OrderImportError("order_not_found");
  try {
    return snapshotFromOrder(order);
  } catch (error) {
    if (error instanceof OrderSnapshotError) throw new OrderImportError(error.code, error.values, { cause: error });
    throw error;
  }
}
