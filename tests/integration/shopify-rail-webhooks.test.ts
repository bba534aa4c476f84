// Status from Shopify on the Shopify invoice rail: the webhooks the stand-in's
// checkout sends when the customer pays (its own payloads, re-signed here the
// way Shopify signs them), HMAC-verified, deduplicated, out-of-order safe,
// sealed to the delivering shop.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { action as draftOrderUpdated } from "~/routes/webhooks.draft_orders.update";
import { action as orderCancelled } from "~/routes/webhooks.orders.cancelled";
import { action as orderPaid } from "~/routes/webhooks.orders.paid";
import { markInvoiceUncollectible } from "~/services/invoicing/mark-uncollectible.server";
import { resendInvoice } from "~/services/invoicing/send-again.server";
import { voidInvoice } from "~/services/invoicing/void-run.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { drain, templateInput } from "../helpers/recurring";
import { asResponse, callRoute } from "../helpers/remix";
import { storeOfflineSession, webhookRequest } from "../helpers/shopify";
import { installDemoShop, createShopifyRailTemplate, shopifyRailWorker, SHOPIFY_RAIL_SCOPES } from "../helpers/shopify-rail";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const standIn = withShopifyStandIn();
const TOKEN = "shpat_rail_webhooks";
const ACTIONS = { "orders/paid": orderPaid, "orders/cancelled": orderCancelled, "draft_orders/update": draftOrderUpdated } as const;
type Topic = keyof typeof ACTIONS;

beforeAll(async () => {
  await storeOfflineSession(DEMO_SHOP_DOMAIN, TOKEN);
});

beforeEach(async () => {
  standIn().control.reset();
  standIn().control.setWebhookUrl(null); // deliveries are recorded, and this test delivers them
  standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, SHOPIFY_RAIL_SCOPES);
  await prisma.shop.deleteMany();
});

/** One Shopify-rail run issued (sent) through the worker and the stand-in. */
async function sentRun() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...templateInput().customer, shopifyCustomerId: "gid://shopify/Customer/7410000000101" } }), clock);
  clock.set("2026-01-15T09:00:00Z");
  await drain(shopifyRailWorker(clock));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  expect(run.state).toBe("sent");
  return run;
}

/** The customer pays at the stand-in's checkout; the webhooks it would send, by topic. */
async function pay(draftId: string): Promise<Record<string, string>> {
  await standIn().control.payInvoice(DEMO_SHOP_DOMAIN, draftId);
  return Object.fromEntries(standIn().control.webhookDeliveries().map((d) => [d.topic, d.body]));
}

async function deliver(topic: Topic, body: string, options: { webhookId?: string; hmac?: string; shop?: string } = {}): Promise<number> {
  const request = webhookRequest(topic, options.shop ?? DEMO_SHOP_DOMAIN, JSON.parse(body), options);
  try {
    return asResponse(await callRoute(ACTIONS[topic], request)).status;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

const stateOf = async (id: string) => (await prisma.invoiceRun.findUniqueOrThrow({ where: { id } })).state;
const closedEvents = (runId: string) => prisma.runEvent.count({ where: { runId, type: "run.closed" } });

describe("the Shopify rail's webhooks", () => {
  it("orders/paid marks the run paid, once: the same delivery again changes nothing", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    expect(await deliver("orders/paid", bodies["orders/paid"]!, { webhookId: "w-paid" })).toBe(200);
    expect(await stateOf(run.id)).toBe("paid");
    expect(await deliver("orders/paid", bodies["orders/paid"]!, { webhookId: "w-paid" })).toBe(200);
    expect(await closedEvents(run.id)).toBe(1);
    const event = await prisma.runEvent.findFirstOrThrow({ where: { runId: run.id, type: "run.closed" } });
    expect(JSON.parse(event.detail!)).toMatchObject({ orderName: expect.stringMatching(/^#\d+$/), webhookTopic: "orders/paid" });
  });

  it("a bad HMAC is refused and nothing moves", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    const deliveries = await prisma.webhookDelivery.count();
    expect(await deliver("orders/paid", bodies["orders/paid"]!, { hmac: "bm90IGEgc2lnbmF0dXJl" })).toBe(401);
    expect(await stateOf(run.id)).toBe("sent");
    expect(await prisma.webhookDelivery.count()).toBe(deliveries);
  });

  it("out of order: draft_orders/update after orders/paid leaves the run paid, and so does a cancellation Shopify does not show", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    const sentUpdate = JSON.stringify({ ...JSON.parse(bodies["draft_orders/update"]!), status: "invoice_sent", order_id: null });
    expect(await deliver("orders/paid", bodies["orders/paid"]!)).toBe(200);
    expect(await deliver("draft_orders/update", sentUpdate)).toBe(200);
    expect(await deliver("draft_orders/update", bodies["draft_orders/update"]!)).toBe(200);
    expect(await stateOf(run.id)).toBe("paid");

    // Paid then cancelled contradict each other: Shopify's present state (the order is paid, not cancelled) decides.
    expect(await deliver("orders/cancelled", bodies["orders/paid"]!)).toBe(200);
    expect(await stateOf(run.id)).toBe("paid");
  });

  it("orders/cancelled of a sent run voids it", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    expect(await deliver("orders/cancelled", JSON.stringify({ ...JSON.parse(bodies["orders/paid"]!), financial_status: "voided" }))).toBe(200);
    expect(await stateOf(run.id)).toBe("void");
  });

  it("another shop's delivery naming our run's tag moves nothing (tenants are sealed)", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    expect(await deliver("orders/paid", bodies["orders/paid"]!, { shop: "intruder.myshopify.com" })).toBe(200);
    expect(await stateOf(run.id)).toBe("sent");
  });
});

