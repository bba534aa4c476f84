// The stand-in's managed pricing: currentAppInstallation over the shop's
// subscriptions, read by Shopify's own library (billing.check, its own
// document validated against the 2026-01 schema), plan choices, and the
// signed app_subscriptions/update webhooks; the admin host's plan-selection page.
import { createHmac } from "node:crypto";
import type http from "node:http";
import { Session, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAdminHost, type AdminHost } from "../admin-host/server";
import type { PlanChoice } from "../admin-host/pricing-plans";
import { routeShopifyAdminTo } from "./redirect";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, OTHER_ACCESS_TOKEN, OTHER_SHOP_DOMAIN } from "./seed";
import { startShopifyStandIn, type ShopifyStandIn } from "./server";
import { libraryConfigFor } from "./test-helpers";
import { startReceiver } from "../http-receiver";

const APP = { apiKey: "pricing-api-key", apiSecret: "pricing-api-secret", scopes: "read_orders,write_orders,read_customers" };

const shopify = shopifyApi({ ...libraryConfigFor(APP), future: { unstable_managedPricingSupport: true } });

type Received = { headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
let answerStatus = 200;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let standIn: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  receiver = await startReceiver((request, body, response) => {
    received.push({ headers: request.headers, body });
    response.writeHead(answerStatus).end();
  });
  const url = `${receiver.origin}/webhooks/app_subscriptions/update`;
  standIn = await startShopifyStandIn({ app: APP, webhooks: { "app_subscriptions/update": url } });
  unroute = routeShopifyAdminTo(standIn.url);
});
afterAll(async () => {
  unroute();
  await standIn.close();
  await receiver.close();
});
beforeEach(() => {
  standIn.control.reset();
  received.length = 0;
  answerStatus = 200;
});

const session = (shop: string, accessToken: string) => new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken, scope: APP.scopes });
const check = (shop = OTHER_SHOP_DOMAIN, token = OTHER_ACCESS_TOKEN, isTest = true) =>
  shopify.billing.check({ session: session(shop, token), isTest, returnObject: true });

describe("currentAppInstallation, read by the library's billing.check()", () => {
  it("answers the seeded plans: the demo shop on Pro, the other shop on Free", async () => {
    const demo = await check(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN);
    expect(demo.hasActivePayment).toBe(true);
    expect(demo.appSubscriptions).toMatchObject([{ name: "Pro", status: "ACTIVE", test: false, trialDays: 14 }]);
    expect(demo.appSubscriptions[0]!.id).toMatch(/^gid:\/\/shopify\/AppSubscription\/\d+$/);
    const other = await check();
    expect(other).toMatchObject({ hasActivePayment: false, appSubscriptions: [], oneTimePurchases: [] });
  });

  it("lists only ACTIVE subscriptions; a plan change cancels the previous one; the trial is given once", async () => {
    await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, "pro");
    expect((await check()).appSubscriptions).toMatchObject([{ name: "Pro", status: "ACTIVE", trialDays: 14 }]);
    await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, "free");
    expect((await check()).hasActivePayment).toBe(false);
    await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, "pro");
    expect((await check()).appSubscriptions).toMatchObject([{ status: "ACTIVE", trialDays: 0 }]);
    expect(standIn.control.appSubscriptions(OTHER_SHOP_DOMAIN).map((s) => s.status)).toEqual(["CANCELLED", "ACTIVE"]);
  });

  it("keeps a declined approval out of activeSubscriptions, and marks test charges", async () => {
    await standIn.control.declinePlan(OTHER_SHOP_DOMAIN, "pro");
    expect((await check()).hasActivePayment).toBe(false);
    await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, "pro", { test: true });
    expect((await check()).appSubscriptions).toMatchObject([{ test: true }]);
    // The library's own filter: a test charge is not a payment when isTest is false.
    expect((await check(OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN, false)).hasActivePayment).toBe(false);
  });

  it("cancels the app's subscriptions when the app is uninstalled", async () => {
    standIn.control.uninstall(DEMO_SHOP_DOMAIN);
    expect(standIn.control.appSubscriptions(DEMO_SHOP_DOMAIN).map((s) => s.status)).toEqual(["CANCELLED"]);
    expect(standIn.control.currentPlan(DEMO_SHOP_DOMAIN)).toBe("free");
  });

  it("refuses, as Shopify does, a field AppSubscription does not have", async () => {
    const answer = await standIn.api.execute(OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN, { query: "query { currentAppInstallation { activeSubscriptions { id price } } }" });
    expect(answer.body).toMatchObject({ errors: [{ message: "Field 'price' doesn't exist on type 'AppSubscription'" }] });
  });
});

