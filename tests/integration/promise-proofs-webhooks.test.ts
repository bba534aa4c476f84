// Proofs of the promise for inbound webhooks (tests/PROMISE.md): through the
// real routes, with real Requests, against the Stripe stand-in and the
// Shopify stand-in (every Admin call the app makes is counted there).
//   - a Stripe delivery without a signature writes nothing;
//   - two concurrent deliveries of one Stripe event are applied once;
//   - customers/redact delivered twice, under two webhook ids, ends the same;
//   - after app/uninstalled, late deliveries make no Admin API call.
import { beforeEach, describe, expect, it } from "vitest";
// First: the Shopify stand-in must load before the app's modules (see the helper).
import { recordAdminCalls, withShopifyStandIn } from "../helpers/shopify-stand-in";
import prisma from "~/db.server";
import { action as stripeWebhook } from "~/routes/webhooks.stripe";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { runTag } from "~/domain/write-back";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { callRoute } from "../helpers/remix";
import { createShop } from "../helpers/recurring";
import { storeOfflineSession, webhookRequest } from "../helpers/shopify";
import { invoiceEvents, issuedRun, MERCHANT, signedWebhookRequest, withStripeStandIn } from "../helpers/stripe";
import { tableRowCounts } from "../helpers/tables";

const stripeStandIn = withStripeStandIn();
const shopifyStandIn = withShopifyStandIn();

/** A customer the Shopify stand-in's demo shop knows (Camille Dubois): the write-back of her runs creates real orders. */
const SEEDED_CUSTOMER = "gid://shopify/Customer/7410000000101";

beforeEach(async () => {
  await prisma.session.deleteMany();
  await prisma.webhookDelivery.deleteMany();
  await storeOfflineSession(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN);
});

/** The status the route answers; a thrown error is what Remix answers 500 for. */
async function statusOf(action: (args: never) => Promise<Response>, request: Request): Promise<number> {
  try {
    const answer = await callRoute(action as Parameters<typeof callRoute>[0], request);
    return answer instanceof Response ? answer.status : 200;
  } catch {
    return 500;
  }
}

const postStripe = (payload: string) => statusOf(stripeWebhook, signedWebhookRequest(payload));

/** The demo shop, connected to MERCHANT, writing paid invoices back to Shopify. */
function writeBackShop() {
  return createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT, settings: { writeBackOrders: true } });
}

/** A sent run whose customer pays on Stripe's hosted page; returns the `invoice.paid` body Stripe delivers. */
async function paidOnStripe(options: Parameters<typeof issuedRun>[1] = {}) {
  const issued = await issuedRun(stripeStandIn(), options);
  stripeStandIn().control.customerPay(issued.run.invoiceId);
  const [paid] = invoiceEvents(stripeStandIn(), issued.run.invoiceId, ["invoice.paid"]);
  if (!paid) throw new Error("the stand-in recorded no invoice.paid");
  return { ...issued, paid, eventId: (JSON.parse(paid) as { id: string }).id };
}

describe("Stripe webhooks: authenticated and deduplicated", () => {
  it("refuses a delivery without a Stripe-Signature header with 400 and writes no row in any table", async () => {
    const { run, paid } = await paidOnStripe();
    const before = await tableRowCounts();

    const unsigned = new Request("https://ritournelle.test/webhooks/stripe", { method: "POST", body: paid, headers: { "Content-Type": "application/json" } });
    expect(await statusOf(stripeWebhook, unsigned)).toBe(400);
    const empty = new Request(unsigned.url, { method: "POST", body: paid, headers: { "Content-Type": "application/json", "Stripe-Signature": "" } });
    expect(await statusOf(stripeWebhook, empty)).toBe(400);

    expect(await tableRowCounts()).toEqual(before);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("sent");
    // The same bytes, signed, are believed: the snapshot above would have seen their rows.
    expect(await postStripe(paid)).toBe(200);
    expect(await tableRowCounts()).not.toEqual(before);
  });

  it("applies two concurrent deliveries of one event once: one state move, one event row, one write-back, one Shopify order", async () => {
    const shop = await writeBackShop();
    const { run, paid, eventId } = await paidOnStripe({ shop, shopifyCustomerId: SEEDED_CUSTOMER });

    const statuses = await Promise.all([postStripe(paid), postStripe(paid)]);

    expect(statuses).toEqual([200, 200]);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("paid");
    expect(await prisma.stripeEvent.count({ where: { eventId } })).toBe(1);
    const moves = await prisma.runEvent.findMany({ where: { runId: run.id, actor: "stripe" } });
    expect(moves.map((event) => [event.type, event.fromState, event.toState])).toEqual([["run.closed", "sent", "paid"]]);
    expect(await prisma.writeBack.findMany({ where: { runId: run.id } })).toMatchObject([{ state: "done" }]);
    const orders = shopifyStandIn().control.createdOrders(DEMO_SHOP_DOMAIN).filter((record) => record.order.tags.includes(runTag(run.id)));
    expect(orders).toHaveLength(1);
  });
});