describe("the merchant's actions on a Shopify invoice", () => {
  it("Send again e-mails the checkout link once more (once per click); Cancel deletes the draft and voids the run", async () => {
    const run = await sentRun();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    await resendInvoice(shop, run.id, { requestId: "click-1" });
    await resendInvoice(shop, run.id, { requestId: "click-1" }); // the same click resubmitted
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === run.invoiceId)).toHaveLength(2);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.resent" } })).toBe(1);

    await expect(markInvoiceUncollectible(shop, run.id)).rejects.toMatchObject({ code: "not_allowed" });
    // The template page offers what this rail allows: Send again and Cancel, never "Mark uncollectible".
    const page = await loadTemplatePage(shop, run.templateId);
    expect(page.runs.find((row) => row.id === run.id)?.actions).toEqual(["resend", "void"]);
    const voided = await voidInvoice(shop, run.id);
    expect(voided).toMatchObject({ state: "void", changed: true });
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN).some((d) => d.id === run.invoiceId)).toBe(false);
  });

  it("Send again clicked twice at the same instant e-mails once (Shopify has no idempotency key)", async () => {
    const run = await sentRun();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    const emails = () => standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === run.invoiceId).length;
    expect(emails()).toBe(1); // the period's own e-mail

    // The same click delivered twice at once (a double submit; on PostgreSQL, two transactions on two connections).
    const both = await Promise.all([1, 2].map(() => resendInvoice(shop, run.id, { requestId: "double-click" })));
    expect(emails()).toBe(2);
    expect(both.filter((done) => done.changed)).toHaveLength(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.resent" } })).toBe(1);

    // Another click is another e-mail.
    await resendInvoice(shop, run.id, { requestId: "next-click" });
    expect(emails()).toBe(3);
  });

  it("a Send again that Shopify refused can be clicked again: that click then e-mails once", async () => {
    const run = await sentRun();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    const emails = () => standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === run.invoiceId).length;
    standIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "locked"); // Shopify answers 423
    await expect(resendInvoice(shop, run.id, { requestId: "click-1" })).rejects.toBeTruthy();
    expect(emails()).toBe(1);
    standIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "open");

    await Promise.all([1, 2].map(() => resendInvoice(shop, run.id, { requestId: "click-1" })));
    expect(emails()).toBe(2);
    // The refused click claimed nothing: Shopify refused the read of the draft that comes before any claim.
    expect(await prisma.runEvent.findMany({ where: { runId: run.id, type: { startsWith: "run.resen" } }, orderBy: { id: "asc" }, select: { type: true } })).toEqual([
      { type: "run.resend_requested" },
      { type: "run.resent" },
    ]);
  });

  it("Cancel is refused once the customer paid: the order is cancelled in Shopify's admin", async () => {
    const run = await sentRun();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    await standIn().control.payInvoice(DEMO_SHOP_DOMAIN, run.invoiceId!); // its webhooks not delivered yet: the run still says sent
    await expect(voidInvoice(shop, run.id)).rejects.toMatchObject({ code: "not_allowed", message: expect.stringMatching(/already placed order #\d+/) });
    expect(await stateOf(run.id)).toBe("sent");
  });
});
