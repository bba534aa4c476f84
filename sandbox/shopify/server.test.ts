import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OFFLINE_TOKEN_TYPE, ONLINE_TOKEN_TYPE, sessionTokenPayload, signSessionToken, TOKEN_EXCHANGE_GRANT, ID_TOKEN_TYPE } from "./oauth";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "./seed";
import { startShopifyStandIn, type ShopifyStandIn } from "./server";
import { createManualClock } from "./state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const APP = { apiKey: "stand-in-key", apiSecret: "stand-in-secret", scopes: "read_orders,write_orders,read_customers" };
const clock = createManualClock(Date.parse("2026-03-10T09:00:00Z"));
let standIn: ShopifyStandIn;

beforeAll(async () => {
  standIn = await startShopifyStandIn({ port: 0, clock, app: APP });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => standIn.control.reset());

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Any; headers: Headers }> {
  const res = await fetch(`${standIn.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const GRAPHQL = `/${DEMO_SHOP_DOMAIN}/admin/api/2026-01/graphql.json`;
const TOKEN_URL = `/${DEMO_SHOP_DOMAIN}/admin/oauth/access_token`;

function exchangeBody(sessionToken: string, requested = OFFLINE_TOKEN_TYPE, extra: Record<string, string> = {}) {
  return {
    client_id: APP.apiKey,
    client_secret: APP.apiSecret,
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: sessionToken,
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: requested,
    ...extra,
  };
}

function sessionToken(shop = DEMO_SHOP_DOMAIN, secret = APP.apiSecret, userId = 118000001) {
  return signSessionToken(sessionTokenPayload({ shop, apiKey: APP.apiKey, userId, nowMs: clock.now() }), secret);
}

describe("HTTP Admin GraphQL endpoint", () => {
  it("serves POST /{shop}/admin/api/{version}/graphql.json with the access token header", async () => {
    const res = await post(GRAPHQL, { query: "{ shop { myshopifyDomain currencyCode } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-shopify-api-version")).toBe("2026-01");
    expect(res.body.data.shop).toEqual({ myshopifyDomain: DEMO_SHOP_DOMAIN, currencyCode: "EUR" });
    expect(res.body.extensions.cost.throttleStatus.maximumAvailable).toBe(2000);
  });

  it("routes by Host header too", async () => {
    const res = await post("/admin/api/2026-01/graphql.json", { query: "{ shop { name } }" }, {
      "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN,
      "x-forwarded-host": "ignored",
    });
    expect(res.status).toBe(404); // 127.0.0.1 is not a shop
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${standIn.url}/admin/api/2026-01/graphql.json`,
        { method: "POST", headers: { host: DEMO_SHOP_DOMAIN, "content-type": "application/json", "x-shopify-access-token": DEMO_ACCESS_TOKEN } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query: "{ shop { name } }" }));
    });
    expect(status).toBe(200);
  });

  it("answers 401 with Shopify's body for a bad token, 404 for an unknown shop or version", async () => {
    const bad = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": "shpat_nope" });
    expect(bad).toMatchObject({ status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } });
    const noShop = await post(`/unknown.myshopify.com/admin/api/2026-01/graphql.json`, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
    expect(noShop.status).toBe(404);
    const badVersion = await post(`/${DEMO_SHOP_DOMAIN}/admin/api/latest/graphql.json`, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
    expect(badVersion.status).toBe(404);
  });

  it("answers only the version of its schema: any other version is 404, not answered with the 2026-01 schema", async () => {
    for (const version of ["2026-04", "2026-10", "2025-10", "unstable"]) {
      const other = await post(`/${DEMO_SHOP_DOMAIN}/admin/api/${version}/graphql.json`, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
      expect({ version, status: other.status }).toEqual({ version, status: 404 });
    }
  });
});

describe("token exchange", () => {
  it("exchanges a session token for an offline token that then works on the Admin API", async () => {
    const res = await post(TOKEN_URL, exchangeBody(sessionToken()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/), scope: "write_orders,read_customers" });
    const again = await post(TOKEN_URL, exchangeBody(sessionToken()));
    expect(again.body.access_token).toBe(res.body.access_token);
    const gql = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": res.body.access_token });
    expect(gql.body.data.shop.name).toBe("Atelier Ritournelle");
  });

  it("issues online tokens with the associated user, and expiring offline tokens with a refresh token", async () => {
    const online = await post(TOKEN_URL, exchangeBody(sessionToken(), ONLINE_TOKEN_TYPE));
    expect(online.body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      scope: "write_orders,read_customers",
      expires_in: 86399,
      associated_user_scope: "write_orders,read_customers",
      associated_user: { id: 118000001, first_name: "Marie", last_name: "Lambert", account_owner: true, locale: "fr" },
    });
    const expiring = await post(TOKEN_URL, exchangeBody(sessionToken(), OFFLINE_TOKEN_TYPE, { expiring: "1" }));
    expect(expiring.body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: 7776000 });
    clock.advance(3_601_000);
    const expired = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": expiring.body.access_token });
    expect(expired.status).toBe(401);
    const refreshed = await post(TOKEN_URL, {
      client_id: APP.apiKey,
      client_secret: APP.apiSecret,
      grant_type: "refresh_token",
      refresh_token: expiring.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const ok = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": refreshed.body.access_token });
    expect(ok.status).toBe(200);
  });

  it("rejects a session token signed with another secret, for another shop, or expired", async () => {
    const forged = await post(TOKEN_URL, exchangeBody(sessionToken(DEMO_SHOP_DOMAIN, "not-the-secret")));
    expect(forged).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    const otherShop = await post(TOKEN_URL, exchangeBody(sessionToken(OTHER_SHOP_DOMAIN)));
    expect(otherShop).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    const stale = sessionToken();
    clock.advance(120_000);
    expect((await post(TOKEN_URL, exchangeBody(stale))).status).toBe(400);
    const badClient = await post(TOKEN_URL, { ...exchangeBody(sessionToken()), client_secret: "wrong" });
    expect(badClient).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});

describe("control endpoints", () => {
  it("sets the bucket, advances the clock and lists created orders", async () => {
    const throttle = await post("/__control/throttle", { shop: DEMO_SHOP_DOMAIN, currentlyAvailable: 0 });
    expect(throttle.body).toEqual({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 });
    const throttled = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
    expect(throttled.body.errors[0].extensions.code).toBe("THROTTLED");
    await post("/__control/clock/advance", { ms: 1000 });
    const ok = await post(GRAPHQL, { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN });
    expect(ok.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(99);
    const orders = await fetch(`${standIn.url}/__control/orders?shop=${DEMO_SHOP_DOMAIN}`).then((r) => r.json() as Promise<Any>);
    expect(orders).toEqual({ orders: [] });
  });
});