describe("customers/redact: deduplicated by effect, not only by webhook id", () => {
  /** Everything the shop holds that an erasure touches, row by row. */
  async function tenantRows(shopId: string) {
    return {
      templates: await prisma.recurringTemplate.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
      runs: await prisma.invoiceRun.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
      runEvents: await prisma.runEvent.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
      stripeCustomers: await prisma.stripeCustomer.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
      dataRequests: await prisma.customerDataRequest.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    };
  }

  it("answers 200 both times and the second delivery changes nothing but its own receipt", async () => {
    const { shop, template } = await issuedRun(stripeStandIn());
    const customer = { id: Number(template.shopifyCustomerId!.split("/").pop()), email: template.customerEmail!, phone: null };
    const payload = { shop_id: 1, shop_domain: shop.domain, customer, orders_to_redact: [] };
    await callRoute(dataRequest, webhookRequest("customers/data_request", shop.domain, { ...payload, data_request: { id: 1 } }));

    expect(await statusOf(customersRedact, webhookRequest("customers/redact", shop.domain, payload, { webhookId: "redact-1" }))).toBe(200);
    const afterFirst = await tenantRows(shop.id);
    expect(afterFirst.templates).toMatchObject([{ status: "cancelled", customerEmail: null, shopifyCustomerId: null }]);
    expect(afterFirst.stripeCustomers).toEqual([]);
    expect(afterFirst.dataRequests).toEqual([]);

    // Shopify sends the request again as a new webhook (a new id): the dedupe by id does not apply.
    expect(await statusOf(customersRedact, webhookRequest("customers/redact", shop.domain, payload, { webhookId: "redact-2" }))).toBe(200);
    expect(await tenantRows(shop.id)).toEqual(afterFirst);
    const receipts = await prisma.webhookDelivery.findMany({ where: { topic: "CUSTOMERS_REDACT" }, orderBy: { webhookId: "asc" } });
    expect(receipts.map((row) => row.webhookId)).toEqual(["redact-1", "redact-2"]);
  });
});

describe("after app/uninstalled", () => {
  it("late deliveries (Stripe invoice.paid for the shop, Shopify webhooks) make no Admin API call", async () => {
    const shop = await writeBackShop();
    const before = await paidOnStripe({ shop, shopifyCustomerId: SEEDED_CUSTOMER });
    const late = await paidOnStripe({ shop, shopifyCustomerId: SEEDED_CUSTOMER });
    const admin = recordAdminCalls(shopifyStandIn());
    try {
      // While installed, a payment is written back to Shopify: the counter sees the app's calls.
      expect(await postStripe(before.paid)).toBe(200);
      expect(admin.calls(DEMO_SHOP_DOMAIN).length).toBeGreaterThan(0);

      expect(await statusOf(uninstalled, webhookRequest("app/uninstalled", DEMO_SHOP_DOMAIN, { id: 1 }, { webhookId: "uninstall-1" }))).toBe(200);
      const callsAtUninstall = admin.calls().length;

      // Stripe's retries: the payment of a run sent before the uninstall (twice), and the one already written back.
      // (Their answers are not this proof's business: write-back-gives-up.test.ts proves them.)
      await postStripe(late.paid);
      await postStripe(late.paid);
      await postStripe(before.paid);
      // Shopify's late or repeated deliveries for the shop.
      const customer = { id: 7410000000101, email: "camille.dubois@example.fr", phone: null };
      const deliveries: [Parameters<typeof statusOf>[0], string, unknown][] = [
        [uninstalled, "app/uninstalled", { id: 1 }],
        [scopesUpdate, "app/scopes_update", { id: 1, previous: ["read_orders"], current: ["read_orders", "write_orders"] }],
        [dataRequest, "customers/data_request", { shop_id: 1, shop_domain: DEMO_SHOP_DOMAIN, customer, orders_requested: [], data_request: { id: 2 } }],
        [customersRedact, "customers/redact", { shop_id: 1, shop_domain: DEMO_SHOP_DOMAIN, customer, orders_to_redact: [] }],
      ];
      for (const [action, topic, payload] of deliveries) {
        expect(await statusOf(action, webhookRequest(topic, DEMO_SHOP_DOMAIN, payload))).toBe(200);
      }
      expect(await statusOf(uninstalled, webhookRequest("app/uninstalled", DEMO_SHOP_DOMAIN, { id: 1 }, { webhookId: "uninstall-1" }))).toBe(200);

      expect(admin.calls().slice(callsAtUninstall)).toEqual([]);
      const lateOrders = shopifyStandIn().control.createdOrders(DEMO_SHOP_DOMAIN).filter((record) => record.order.tags.includes(runTag(late.run.id)));
      expect(lateOrders).toEqual([]);
    } finally {
      admin.stop();
    }
  });
});
