// The Shopify Admin stand-in for a test file. Its own module, apart from the
// request builders of ./shopify.ts, on purpose: the stand-in imports
// @shopify/shopify-api/runtime (module state the app's node adapter sets up),
// and loading it ahead of the app's modules made the app's webhook
// authentication answer 400 to valid deliveries in the webhook tests. Files
// that only build requests must not import it.
import { afterAll, beforeAll } from "vitest";
import { routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";

/**
 * Starts the stand-in for this file and routes the app's Admin API calls to
 * it; call at the top of the file, before hooks that use it.
 */
export function withShopifyStandIn(): () => ShopifyStandIn {
  let standIn: ShopifyStandIn | undefined;
  let unroute = () => {};
  beforeAll(async () => {
    standIn = await startShopifyStandIn();
    unroute = routeShopifyAdminTo(standIn.url);
  });
  afterAll(async () => {
    unroute();
    await standIn?.close();
  });
  return () => standIn!;
}
