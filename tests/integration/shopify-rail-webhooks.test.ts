// Status from Shopify on the Shopify invoice rail: the webhooks the stand-in
// sends — its checkout's when the customer pays, its draft order mutations'
// (draftOrderInvoiceSend, draftOrderDelete), the merchant's admin actions'
// (a draft deleted, an order cancelled) — with its own payloads, re-signed
// here the way Shopify signs them: HMAC-verified, deduplicated, out-of-order
// safe, sealed to the delivering shop.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { BillingGateway } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { eventText } from "~/components/template/event-labels";
import { translator } from "~/i18n";
import { metrics } from "~/metrics.server";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { action as draftOrderDeleted } from "~/routes/webhooks.draft_orders.delete";
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
import { webhookRequest } from "../helpers/shopify";
import { installDemoShop, createShopifyRailTemplate, shopifyRailWorker, withShopifyRailStandIn } from "../helpers/shopify-rail";
import { recordAdminCalls } from "../helpers/shopify-stand-in";

const TOKEN = "shpat_rail_webhooks";
const standIn = withShopifyRailStandIn(TOKEN);
const ACTIONS = { "orders/paid": orderPaid, "orders/cancelled": orderCancelled, "draft_orders/update": draftOrderUpdated, "draft_orders/delete": draftOrderDeleted } as const;
type Topic = keyof typeof ACTIONS;

beforeEach(() => {
  standIn().control.setWebhookUrl(null); // deliveries are recorded, and this test delivers them
});

/**
 * One Shopify-rail run issued (sent) through the worker and the stand-in.
 * `afterSend`: runs once Shopify e-mailed the invoice and before the pipeline
 * records the run as sent (the run is still `issuing` then).
 */
async function sentRun(options: { afterSend?: (draftId: string, runId: string) => Promise<void> } = {}) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...templateInput().customer, shopifyCustomerId: "gid://shopify/Customer/7410000000101" } }), clock);
  clock.set("2026-01-15T09:00:00Z");
  await drain(shopifyRailWorker(clock, options.afterSend ? { shopifyGateway: afterSending(createShopifyRail({ clock }), options.afterSend) } : {}));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  expect(run.state).toBe("sent");
  return run;
}

/** The rail, with `hook` run between Shopify's answer to the send and the pipeline recording it. */
function afterSending(rail: BillingGateway, hook: (draftId: string, runId: string) => Promise<void>): BillingGateway {
  return new Proxy(rail, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== "send" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: Parameters<BillingGateway["send"]>) => {
        const issued = await target.send(...args);
        await hook(args[1], args[0].runId);
        return issued;
      };
    },
  });
}

/** The customer pays at the stand-in's checkout; the webhooks it would send, by topic. */
async function pay(draftId: string): Promise<Record<string, string>> {
  await standIn().control.payInvoice(DEMO_SHOP_DOMAIN, draftId);
  return Object.fromEntries(standIn().control.webhookDeliveries().map((d) => [d.topic, d.body]));
}

/** The status the route answers; an error it throws is what Remix answers 500 for (Shopify then delivers it again). */
async function deliver(topic: Topic, body: string, options: { webhookId?: string; hmac?: string; shop?: string } = {}): Promise<number> {
  const request = webhookRequest(topic, options.shop ?? DEMO_SHOP_DOMAIN, JSON.parse(body), options);
  try {
    return asResponse(await callRoute(ACTIONS[topic], request)).status;
  } catch (error) {
    if (error instanceof Response) return error.status;
    return 500;
  }
}

/** The body of the last webhook of `topic` the stand-in sent (or recorded). */
function lastBody(topic: Topic): string {
  const delivery = standIn().control.webhookDeliveries().filter((d) => d.topic === topic).at(-1);
  if (!delivery) throw new Error(`the stand-in sent no ${topic}`);
  return delivery.body;
}

/** Shopify deliveries the app answered, by outcome (this process's ritournelle_webhook_deliveries_total). */
async function answeredShopifyDeliveries(): Promise<Record<string, number>> {
  const { values } = await metrics().webhookDeliveries.get();
  return Object.fromEntries(values.filter((v) => v.labels.source === "shopify").map((v) => [String(v.labels.outcome), v.value]));
}

