// The Shopify Admin stand-in for a test file. Its own module, apart from the
// request builders of ./shopify.ts, on purpose: the stand-in's redirect
// imports @shopify/shopify-api/adapters/node, which sets the library's
// request converters (module state) to Node's IncomingMessage ones. The app
// (@shopify/shopify-app-remix) sets the web-api ones, for Fetch Requests;
// whichever loads last wins. Loaded after the app's modules, the stand-in
// makes authenticate.webhook unable to read a Request's headers: valid
// deliveries answer 400. So a file that uses the stand-in imports this module
// first, before any app module; files that only build requests must not
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
