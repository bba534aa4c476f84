// Each Shopify webhook: a bad HMAC is refused with nothing written; a valid
// delivery has its effect; the same delivery twice has its effect once.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as subscriptionsUpdate } from "~/routes/webhooks.app_subscriptions.update";
import { action as draftOrdersUpdate } from "~/routes/webhooks.draft_orders.update";
import { action as draftOrdersDelete } from "~/routes/webhooks.draft_orders.delete";
import { action as ordersPaid } from "~/routes/webhooks.orders.paid";
import { action as ordersCancelled } from "~/routes/webhooks.orders.cancelled";
import { asResponse, callRoute } from "../helpers/remix";
import { storeOfflineSession, webhookRequest } from "../helpers/shopify";

const SHOP = "webhook-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

type Action = typeof uninstalled;

async function deliver(action: Action, request: Request): Promise<Response> {
  return asResponse(await callRoute(action, request));
}

/** Every row in every table, for "nothing changed" assertions. */
async function snapshot() {
  return {
    sessions: await prisma.session.findMany({ orderBy: { id: "asc" } }),
    shops: await prisma.shop.findMany({ orderBy: { id: "asc" } }),
    deliveries: await prisma.webhookDelivery.findMany({ orderBy: { id: "asc" } }),
    dataRequests: await prisma.customerDataRequest.findMany({ orderBy: { id: "asc" } }),
    runs: await prisma.invoiceRun.findMany({ orderBy: { id: "asc" } }),
    runEvents: await prisma.runEvent.findMany({ orderBy: { id: "asc" } }),
  };
}

const customer = { id: 7001, email: "claire.martin@example.fr", phone: null };

/** app_subscriptions/update as Shopify sends it (no `test` field). */
const subscriptionPayload = (id: string, status: string) => ({
  app_subscription: {
    admin_graphql_api_id: id,
    name: "Pro",
    status,
    admin_graphql_api_shop_id: "gid://shopify/Shop/1",
    created_at: "2026-03-01T10:00:00-05:00",
    updated_at: "2026-03-02T10:00:00-05:00",
    currency: "USD",
    price: "19.0",
    interval: "every_30_days",
    plan_handle: "pro",
  },
});

/** The Shopify invoice rail's order, as orders/paid and orders/cancelled carry it (REST-shaped, the run's tag among its tags). */
const railOrder = { id: 5123456789, admin_graphql_api_id: "gid://shopify/Order/5123456789", name: "#1001", tags: "ritournelle-run-cm0norun00000", financial_status: "paid", cancelled_at: null };

const cases: { topic: string; action: Action; payload: unknown }[] = [
  { topic: "app/uninstalled", action: uninstalled, payload: { id: 1, domain: SHOP } },
  { topic: "app/scopes_update", action: scopesUpdate, payload: { id: 1, previous: ["read_orders"], current: ["read_orders", "write_orders"] } },
  { topic: "customers/data_request", action: dataRequest, payload: { shop_id: 1, shop_domain: SHOP, orders_requested: [], customer, data_request: { id: 9 } } },
  { topic: "customers/redact", action: customersRedact, payload: { shop_id: 1, shop_domain: SHOP, customer, orders_to_redact: [] } },
  { topic: "shop/redact", action: shopRedact, payload: { shop_id: 1, shop_domain: SHOP } },
  { topic: "app_subscriptions/update", action: subscriptionsUpdate, payload: subscriptionPayload("gid://shopify/AppSubscription/1", "CANCELLED") },
  // The Shopify invoice rail's (app/services/shopify/invoice-status.server.ts), for a shop without runs: answered, and only the receipt written.
  { topic: "draft_orders/update", action: draftOrdersUpdate, payload: { id: 1001, admin_graphql_api_id: "gid://shopify/DraftOrder/1001", name: "#D1", status: "invoice_sent" } },
  { topic: "draft_orders/delete", action: draftOrdersDelete, payload: { id: 1001 } },
  { topic: "orders/paid", action: ordersPaid, payload: railOrder },
  { topic: "orders/cancelled", action: ordersCancelled, payload: { ...railOrder, financial_status: "refunded", cancelled_at: "2026-03-02T10:00:00-05:00" } },
];

beforeEach(async () => {
  await prisma.customerDataRequest.deleteMany();
  await prisma.webhookDelivery.deleteMany();
  await prisma.session.deleteMany();
  await prisma.shop.deleteMany();
  for (const domain of [SHOP, OTHER]) {
    const shop = await prisma.shop.create({ data: { domain, timeZone: "Europe/Paris", currency: "EUR" } });
    await storeOfflineSession(domain);
    await prisma.customerDataRequest.create({
      data: { shopId: shop.id, shopifyCustomerId: String(customer.id), customerEmail: customer.email, report: "{}" },
    });
  }
});