const runMoves = (runId: string) =>
  prisma.runEvent.findMany({ where: { runId, actor: "shopify" }, orderBy: { id: "asc" } }).then((events) => events.map((e) => [e.type, e.fromState, e.toState, e.cause]));

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

  it("a bad HMAC is refused and nothing moves, for each of the rail's topics", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    bodies["draft_orders/delete"] = JSON.stringify({ id: Number(run.invoiceId!.split("/").pop()) });
    bodies["orders/cancelled"] = JSON.stringify({ ...JSON.parse(bodies["orders/paid"]!), financial_status: "refunded", cancelled_at: "2026-01-15T10:00:00Z" });
    const deliveries = await prisma.webhookDelivery.count();
    const events = await prisma.runEvent.count({ where: { runId: run.id } });
    for (const topic of Object.keys(ACTIONS) as Topic[]) {
      expect([topic, await deliver(topic, bodies[topic]!, { hmac: "bm90IGEgc2lnbmF0dXJl" })]).toEqual([topic, 401]);
    }
    expect(await stateOf(run.id)).toBe("sent");
    expect(await prisma.webhookDelivery.count()).toBe(deliveries);
    expect(await prisma.runEvent.count({ where: { runId: run.id } })).toBe(events);
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

describe("the Shopify rail's webhooks: deduplicated and in any order", () => {
  // What the same news, delivered, does to a sent run: the stand-in's own deliveries.
  const news: { topic: Topic; to: "paid" | "void"; body: (draftId: string) => Promise<string> }[] = [
    { topic: "orders/paid", to: "paid", body: async (draftId) => (await pay(draftId))["orders/paid"]! },
    {
      topic: "orders/cancelled",
      to: "void",
      body: async (draftId) => {
        await pay(draftId);
        const orderId = standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.id === draftId)!.orderId!;
        return (await standIn().control.cancelOrderInAdmin(DEMO_SHOP_DOMAIN, orderId)).body;
      },
    },
    { topic: "draft_orders/delete", to: "void", body: async (draftId) => (await standIn().control.deleteDraftInAdmin(DEMO_SHOP_DOMAIN, draftId)).body },
  ];

  describe.each(news)("$topic", ({ topic, to, body }) => {
    it("the same delivery twice moves the run once: one state move, one run event; one receipt, answered applied then duplicate", async () => {
      const run = await sentRun();
      const bytes = await body(run.invoiceId!);
      const before = await answeredShopifyDeliveries();

      expect(await deliver(topic, bytes, { webhookId: `again-${topic}` })).toBe(200);
      expect(await deliver(topic, bytes, { webhookId: `again-${topic}` })).toBe(200);

      expect(await stateOf(run.id)).toBe(to);
      expect(await runMoves(run.id)).toEqual([["run.closed", "sent", to, topic === "draft_orders/delete" ? "deleted_in_shopify" : null]]);
      expect(await prisma.webhookDelivery.findMany({ where: { webhookId: `again-${topic}` }, select: { topic: true, shopDomain: true } })).toEqual([
        { topic: topic.toUpperCase().replace("/", "_"), shopDomain: DEMO_SHOP_DOMAIN },
      ]);
      const after = await answeredShopifyDeliveries();
      expect({ processed: (after.processed ?? 0) - (before.processed ?? 0), duplicate: (after.duplicate ?? 0) - (before.duplicate ?? 0) }).toEqual({ processed: 1, duplicate: 1 });
    });

    it("two concurrent deliveries of one webhook id move the run once", async () => {
      const run = await sentRun();
      const bytes = await body(run.invoiceId!);
      const before = await answeredShopifyDeliveries();

      // On PostgreSQL, two transactions on two connections.
      const statuses = await Promise.all([1, 2].map(() => deliver(topic, bytes, { webhookId: `twice-${topic}` })));

      expect(statuses).toEqual([200, 200]);
      expect(await stateOf(run.id)).toBe(to);
      expect(await runMoves(run.id)).toEqual([["run.closed", "sent", to, topic === "draft_orders/delete" ? "deleted_in_shopify" : null]]);
      expect(await prisma.webhookDelivery.count({ where: { webhookId: `twice-${topic}` } })).toBe(1);
      const after = await answeredShopifyDeliveries();
      expect({ processed: (after.processed ?? 0) - (before.processed ?? 0), duplicate: (after.duplicate ?? 0) - (before.duplicate ?? 0) }).toEqual({ processed: 1, duplicate: 1 });
    });
  });

  it("orders/paid delivered before the pipeline recorded the run as sent is answered 500; Shopify's redelivery then marks it paid, once", async () => {
    let early: { status: number; state: string } | undefined;
    const run = await sentRun({
      afterSend: async (draftId, runId) => {
        // Shopify e-mailed the invoice and the customer paid at once; the pipeline has not recorded "sent" yet.
        const paid = (await pay(draftId))["orders/paid"]!;
        early = { status: await deliver("orders/paid", paid, { webhookId: "early-paid" }), state: await stateOf(runId) };
      },
    });
    expect(early).toEqual({ status: 500, state: "issuing" });
    // The refused attempt left no receipt: the redelivery is not taken for a duplicate.
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "early-paid" } })).toBe(0);

    expect(await deliver("orders/paid", lastBody("orders/paid"), { webhookId: "early-paid" })).toBe(200);
    expect(await deliver("orders/paid", lastBody("orders/paid"), { webhookId: "early-paid" })).toBe(200);
    expect(await stateOf(run.id)).toBe("paid");
    expect(await runMoves(run.id)).toEqual([["run.closed", "sent", "paid", null]]);
  });

  it("out of order: draft_orders/delete after orders/paid leaves the run paid (and asks Shopify nothing)", async () => {
    const run = await sentRun();
    const bodies = await pay(run.invoiceId!);
    expect(await deliver("orders/paid", bodies["orders/paid"]!)).toBe(200);
    // Shopify never deletes a completed draft; a late or purge-time delete of it must not undo the payment.
    const admin = recordAdminCalls(standIn());
    try {
      expect(await deliver("draft_orders/delete", JSON.stringify({ id: Number(run.invoiceId!.split("/").pop()) }))).toBe(200);
      expect(admin.calls()).toEqual([]); // no contradiction to settle: a deleted draft has nothing to read
    } finally {
      admin.stop();
    }
    expect(await stateOf(run.id)).toBe("paid");
    expect(await runMoves(run.id)).toEqual([["run.closed", "sent", "paid", null]]);
  });
});

