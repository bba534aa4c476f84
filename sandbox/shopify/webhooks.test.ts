// The stand-in's one webhook sender, checked by Shopify's own library: every
// topic it delivers — the checkout's (orders/paid…, draft_orders/update), the
// draft order mutations' (draft_orders/update, draft_orders/delete), the
// merchant's admin actions' (draft_orders/delete, orders/cancelled) and
// the plan page's (app_subscriptions/update), a scope change's (app/scopes_update) — passes @shopify/shopify-api's
// webhooks.validate (HMAC with the app's secret, topic, shop, webhook id, API
// version), and a redelivery is the same bytes under the same ids.
import { shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "./seed";
import { startShopifyStandIn, type ShopifyStandIn } from "./server";
import { libraryConfigFor } from "./test-helpers";
import { startReceiver } from "../http-receiver";

const APP = { apiKey: "webhooks-api-key", apiSecret: "webhooks-api-secret", scopes: "read_orders,write_draft_orders" };
const TOKEN = "shpat_webhook_sender";

const shopify = shopifyApi({ ...libraryConfigFor(APP) });

type Checked = { path: string; valid: boolean; topic?: string; domain?: string; apiVersion?: string; webhookId?: string; eventId?: string; body: string };
const received: Checked[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let standIn: ShopifyStandIn;

beforeAll(async () => {
  receiver = await startReceiver(async (request, rawBody, response) => {
    const check = await shopify.webhooks.validate({ rawBody, rawRequest: request, rawResponse: response });
    received.push({ path: request.url ?? "", body: rawBody, ...(check.valid ? { valid: true, topic: check.topic, domain: check.domain, apiVersion: check.apiVersion, webhookId: check.webhookId, eventId: String(request.headers["x-shopify-event-id"]) } : { valid: false }) });
    response.writeHead(200).end();
  });
  const base = `${receiver.origin}/webhooks`;
  standIn = await startShopifyStandIn({ app: { ...APP, optionalScopes: "write_products" }, webhookUrl: base, webhooks: { "app_subscriptions/update": `${base}/app_subscriptions/update` } });
});
afterAll(async () => {
  await standIn.close();
  await receiver.close();
});
beforeEach(() => {
  standIn.control.reset();
  standIn.control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, APP.scopes);
  received.length = 0;
});

async function createDraft(): Promise<string> {
  const answer = await standIn.api.execute(DEMO_SHOP_DOMAIN, TOKEN, {
    query: `mutation Create($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id } userErrors { message } } }`,
    variables: { input: { email: "camille@example.fr", lineItems: [{ title: "Entretien", quantity: 1, originalUnitPriceWithCurrency: { amount: "30.00", currencyCode: "EUR" } }] } },
  });
  return (answer.body as { data: { draftOrderCreate: { draftOrder: { id: string } } } }).data.draftOrderCreate.draftOrder.id;
}

describe("the stand-in's webhook sender", () => {
  it("signs the checkout's and the plan page's webhooks alike, as Shopify's library expects them", async () => {
    await standIn.control.payInvoice(DEMO_SHOP_DOMAIN, await createDraft());
    await standIn.control.choosePlan(DEMO_SHOP_DOMAIN, "free"); // the demo shop is on Pro: its subscription is cancelled

    expect(received.map(({ path, valid, topic, domain, apiVersion }) => ({ path, valid, topic, domain, apiVersion }))).toEqual(
      ["orders/create", "orders/paid", "draft_orders/update", "app_subscriptions/update"].map((topic) => ({
        path: `/webhooks/${topic}`,
        valid: true,
        topic: topic.toUpperCase().replace("/", "_"),
        domain: DEMO_SHOP_DOMAIN,
        apiVersion: "2026-01",
      })),
    );
    // One id per delivery, and one log of every topic.
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(4);
    expect(standIn.control.webhookDeliveries().map((d) => [d.topic, d.status])).toEqual([
      ["orders/create", 200],
      ["orders/paid", 200],
      ["draft_orders/update", 200],
      ["app_subscriptions/update", 200],
    ]);
  });

  it("sends app/scopes_update when the merchant grants or revokes an optional scope, with the scopes before and after", async () => {
    const granted = await standIn.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_products"]);
    expect(await standIn.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_products"])).toBeNull(); // nothing changed: nothing sent
    const revoked = await standIn.control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, ["write_products"]);
    expect([granted?.status, revoked?.status]).toEqual([200, 200]);
    expect(received.map(({ path, valid, topic, domain }) => ({ path, valid, topic, domain }))).toEqual(
      [1, 2].map(() => ({ path: "/webhooks/app/scopes_update", valid: true, topic: "APP_SCOPES_UPDATE", domain: DEMO_SHOP_DOMAIN })),
    );
    const [grant, revoke] = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(grant).toMatchObject({ previous: ["read_orders", "write_draft_orders"], current: ["read_orders", "write_draft_orders", "write_products"], updated_at: expect.any(String), shop_id: expect.any(Number) });
    expect(revoke).toMatchObject({ previous: ["read_orders", "write_draft_orders", "write_products"], current: ["read_orders", "write_draft_orders"] });
  });

  it("sends draft_orders/update (invoice_sent) for each invoice e-mail and draft_orders/delete ({id} alone) for a deleted draft, once the mutation answered", async () => {
    const id = await createDraft();
    const send = await standIn.api.execute(DEMO_SHOP_DOMAIN, TOKEN, { query: `mutation Send($id: ID!) { draftOrderInvoiceSend(id: $id) { draftOrder { status } userErrors { message } } }`, variables: { id } });
    expect((send.body as { data: { draftOrderInvoiceSend: { draftOrder: { status: string } } } }).data.draftOrderInvoiceSend.draftOrder.status).toBe("INVOICE_SENT");
    // Recorded as the mutation answered; posted to the app right after it.
    expect(standIn.control.webhookDeliveries().map((d) => d.topic)).toEqual(["draft_orders/update"]);
    await standIn.control.webhooksSettled();
    const deleted = await standIn.api.execute(DEMO_SHOP_DOMAIN, TOKEN, { query: `mutation Del($id: ID!) { draftOrderDelete(input: { id: $id }) { deletedId } }`, variables: { id } });
    expect((deleted.body as { data: { draftOrderDelete: { deletedId: string } } }).data.draftOrderDelete.deletedId).toBe(id);
    await standIn.control.webhooksSettled();

    expect(received.map(({ path, valid, topic, domain }) => ({ path, valid, topic, domain }))).toEqual([
      { path: "/webhooks/draft_orders/update", valid: true, topic: "DRAFT_ORDERS_UPDATE", domain: DEMO_SHOP_DOMAIN },
      { path: "/webhooks/draft_orders/delete", valid: true, topic: "DRAFT_ORDERS_DELETE", domain: DEMO_SHOP_DOMAIN },
    ]);
    const [update, removal] = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(update).toMatchObject({ admin_graphql_api_id: id, status: "invoice_sent", invoice_sent_at: expect.any(String) });
    expect(removal).toEqual({ id: Number(id.split("/").pop()) });
    expect(standIn.control.webhookDeliveries().map((d) => [d.topic, d.status])).toEqual([
      ["draft_orders/update", 200],
      ["draft_orders/delete", 200],
    ]);
  });

  it("the merchant's admin: deleting a draft sends draft_orders/delete, cancelling its paid order sends orders/cancelled (cancelled, refunded)", async () => {
    const open = await createDraft();
    const removal = await standIn.control.deleteDraftInAdmin(DEMO_SHOP_DOMAIN, open);
    expect([removal.topic, removal.status, JSON.parse(removal.body)]).toEqual(["draft_orders/delete", 200, { id: Number(open.split("/").pop()) }]);
    expect(standIn.control.draftOrders(DEMO_SHOP_DOMAIN).some((d) => d.id === open)).toBe(false);

    const order = await standIn.control.payInvoice(DEMO_SHOP_DOMAIN, await createDraft());
    const cancelled = await standIn.control.cancelOrderInAdmin(DEMO_SHOP_DOMAIN, order.id);
    expect(cancelled.status).toBe(200);
    expect(JSON.parse(cancelled.body)).toMatchObject({ admin_graphql_api_id: order.id, name: order.name, financial_status: "refunded", cancelled_at: expect.any(String) });
    expect(received.filter((r) => r.valid).map((r) => r.topic)).toEqual(["DRAFT_ORDERS_DELETE", "ORDERS_CREATE", "ORDERS_PAID", "DRAFT_ORDERS_UPDATE", "ORDERS_CANCELLED"]);
    // What the admin refuses: a completed draft is not deleted, an order is cancelled once.
    const completed = standIn.control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.orderId === order.id)!;
    await expect(standIn.control.deleteDraftInAdmin(DEMO_SHOP_DOMAIN, completed.id)).rejects.toThrow(/Completed/);
    await expect(standIn.control.cancelOrderInAdmin(DEMO_SHOP_DOMAIN, order.id)).rejects.toThrow(/already cancelled/);
    expect(received).toHaveLength(5);
  });

  it("redelivers the same bytes under the same webhook and event ids (Shopify's retry)", async () => {
    await standIn.control.payInvoice(DEMO_SHOP_DOMAIN, await createDraft());
    const paid = standIn.control.webhookDeliveries().find((d) => d.topic === "orders/paid")!;
    await standIn.control.redeliver(paid);
    const [first, again] = received.filter((r) => r.topic === "ORDERS_PAID");
    expect(again).toMatchObject({ valid: true, body: first!.body, webhookId: first!.webhookId, eventId: first!.eventId });

  });
});