describe.each(cases)("$topic", ({ topic, action, payload }) => {
  it("refuses a bad HMAC with 401 and writes nothing", async () => {
    const before = await snapshot();
    const response = await deliver(action, webhookRequest(topic, SHOP, payload, { hmac: "bm90LXRoZS1yaWdodC1obWFj" }));
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a payload signed with another secret", async () => {
    const before = await snapshot();
    const response = await deliver(action, webhookRequest(topic, SHOP, payload, { secret: "someone-else" }));
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("records one delivery when the same webhook id arrives twice", async () => {
    const first = await deliver(action, webhookRequest(topic, SHOP, payload, { webhookId: "wh-1" }));
    const afterFirst = await snapshot();
    const second = await deliver(action, webhookRequest(topic, SHOP, payload, { webhookId: "wh-1" }));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await snapshot()).toEqual(afterFirst);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1" } })).toBe(1);
  });
});

describe("effects", () => {
  it("app/uninstalled marks the shop uninstalled and deletes its sessions only", async () => {
    const response = await deliver(uninstalled, webhookRequest("app/uninstalled", SHOP, { id: 1 }));
    expect(response.status).toBe(200);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: OTHER } })).toBe(1);
    const other = await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } });
    expect(other.uninstalledAt).toBeNull();
  });

  it("app/scopes_update stores the granted scopes on the shop's sessions", async () => {
    await deliver(scopesUpdate, webhookRequest("app/scopes_update", SHOP, cases[1]!.payload));
    const session = await prisma.session.findFirstOrThrow({ where: { shop: SHOP } });
    expect(session.scope).toBe("read_orders,write_orders");
  });

  it("customers/data_request records a JSON report of what is held about the customer", async () => {
    const response = await deliver(dataRequest, webhookRequest("customers/data_request", SHOP, cases[2]!.payload));
    expect(response.status).toBe(200);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const reports = await prisma.customerDataRequest.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } });
    expect(reports).toHaveLength(2);
    const report = JSON.parse(reports[1]!.report);
    expect(report.shop).toBe(SHOP);
    expect(report.subject).toEqual({ shopifyCustomerId: "7001", email: customer.email });
    expect(report.data.customerDataRequests).toHaveLength(1);
  });

  it("customers/redact erases that customer's data in that shop only", async () => {
    await deliver(customersRedact, webhookRequest("customers/redact", SHOP, cases[3]!.payload));
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const other = await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } });
    expect(await prisma.customerDataRequest.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.customerDataRequest.count({ where: { shopId: other.id } })).toBe(1);
  });

  it("shop/redact leaves no row of that shop but the erasure receipt, and another shop's rows untouched", async () => {
    const otherBefore = await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER }, include: { dataRequests: true } });
    await deliver(uninstalled, webhookRequest("app/uninstalled", SHOP, { id: 1 }, { webhookId: "wh-uninstall" }));
    const response = await deliver(shopRedact, webhookRequest("shop/redact", SHOP, cases[4]!.payload, { webhookId: "wh-redact" }));
    expect(response.status).toBe(200);
    expect(await prisma.shop.count({ where: { domain: SHOP } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await prisma.customerDataRequest.count({ where: { shop: { domain: SHOP } } })).toBe(0);
    const receipts = await prisma.webhookDelivery.findMany({ where: { shopDomain: SHOP } });
    expect(receipts.map((row) => [row.webhookId, row.topic])).toEqual([["wh-redact", "SHOP_REDACT"]]);
    const otherAfter = await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER }, include: { dataRequests: true } });
    expect(otherAfter).toEqual(otherBefore);
    expect(await prisma.session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("app_subscriptions/update ends Pro at once when its subscription ended, and otherwise only has the plan read again", async () => {
    const pro = { plan: "pro", planSubscriptionId: "gid://shopify/AppSubscription/1", planCheckedAt: new Date() };
    const planOf = async (domain: string) => {
      const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
      return { plan: shop.plan, planSubscriptionId: shop.planSubscriptionId, stale: shop.planCheckedAt === null };
    };
    await prisma.shop.updateMany({ data: pro });

    // Another subscription was cancelled (replaced by the shop's current one): Pro stays, read again.
    await deliver(subscriptionsUpdate, webhookRequest("app_subscriptions/update", SHOP, subscriptionPayload("gid://shopify/AppSubscription/9", "CANCELLED")));
    expect(await planOf(SHOP)).toEqual({ plan: "pro", planSubscriptionId: pro.planSubscriptionId, stale: true });

    // ACTIVE says nothing of a test charge: the plan is read again, never set from the payload.
    await prisma.shop.updateMany({ data: pro });
    await deliver(subscriptionsUpdate, webhookRequest("app_subscriptions/update", SHOP, subscriptionPayload("gid://shopify/AppSubscription/2", "ACTIVE")));
    expect(await planOf(SHOP)).toEqual({ plan: "pro", planSubscriptionId: pro.planSubscriptionId, stale: true });

    for (const status of ["DECLINED", "FROZEN"]) {
      await prisma.shop.updateMany({ data: pro });
      await deliver(subscriptionsUpdate, webhookRequest("app_subscriptions/update", SHOP, subscriptionPayload("gid://shopify/AppSubscription/1", status)));
      expect(await planOf(SHOP)).toEqual({ plan: "free", planSubscriptionId: null, stale: true });
    }
    // The other shop is untouched.
    expect(await planOf(OTHER)).toEqual({ plan: "pro", planSubscriptionId: pro.planSubscriptionId, stale: false });

    const malformed = await deliver(subscriptionsUpdate, webhookRequest("app_subscriptions/update", SHOP, { app_subscription: { status: "ACTIVE" } }));
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain("app_subscription.admin_graphql_api_id");
  });

  it("answers 400 naming the field when a signed payload is malformed, and writes nothing", async () => {
    const before = await snapshot();
    const response = await deliver(customersRedact, webhookRequest("customers/redact", SHOP, { shop_id: 1, customer: {} }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("customer.id");
    expect(await snapshot()).toEqual(before);
  });
});
