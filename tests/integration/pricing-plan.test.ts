// App pricing through Shopify (managed pricing): the Free plan's limit of 3
// active recurring invoices, enforced by the templates services, with the
// plan read from Shopify through billing.check() and the real library, the
// Shopify stand-in's subscriptions, and its signed app_subscriptions/update
// webhooks delivered over HTTP to the app's webhook route.
import { Temporal } from "temporal-polyfill";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetConfigForTests } from "~/config.server";
import { PLAN_SELECTION_URL } from "~/domain/plan";
import type { OrderActionError } from "~/domain/order-action-contract";
import type { TemplateFormValues } from "~/domain/template-form";
import { action as extensionAction } from "~/routes/api.extension.orders.$orderId";
import { action as newAction, loader as newLoader } from "~/routes/app.templates.new";
import { action as listAction } from "~/routes/app.templates._index";
import { action as pageAction } from "~/routes/app.templates.$id";
import { loader as settingsLoader } from "~/routes/app.settings";
import { action as uninstalledAction } from "~/routes/webhooks.app.uninstalled";
import { action as subscriptionsAction } from "~/routes/webhooks.app_subscriptions.update";
import type { PlanSummary } from "~/services/billing-plan/plan-summary.server";
import { OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { startReceiver } from "../../sandbox/http-receiver";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, webhookRequest } from "../helpers/shopify";
import { recordAdminCalls } from "../helpers/shopify-stand-in";
import { createShop, templateInput } from "../helpers/recurring";
import { createTemplate } from "~/services/templates/create.server";
import { PlanLimitError } from "~/domain/plan";

const SHOP = OTHER_SHOP_DOMAIN; // seeded on the Free plan

let standIn: ShopifyStandIn;
let unroute: () => void;
let webhookServer: Awaited<ReturnType<typeof startReceiver>>;

// The app's webhook endpoint, as the HTTP server serves it: the stand-in's
// deliveries (signed with the app's secret) reach the real route module.
async function startWebhookEndpoint(): Promise<string> {
  webhookServer = await startReceiver(async (incoming, rawBody, outgoing) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(new URL(incoming.url ?? "/", process.env.SHOPIFY_APP_URL), { method: "POST", headers, body: rawBody });
    outgoing.writeHead(routeAnswer(await callRoute(subscriptionsAction, request)).status).end();
  });
  return `${webhookServer.origin}/webhooks/app_subscriptions/update`;
}

beforeAll(async () => {
  const webhookUrl = await startWebhookEndpoint();
  standIn = await startShopifyStandIn({ webhooks: { "app_subscriptions/update": webhookUrl } });
  unroute = routeShopifyAdminTo(standIn.url);
});

afterAll(async () => {
  unroute();
  await standIn.close();
  await webhookServer.close();
});

beforeEach(async () => {
  // Back to a Free shop without recurring invoices (the plan read again at the next request).
  await standIn.control.choosePlan(SHOP, "free");
  await prisma.recurringTemplate.deleteMany({ where: { shop: { domain: SHOP } } });
  await prisma.shop.updateMany({ where: { domain: SHOP }, data: { plan: "free", planSubscriptionId: null, planCheckedAt: null } });
});

afterEach(() => {
  delete process.env.BILLING_TEST_CHARGES;
  resetConfigForTests();
});

// ---------------------------------------------------------------------------

