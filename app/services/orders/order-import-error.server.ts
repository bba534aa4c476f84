// Why an order cannot be read or made recurring, as the routes answer it.
// A code and values, no words: the pages and the order page's action say it
// in the merchant's language (`import.error.<code>` in app/i18n).
import type { OrderSnapshotErrorCode } from "~/domain/order-snapshot";
import { ShopifyGraphqlError } from "~/gateways/shopify/graphql.server";

export type OrderImportErrorCode =
  | "invalid_order_id"
  | "order_not_found"
  | OrderSnapshotErrorCode
  /** Shopify did not answer, or refused the query: trying again later may work. */
  | "shopify_unavailable";

/** The order cannot be read or made recurring; `code` + `values` let the UI say what to fix. */
export class OrderImportError extends Error {
  override readonly name = "OrderImportError";

  constructor(
    readonly code: OrderImportErrorCode,
    readonly values: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(code, options);
  }
}

/**
 * Runs a read of the shop's Admin API; Shopify failing (an error answer,
 * throttling after every retry) becomes OrderImportError `shopify_unavailable`,
 * so no route needs to know the gateway's errors.
 */
export async function readFromShopify<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ShopifyGraphqlError) throw new OrderImportError("shopify_unavailable", {}, { cause: error });
    throw error;
  }
}