describe("a Shopify invoice's draft order deleted", () => {
  it("in Shopify's admin: the run is void, and its trail says the draft was deleted in Shopify", async () => {
    const run = await sentRun();
    const removal = await standIn().control.deleteDraftInAdmin(DEMO_SHOP_DOMAIN, run.invoiceId!);
    expect(JSON.parse(removal.body)).toEqual({ id: Number(run.invoiceId!.split("/").pop()) }); // Shopify's payload: the id alone

    expect(await deliver("draft_orders/delete", removal.body)).toBe(200);

    expect(await stateOf(run.id)).toBe("void");
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    const page = await loadTemplatePage(shop, run.templateId);
    expect(page.runs.find((row) => row.id === run.id)).toMatchObject({ state: "void", actions: [] });
    const closed = page.events.find((event) => event.type === "run.closed")!;
    expect({ actor: closed.actor, text: eventText(translator("en"), closed) }).toEqual({ actor: "shopify", text: "Invoice voided: its draft order was deleted in Shopify" });
    expect(eventText(translator("fr"), closed)).toBe("Facture annulée : sa commande provisoire a été supprimée dans Shopify");
    const detail = JSON.parse((await prisma.runEvent.findFirstOrThrow({ where: { runId: run.id, type: "run.closed" } })).detail!);
    expect(detail).toMatchObject({ draftOrder: run.invoiceId, webhookTopic: "draft_orders/delete" });
  });

  it("by the app's own Cancel: the run is void already, and that delete's webhook changes nothing", async () => {
    const run = await sentRun();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: run.shopId } });
    expect(await voidInvoice(shop, run.id)).toMatchObject({ state: "void", changed: true });
    const removal = JSON.parse(lastBody("draft_orders/delete"));
    expect(removal).toEqual({ id: Number(run.invoiceId!.split("/").pop()) }); // draftOrderDelete's own webhook
    const trail = await prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });

    expect(await deliver("draft_orders/delete", JSON.stringify(removal))).toBe(200);

    expect(await stateOf(run.id)).toBe("void");
    expect(await prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } })).toEqual(trail);
    expect(trail.filter((e) => e.type === "run.closed").map((e) => [e.actor, e.cause])).toEqual([["merchant", "void"]]);
  });

  it("while the pipeline is still issuing it: answered 500, and Shopify's redelivery once the run is sent voids it", async () => {
    let early: { status: number; state: string } | undefined;
    const run = await sentRun({
      afterSend: async (draftId, runId) => {
        // The merchant deletes the draft the moment Shopify e-mailed it, before the pipeline records "sent".
        const removal = await standIn().control.deleteDraftInAdmin(DEMO_SHOP_DOMAIN, draftId);
        early = { status: await deliver("draft_orders/delete", removal.body, { webhookId: "early-delete" }), state: await stateOf(runId) };
      },
    });
    expect(early).toEqual({ status: 500, state: "issuing" });

    expect(await deliver("draft_orders/delete", lastBody("draft_orders/delete"), { webhookId: "early-delete" })).toBe(200);
    expect(await stateOf(run.id)).toBe("void");
    expect(await runMoves(run.id)).toEqual([["run.closed", "sent", "void", "deleted_in_shopify"]]);
  });

  it("the pipeline's own e-mail is a draft_orders/update (invoice_sent) that changes nothing, whenever it is delivered", async () => {
    let during: number | undefined;
    const run = await sentRun({
      afterSend: async () => {
        during = await deliver("draft_orders/update", lastBody("draft_orders/update"));
      },
    });
    expect(JSON.parse(lastBody("draft_orders/update"))).toMatchObject({ admin_graphql_api_id: run.invoiceId, status: "invoice_sent" });
    expect(during).toBe(200); // the pipeline records "sent" itself
    expect(await deliver("draft_orders/update", lastBody("draft_orders/update"))).toBe(200);
    expect(await stateOf(run.id)).toBe("sent");
    expect(await runMoves(run.id)).toEqual([]);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.sent" } })).toBe(1);
  });
});
