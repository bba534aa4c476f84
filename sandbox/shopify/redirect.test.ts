// End to end: the real @shopify/shopify-api client, unaware of the stand-in,
// reaches it through routeShopifyAdminTo().
import { GraphqlQueryError, LogSeverity, RequestedTokenType, Session, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionTokenPayload, signSessionToken } from "./oauth";
import { rewriteShopifyUrl, routeShopifyAdminTo } from "./redirect";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "./seed";
import { startShopifyStandIn, type ShopifyStandIn } from "./server";
import { libraryConfigFor } from "./test-helpers";

const APP = { apiKey: "e2e-api-key", apiSecret: "e2e-api-secret", scopes: "read_orders,write_orders,read_customers" };

let standIn: ShopifyStandIn;
let unroute: () => void;

const shopify = shopifyApi({ ...libraryConfigFor(APP) });

beforeAll(async () => {
  standIn = await startShopifyStandIn({ app: APP });
  unroute = routeShopifyAdminTo(standIn.url);
});
afterAll(async () => {
  unroute();
  await standIn.close();
});

function offlineSession(accessToken: string): Session {
  return new Session({ id: `offline_${DEMO_SHOP_DOMAIN}`, shop: DEMO_SHOP_DOMAIN, state: "", isOnline: false, accessToken, scope: APP.scopes });
}

describe("routeShopifyAdminTo", () => {
  it("rewrites only https *.myshopify.com URLs", () => {
    expect(rewriteShopifyUrl(`https://${DEMO_SHOP_DOMAIN}/admin/api/2026-01/graphql.json`, "http://127.0.0.1:9")).toBe(
      `http://127.0.0.1:9/${DEMO_SHOP_DOMAIN}/admin/api/2026-01/graphql.json`,
    );
    expect(rewriteShopifyUrl("https://api.stripe.com/v1/invoices", "http://127.0.0.1:9")).toBeNull();
  });

  it("lets shopify.clients.Graphql query the stand-in with a Session", async () => {
    const client = new shopify.clients.Graphql({ session: offlineSession(DEMO_ACCESS_TOKEN) });
    const response = await client.request<{ shop: { name: string; currencyCode: string }; orders: { nodes: { name: string }[] } }>(
      `query Home { shop { name currencyCode } orders(first: 2, sortKey: CREATED_AT) { nodes { name } } }`,
    );
    expect(response.data?.shop).toEqual({ name: "Atelier Ritournelle", currencyCode: "EUR" });
    expect(response.data?.orders.nodes.map((n) => n.name)).toEqual(["#1001", "#1002"]);
    expect(response.extensions?.cost).toMatchObject({ requestedQueryCost: 5, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("surfaces Shopify-shaped errors through the library's GraphqlQueryError", async () => {
    const client = new shopify.clients.Graphql({ session: offlineSession(DEMO_ACCESS_TOKEN) });
    const error = await client.request(`{ shop { nickname } }`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect((error as GraphqlQueryError).body?.errors).toMatchObject({
      graphQLErrors: [{ message: "Field 'nickname' doesn't exist on type 'Shop'", extensions: { code: "undefinedField" } }],
    });
  });

  it("runs the library's token exchange against the stand-in, then uses the token", async () => {
    const sessionToken = signSessionToken(
      sessionTokenPayload({ shop: DEMO_SHOP_DOMAIN, apiKey: APP.apiKey, userId: 118000001, nowMs: Date.now() }),
      APP.apiSecret,
    );
    const { session } = await shopify.auth.tokenExchange({
      shop: DEMO_SHOP_DOMAIN,
      sessionToken,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.id).toBe(`offline_${DEMO_SHOP_DOMAIN}`);
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(shopify.config.scopes?.equals(session.scope)).toBe(true);
    const client = new shopify.clients.Graphql({ session });
    const response = await client.request<{ shop: { myshopifyDomain: string } }>(`{ shop { myshopifyDomain } }`);
    expect(response.data?.shop.myshopifyDomain).toBe(DEMO_SHOP_DOMAIN);

    const online = await shopify.auth.tokenExchange({
      shop: DEMO_SHOP_DOMAIN,
      sessionToken,
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(online.session.isOnline).toBe(true);
    expect(online.session.onlineAccessInfo?.associated_user.email).toBe("marie.lambert@atelier-ritournelle.example");
  });
});

describe("routeShopifyAdminTo with @shopify/shopify-app-remix (the app's stack)", () => {
  it("serves authenticate.admin (token exchange) and unauthenticated.admin through the stand-in", async () => {
    const { shopifyApp, ApiVersion: RemixApiVersion, AppDistribution } = await import("@shopify/shopify-app-remix/server");
    const sessions = new Map<string, Session>();
    const sessionStorage = {
      storeSession: async (s: Session) => {
        sessions.set(s.id, s);
        return true;
      },
      loadSession: async (id: string) => sessions.get(id),
      deleteSession: async (id: string) => sessions.delete(id),
      deleteSessions: async (ids: string[]) => {
        ids.forEach((id) => sessions.delete(id));
        return true;
      },
      findSessionsByShop: async (shop: string) => [...sessions.values()].filter((s) => s.shop === shop),
    };
    const app = shopifyApp({
      apiKey: APP.apiKey,
      apiSecretKey: APP.apiSecret,
      apiVersion: RemixApiVersion.January26,
      scopes: APP.scopes.split(","),
      appUrl: "https://ritournelle.test",
      authPathPrefix: "/auth",
      sessionStorage,
      distribution: AppDistribution.AppStore,
      future: { unstable_newEmbeddedAuthStrategy: true },
      logger: { level: LogSeverity.Error },
    });
    const sessionToken = signSessionToken(
      sessionTokenPayload({ shop: DEMO_SHOP_DOMAIN, apiKey: APP.apiKey, userId: 118000001, nowMs: Date.now() }),
      APP.apiSecret,
    );
    const request = new Request(`https://ritournelle.test/app/orders?shop=${DEMO_SHOP_DOMAIN}`, {
      headers: { Authorization: `Bearer ${sessionToken}` },
    });
    const { admin, session } = await app.authenticate.admin(request);
    expect(session.accessToken).toMatch(/^shpat_/);
    const res = await admin.graphql(`query { shop { ianaTimezone } }`);
    expect(((await res.json()) as { data: { shop: { ianaTimezone: string } } }).data.shop.ianaTimezone).toBe("Europe/Paris");

    const { admin: background } = await app.unauthenticated.admin(DEMO_SHOP_DOMAIN);
    const orders = await background.graphql(`query($q: String) { orders(first: 5, query: $q) { nodes { name } } }`, {
      variables: { q: "name:#1008" },
    });
    expect(((await orders.json()) as { data: { orders: { nodes: { name: string }[] } } }).data.orders.nodes).toEqual([{ name: "#1008" }]);
  });
});