const get = (path: string) => adminFetchRequest(path, mintSessionToken(SHOP));
const postJson = (path: string, body: unknown) =>
  adminFetchRequest(path, mintSessionToken(SHOP), { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const postForm = (path: string, fields: Record<string, string>) => adminFetchRequest(path, mintSessionToken(SHOP), { method: "POST", body: new URLSearchParams(fields) });

const answer = routeAnswer;

const orderGid = () => standIn.control.orders(SHOP).find((order) => order.name === "#1001")!.id;
const inParis = (days: number) => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();

/** The form's values for the order, as the page prepares them, with the merchant's own memo. */
async function formValues(memo: string): Promise<TemplateFormValues> {
  const loaded = answer<{ setup: { initialValues: TemplateFormValues } }>(await callRoute(newLoader, get(`/app/templates/new?orderId=${encodeURIComponent(orderGid())}`)));
  return { ...loaded.body.setup.initialValues, anchor: inParis(2), memo };
}

/** Posts the "Make recurring" form: the redirect's template id, or the refusal. */
async function submit(values: TemplateFormValues) {
  const created = answer<{ planLimit?: { limit: number; active: number; planSelectionUrl: string } }>(
    await callRoute(newAction, postJson("/app/templates/new", { orderId: orderGid(), values })),
  );
  return { ...created, templateId: /\/app\/templates\/([^?/]+)/.exec(created.location ?? "")?.[1] ?? null };
}

async function makeActive(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const created = await submit(await formValues(`Invoice ${index + 1}`));
    expect(created.status).toBe(302);
    ids.push(created.templateId!);
  }
  return ids;
}

const activeCount = () => prisma.recurringTemplate.count({ where: { shop: { domain: SHOP }, status: "active" } });
const shopRow = () => prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
const planShown = async () => answer<{ plan: PlanSummary }>(await callRoute(settingsLoader, get("/app/settings"))).body.plan;

// ---------------------------------------------------------------------------

describe("the Free plan's limit", () => {
  it("makes 3, refuses the 4th with the upgrade link and writes nothing; after upgrading on Shopify's page the same values make the 4th", async () => {
    await makeActive(3);
    expect(await planShown()).toMatchObject({ plan: "free", active: 3, limit: 3, atLimit: true, overLimit: false });

    const typed = await formValues("The fourth, typed once");
    const refused = await submit(typed);
    expect(refused.status).toBe(402);
    expect(refused.body.planLimit).toEqual({ limit: 3, active: 3, planSelectionUrl: PLAN_SELECTION_URL });
    expect(PLAN_SELECTION_URL).toBe("shopify://admin/charges/ritournelle/pricing_plans");
    expect(await prisma.recurringTemplate.count({ where: { shop: { domain: SHOP } } })).toBe(3);
    expect(await prisma.runEvent.count({ where: { shop: { domain: SHOP }, type: "template.created" } })).toBe(3);

    // The merchant approves Pro on Shopify's plan-selection page: Shopify's signed webhook reaches the app.
    const [delivery] = await standIn.control.choosePlan(SHOP, "pro");
    expect(delivery).toMatchObject({ topic: "app_subscriptions/update", status: 200 });

    const created = await submit(typed);
    expect(created.status).toBe(302);
    const fourth = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: created.templateId! } });
    expect(fourth).toMatchObject({ status: "active", memo: "The fourth, typed once" });
    expect(await planShown()).toMatchObject({ plan: "pro", active: 4, limit: null, atLimit: false });
  });

  it("gives the last place to one of two creates made at the same moment", async () => {
    await makeActive(2);
    const [first, second] = await Promise.all([submit(await formValues("A")), submit(await formValues("B"))]);
    expect([first.status, second.status].sort()).toEqual([302, 402]);
    expect(await activeCount()).toBe(3);
  });

  it("lets 3 of 8 creates made at once through on a Free shop, and refuses the other 5 (the shop's row lock)", async () => {
    const shop = await createShop({ plan: "free" });
    const anchor = inParis(3);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => createTemplate(shop, templateInput({ schedule: { every: 1, unit: "month", anchor } }))),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(refused).toHaveLength(5);
    for (const result of refused) expect(result.reason).toBeInstanceOf(PlanLimitError);
    expect(await prisma.recurringTemplate.count({ where: { shopId: shop.id, status: "active" } })).toBe(3);
  });

  it("refuses the order page's quick create past the limit with the link, in the merchant's language", async () => {
    await makeActive(3);
    const response = await callRoute(
      extensionAction,
      adminFetchRequest(`/api/extension/orders/${orderGid().split("/").pop()}?locale=fr`, mintSessionToken(SHOP), {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com" },
        body: JSON.stringify({ idempotencyKey: "b1c1e3a0-5d6f-4a4b-9c1d-2e3f4a5b6c7d", frequency: "monthly", anchor: inParis(3) }),
      }),
      { orderId: orderGid().split("/").pop()! },
    );
    const body = (await (response as Response).json()) as OrderActionError;
    expect((response as Response).status).toBe(402);
    expect(body.error).toBe("plan_limit_reached");
    expect(body.upgradeUrl).toBe(PLAN_SELECTION_URL);
    expect(body.message).toContain("Passez à Pro");
    expect(await activeCount()).toBe(3);
  });
});