describe("app_subscriptions/update", () => {
  it("is delivered for each subscription that changed, signed with the app's secret, with Shopify's headers and no `test` field", async () => {
    const deliveries = await standIn.control.choosePlan(DEMO_SHOP_DOMAIN, "free");
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", APP.apiSecret).update(body, "utf8").digest("base64"));
    expect(headers).toMatchObject({ "x-shopify-topic": "app_subscriptions/update", "x-shopify-shop-domain": DEMO_SHOP_DOMAIN, "x-shopify-api-version": "2026-01" });
    expect(headers["x-shopify-webhook-id"]).toBeTruthy();
    const payload = JSON.parse(body) as { app_subscription: Record<string, unknown> };
    expect(payload.app_subscription).toMatchObject({ name: "Pro", status: "CANCELLED", plan_handle: "pro" });
    expect(payload.app_subscription).not.toHaveProperty("test");

    await standIn.control.choosePlan(DEMO_SHOP_DOMAIN, "pro");
    expect(received.slice(1).map((r) => (JSON.parse(r.body) as typeof payload).app_subscription.status)).toEqual(["ACTIVE"]);
  });

  it("records the app's answer and redelivers the same bytes under the same id", async () => {
    answerStatus = 500;
    const [failed] = await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, "pro");
    expect(failed!.status).toBe(500);
    answerStatus = 200;
    const again = await standIn.control.redeliver(failed!);
    expect(again.status).toBe(200);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers["x-shopify-webhook-id"]).toBe(received[0]!.headers["x-shopify-webhook-id"]);
  });
});

describe("the admin host's plan-selection page", () => {
  let host: AdminHost;
  const chosen: string[] = [];
  beforeAll(async () => {
    host = await startAdminHost({
      appUrl: "http://127.0.0.1:9",
      shop: OTHER_SHOP_DOMAIN,
      apiKey: APP.apiKey,
      apiSecret: APP.apiSecret,
      pricing: {
        appHandle: "ritournelle",
        currentPlan: () => standIn.control.currentPlan(OTHER_SHOP_DOMAIN) as PlanChoice,
        choose: async (plan) => {
          chosen.push(plan);
          await standIn.control.choosePlan(OTHER_SHOP_DOMAIN, plan);
        },
        decline: async (plan) => {
          chosen.push(`decline ${plan}`);
          await standIn.control.declinePlan(OTHER_SHOP_DOMAIN, plan);
        },
      },
    });
  });
  afterAll(() => host.close());

  const page = `/store/other-shop/charges/ritournelle/pricing_plans`;
  const post = (fields: Record<string, string>, path = page) =>
    fetch(`${host.url}${path}`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

  it("shows the plans with the current one, and approving Pro changes the subscription and returns to the app", async () => {
    const html = await (await fetch(`${host.url}${page}`)).text();
    expect(html).toContain('aria-label="Free"');
    expect(html).toMatch(/aria-label="Free"[\s\S]*Current plan[\s\S]*aria-label="Pro"[\s\S]*data-testid="choose-pro"/);
    const approved = await post({ plan: "pro" });
    expect(approved.status).toBe(303);
    expect(approved.headers.get("location")).toBe("/?path=%2Fapp");
    expect(standIn.control.currentPlan(OTHER_SHOP_DOMAIN)).toBe("pro");
    expect(received).toHaveLength(1);
    expect(await (await fetch(`${host.url}${page}`)).text()).toMatch(/aria-label="Pro"[\s\S]*Current plan/);
  });

  it("declines, refuses an unknown plan, and answers 404 for another store or app", async () => {
    expect((await post({ decline: "pro" })).status).toBe(303);
    expect(standIn.control.appSubscriptions(OTHER_SHOP_DOMAIN).map((s) => s.status)).toEqual(["DECLINED"]);
    expect((await post({ plan: "gold" })).status).toBe(400);
    expect((await fetch(`${host.url}/store/someone-else/charges/ritournelle/pricing_plans`)).status).toBe(404);
    expect((await fetch(`${host.url}/store/other-shop/charges/another-app/pricing_plans`)).status).toBe(404);
    expect(chosen).toEqual(["pro", "decline pro"]);
  });
});
