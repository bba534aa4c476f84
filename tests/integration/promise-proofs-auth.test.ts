// Proofs of the promise for authentication (tests/PROMISE.md), through the
// real routes with real Requests:
//   - a session token whose `dest` or `iss` is not the shop it claims is
//     refused (401) by the embedded admin and by the extension API, before
//     anything is exchanged or recorded;
//   - the Stripe Connect callback without its `state` connects nothing, and a
//     real authorization code replayed under a fresh state connects nothing.
import { describe, expect, it } from "vitest";
// First: the Shopify stand-in must load before the app's modules (see the helper).
import { withShopifyStandIn } from "../helpers/shopify-stand-in";
import prisma from "~/db.server";
import { loader as appLoader } from "~/routes/app";
import { loader as orderActionLoader } from "~/routes/api.extension.orders.$orderId";
import { loader as callbackLoader } from "~/routes/stripe.oauth.callback";
import { startStripeConnect } from "~/services/stripe-connect/start.server";
import { STRIPE_OAUTH_COOKIE } from "~/http/stripe-oauth-cookie.server";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "../../sandbox/shopify";
import { asResponse, callRoute } from "../helpers/remix";
import { createShop } from "../helpers/recurring";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { approveConsent, MERCHANT, openConnectStart, withStripeStandIn } from "../helpers/stripe";
import { tableRowCounts } from "../helpers/tables";

const shopifyStandIn = withShopifyStandIn();
const stripeStandIn = withStripeStandIn();

const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

/** Tokens signed with the app's secret for DEMO_SHOP_DOMAIN, whose claims name another shop or no shop at all. */
const MISMATCHED_TOKENS: [string, () => string][] = [
  ["dest names another shop", () => mintSessionToken(DEMO_SHOP_DOMAIN, { dest: `https://${OTHER_SHOP_DOMAIN}` })],
  ["iss names another shop's admin", () => mintSessionToken(DEMO_SHOP_DOMAIN, { iss: `https://${OTHER_SHOP_DOMAIN}/admin` })],
  ["dest and iss agree on a host that is not a shop", () => mintSessionToken(DEMO_SHOP_DOMAIN, { dest: "https://evil.example", iss: "https://evil.example/admin" })],
];

/** The embedded admin's layout loader, fetched by App Bridge with the bearer token. */
function adminCall(token: string) {
  return callRoute(appLoader, adminFetchRequest("/app", token));
}

/** The order page action's preview, as the admin extension fetches it (cross-origin, bearer token). */
function extensionCall(token: string) {
  const order = shopifyStandIn().control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === "#1001")!;
  const orderId = order.id.split("/").pop()!;
  const request = adminFetchRequest(`/api/extension/orders/${orderId}`, token, { headers: { Origin: EXTENSION_ORIGIN } });
  return callRoute(orderActionLoader, request, { orderId });
}

const statusOf = (answer: unknown) => (answer instanceof Response ? answer.status : 200);

describe("session tokens: the shop is the one the token was issued for", () => {
  it.each(MISMATCHED_TOKENS)("refuses a token whose %s with 401, on the embedded admin and on the extension API, recording nothing", async (_case, token) => {
    const before = await tableRowCounts();

    expect(statusOf(await adminCall(token()))).toBe(401);
    const refused = asResponse(await extensionCall(token()));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("*"); // readable by the extension
    expect(await refused.json()).toMatchObject({ error: "unauthorized" });

    // No token exchange happened, no session or shop was recorded, for either shop.
    expect(await tableRowCounts()).toEqual(before);
  });

  it("serves both to a token whose iss and dest name the shop (the refusals above are about the claims)", async () => {
    expect(await adminCall(mintSessionToken(DEMO_SHOP_DOMAIN))).toMatchObject({ shop: DEMO_SHOP_DOMAIN });
    expect(statusOf(await extensionCall(mintSessionToken(DEMO_SHOP_DOMAIN)))).toBe(200);
  });
});

describe("Stripe Connect callback", () => {
  const SHOP = "atelier-dupont.myshopify.com";
  const OTHER_SHOP = "boulangerie-martin.myshopify.com";

  /** The cookie of the browser that opened the start page (one browser here: the merchant's). */
  let browserSecret = "";

  async function callback(url: URL): Promise<Response> {
    return asResponse(await callRoute(callbackLoader, new Request(url, { headers: { cookie: `${STRIPE_OAUTH_COOKIE}=${browserSecret}` } })));
  }

  async function billingOf(domain: string) {
    return (await prisma.shop.findUniqueOrThrow({ where: { domain } })).billingAccountId;
  }

  /** "Connect with Stripe" for `domain`, approved on Stripe's page: the redirect back, with a real code. */
  async function approvedRedirect(domain: string): Promise<URL> {
    const opened = await openConnectStart((await startStripeConnect(domain)).url);
    browserSecret = opened.browserSecret;
    return approveConsent(stripeStandIn(), opened.consent, MERCHANT);
  }

  it("refuses Stripe's redirect without its state: nothing is connected, and the code was not spent", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    const redirect = await approvedRedirect(SHOP);
    const stateless = new URL(redirect);
    stateless.searchParams.delete("state");
    stripeStandIn().control.clearRequests();

    const refused = await callback(stateless);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("This link does not come from a connection started in Ritournelle.");
    expect(await billingOf(SHOP)).toBeNull();
    expect(stripeStandIn().control.requests({ method: "POST", path: "/oauth/token" })).toEqual([]);

    // The genuine redirect, with its state, still connects the shop that asked.
    expect((await callback(redirect)).status).toBe(302);
    expect(await billingOf(SHOP)).toBe(MERCHANT);
  });

  it("refuses a real authorization code replayed under a fresh state: Stripe refuses the used code, nothing is connected", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    await createShop({ domain: OTHER_SHOP, billingAccountId: null });
    const redirect = await approvedRedirect(SHOP);
    expect((await callback(redirect)).status).toBe(302);
    expect(await billingOf(SHOP)).toBe(MERCHANT);

    // Someone who saw that redirect starts a connection of their own and presents the spent code with their fresh state.
    const opened = await openConnectStart((await startStripeConnect(OTHER_SHOP)).url);
    browserSecret = opened.browserSecret;
    const fresh = opened.consent.searchParams.get("state")!;
    const replay = new URL(redirect);
    replay.searchParams.set("state", fresh);
    const refused = await callback(replay);

    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Stripe refused to complete the connection");
    expect(await billingOf(OTHER_SHOP)).toBeNull();
    expect(await billingOf(SHOP)).toBe(MERCHANT);
    // It is Stripe (the stand-in, as Stripe does) that refuses the spent code: the first exchange succeeded, the replay did not.
    expect(stripeStandIn().control.requests({ method: "POST", path: "/oauth/token" }).map((request) => request.status)).toEqual([200, 400]);
  });
});