describe("downgrade, decline, reinstall", () => {
  it("a downgrade keeps every active recurring invoice running and blocks new ones and resumes until fewer than 3 are active", async () => {
    await standIn.control.choosePlan(SHOP, "pro");
    const ids = await makeActive(5);
    await standIn.control.choosePlan(SHOP, "free"); // Pro cancelled: its webhook ends Pro at once
    expect(await shopRow()).toMatchObject({ plan: "free", planSubscriptionId: null });

    expect(await activeCount()).toBe(5);
    expect(await planShown()).toMatchObject({ plan: "free", active: 5, limit: 3, overLimit: true });
    expect((await submit(await formValues("Sixth"))).status).toBe(402);

    // Pause two: 3 still active, so neither can be resumed.
    for (const id of ids.slice(0, 2)) expect(answer(await callRoute(pageAction, postForm(`/app/templates/${id}`, { intent: "pause" }), { id })).status).toBe(200);
    const resume = answer<{ code: string; message: string }>(await callRoute(pageAction, postForm(`/app/templates/${ids[0]}`, { intent: "resume" }), { id: ids[0]! }));
    expect(resume.status).toBe(409);
    expect(resume.body.code).toBe("plan_limit_reached");
    expect(resume.body.message).toContain("Free plan runs up to 3");
    const bulk = answer<{ changed: number; planLimited: number }>(await callRoute(listAction, postJson("/app/templates", { intent: "resume", ids: ids.slice(0, 2) })));
    expect(bulk.body).toMatchObject({ changed: 0, planLimited: 2 });
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({ status: "paused" });

    // One more paused: 2 active, room for one.
    await callRoute(pageAction, postForm(`/app/templates/${ids[2]}`, { intent: "pause" }), { id: ids[2]! });
    expect(answer(await callRoute(pageAction, postForm(`/app/templates/${ids[0]}`, { intent: "resume" }), { id: ids[0]! })).status).toBe(200);
    expect(await activeCount()).toBe(3);
  });

  it("a declined approval leaves the shop on Free", async () => {
    await makeActive(3);
    const [declined] = await standIn.control.declinePlan(SHOP, "pro");
    expect(declined!.status).toBe(200);
    expect(JSON.parse(declined!.body).app_subscription.status).toBe("DECLINED");
    expect((await submit(await formValues("Fourth"))).status).toBe(402);
    expect(await planShown()).toMatchObject({ plan: "free", active: 3 });
  });

  it("reads the plan again after a reinstall instead of trusting the one cached before", async () => {
    await standIn.control.choosePlan(SHOP, "pro");
    expect(await planShown()).toMatchObject({ plan: "pro" });
    // Uninstall (Shopify cancels the subscription; its webhook is lost with the app), then install again.
    standIn.control.uninstall(SHOP);
    await prisma.shop.updateMany({ where: { domain: SHOP }, data: { plan: "pro" } });
    expect((await callRoute(uninstalledAction, webhookRequest("app/uninstalled", SHOP, { id: 1, domain: SHOP }))) as Response).toMatchObject({ status: 200 });
    expect(await planShown()).toMatchObject({ plan: "free" });
  });
});

describe("reading the plan from Shopify", () => {
  it("asks Shopify once while the plan is fresh, and again after a subscription webhook", async () => {
    const calls = recordAdminCalls(standIn);
    try {
      await makeActive(2);
      const checks = () => calls.calls(SHOP).filter((call) => call.operation.includes("AppSubscriptionFragment")).length;
      expect(checks()).toBe(1);
      await standIn.control.choosePlan(SHOP, "pro");
      await makeActive(1);
      expect(checks()).toBe(2);
    } finally {
      calls.stop();
    }
  });

  it("does not count a test charge as Pro in production, and counts it when BILLING_TEST_CHARGES=count", async () => {
    await makeActive(3);
    await standIn.control.choosePlan(SHOP, "pro", { test: true });
    process.env.BILLING_TEST_CHARGES = "ignore"; // what production does by default (NODE_ENV=production)
    resetConfigForTests();
    expect((await submit(await formValues("Fourth"))).status).toBe(402);
    expect(await shopRow()).toMatchObject({ plan: "free", planSubscriptionId: null });

    process.env.BILLING_TEST_CHARGES = "count"; // development stores, the demo, tests
    resetConfigForTests();
    await prisma.shop.updateMany({ where: { domain: SHOP }, data: { planCheckedAt: null } });
    expect((await submit(await formValues("Fourth"))).status).toBe(302);
    expect((await shopRow()).plan).toBe("pro");
  });
});
