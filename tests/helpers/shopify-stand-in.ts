// The Shopify Admin stand-in for a test file. Its own module, apart from the
// request builders of ./shopify.ts: the stand-in sets module state of
// @shopify/shopify-api/runtime (the fetch it wraps). Its redirect used to
// import the library's node adapter, which set the request converters to
// Node's IncomingMessage ones; loaded after the app's modules (which set the
// web-api ones, for Fetch Requests), it made authenticate.webhook unable to
// read a Request: valid deliveries answered 400. sandbox/shopify/redirect.ts
// now loads the app's own web-api adapter, so the order of imports no longer
// matters; files that only build requests still need not
// import it.
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

export type AdminCall = { shop: string; operation: string };

/**
 * Records every Admin GraphQL request the stand-in receives from now on (the
 * shop it is addressed to and the operation's first line), whatever its
 * answer, until `stop()`. For "nothing called Shopify" assertions.
 */
export function recordAdminCalls(standIn: ShopifyStandIn): { calls(shop?: string): AdminCall[]; stop(): void } {
  const calls: AdminCall[] = [];
  const execute = standIn.api.execute;
  const api = standIn.api as { execute: typeof execute };
  api.execute = (shop, token, body) => {
    calls.push({ shop, operation: (body.query ?? "").trim().split("\n")[0] ?? "" });
    return execute(shop, token, body);
  };
  return {
    calls: (shop) => calls.filter((call) => shop === undefined || call.shop === shop),
    stop: () => {
      api.execute = execute;
    },
  };
}
