// Stripe's webhooks into the app's route: deliveries signed by the stand-in
// (or, for exact orderings, its own stored events signed here as Stripe
// signs them). Verified, deduplicated, routed by account, never moving a run
// backwards and never touching another tenant's run.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import Stripe from "stripe";
import prisma, { configureDatabase } from "~/db.server";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { planDueTemplates } from "~/worker/scheduler";
import { logger } from "~/logger.server";
import { action } from "~/routes/webhooks.stripe";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { callRoute, asResponse } from "../helpers/remix";
import { createShop } from "../helpers/recurring";
import {
  forwardWebhooksTo,
  invoiceEvents,
  issuedRun,
  MERCHANT,
  OTHER_MERCHANT,
  signedWebhookRequest,
  startStripe,
  STRIPE_WEBHOOK_SECRET,
  testClient,
} from "../helpers/stripe";

let standIn: StripeStandIn;
let forwarder: Awaited<ReturnType<typeof forwardWebhooksTo>>;

beforeAll(async () => {
  await configureDatabase(prisma);
  standIn = await startStripe();
});
afterAll(async () => {
  await forwarder?.close();
  await standIn.close();
});
beforeEach(async () => {
  await forwarder?.close();
  await prisma.shop.deleteMany();
  await prisma.stripeTaxRate.deleteMany();
  standIn.control.reset();
  forwarder = await forwardWebhooksTo(standIn, action);
  standIn.control.configureWebhooks({ paused: true, retryDelaysMs: [20], maxAttempts: 3 });
});

/** Lets the stand-in deliver what it queued, and waits until it is done. */
async function deliverQueued() {
  standIn.control.configureWebhooks({ paused: false });
  await standIn.control.waitForWebhooks(10_000);
}

async function post(payload: string, options: Parameters<typeof signedWebhookRequest>[1] = {}): Promise<number> {
  return asResponse(await callRoute(action, signedWebhookRequest(payload, options))).status;
}

/** The stand-in's stored events about one invoice of MERCHANT, oldest first, as JSON bodies Stripe would deliver. */
const eventsOfInvoice = (invoiceId: string, types: string[]) => invoiceEvents(standIn, invoiceId, types);

async function runState(runId: string) {
  return (await prisma.invoiceRun.findUniqueOrThrow({ where: { id: runId } })).state;
}

describe("Stripe webhooks", () => {
  it("moves the run to paid when the customer pays on the hosted page, from the signed delivery", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    await deliverQueued();

    expect(await runState(run.id)).toBe("paid");
    const trail = await prisma.runEvent.findMany({ where: { runId: run.id, actor: "stripe" } });
    expect(trail.map((event) => [event.type, event.fromState, event.toState])).toEqual([["run.closed", "sent", "paid"]]);
    expect(forwarder.statuses.every((status) => status === 200)).toBe(true);
  });

  it("refuses a bad signature with 400 and writes nothing", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);

    expect(await post(paid!, { secret: "whsec_not_ours" })).toBe(400);
    // A genuine signature over other bytes: the body was altered on the way.
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: paid!, secret: STRIPE_WEBHOOK_SECRET });
    expect(await post(paid!.replace(run.invoiceId, "in_someone_else"), { signature })).toBe(400);
    expect(await runState(run.id)).toBe("sent");
    expect(await prisma.stripeEvent.count()).toBe(0);
  });

  it("refuses a delivery signed more than 5 minutes ago (replay) with 400", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);

    expect(await post(paid!, { timestamp: Math.floor(Date.now() / 1000) - 301 })).toBe(400);
    expect(await runState(run.id)).toBe("sent");
    expect(await post(paid!, { timestamp: Math.floor(Date.now() / 1000) - 240 })).toBe(200);
    expect(await runState(run.id)).toBe("paid");
  });

  it("applies a duplicate delivery once", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.configureWebhooks({ duplicate: true });
    standIn.control.customerPay(run.invoiceId);
    await deliverQueued();
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);
    expect(await post(paid!)).toBe(200);

    const paidId = (JSON.parse(paid!) as Stripe.Event).id;
    expect(standIn.control.deliveries({ eventId: paidId }).length).toBe(2);
    expect(await prisma.stripeEvent.count({ where: { eventId: paidId } })).toBe(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.closed" } })).toBe(1);
  });

  it("ends in the right state whatever order the events arrive in", async () => {
    const { run } = await issuedRun(standIn);
    // Stripe's history: sent → overdue → uncollectible → paid.
    standIn.control.advanceClock(15 * 86_400_000);
    const sdk = testClient(standIn).sdk;
    await sdk.invoices.markUncollectible(run.invoiceId, {}, { stripeAccount: MERCHANT });
    standIn.control.customerPay(run.invoiceId);
    const history = eventsOfInvoice(run.invoiceId, ["invoice.sent", "invoice.overdue", "invoice.marked_uncollectible", "invoice.paid"]);
    expect(history.map((body) => (JSON.parse(body) as Stripe.Event).type)).toEqual([
      "invoice.sent",
      "invoice.overdue",
      "invoice.marked_uncollectible",
      "invoice.paid",
    ]);

    for (const body of [...history].reverse()) expect(await post(body)).toBe(200);
    expect(await runState(run.id)).toBe("paid");
    const moves = await prisma.runEvent.findMany({ where: { runId: run.id, actor: "stripe" } });
    expect(moves.map((event) => event.toState)).toEqual(["paid"]);
  });

  it("follows the same history delivered in order, one move per step", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.advanceClock(15 * 86_400_000);
    await testClient(standIn).sdk.invoices.markUncollectible(run.invoiceId, {}, { stripeAccount: MERCHANT });
    standIn.control.customerPay(run.invoiceId);
    await deliverQueued();

    const moves = await prisma.runEvent.findMany({ where: { runId: run.id, actor: "stripe" }, orderBy: { id: "asc" } });
    expect(moves.map((event) => event.toState).sort()).toEqual(["overdue", "paid", "uncollectible"]);
    expect(await runState(run.id)).toBe("paid");
  });

  it("never lets one account's event touch another shop's run; an unknown account is ignored with 200", async () => {
    const { run } = await issuedRun(standIn);
    await createShop({ billingAccountId: OTHER_MERCHANT });
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);
    const event = JSON.parse(paid!) as Stripe.Event;

    expect(await post(JSON.stringify({ ...event, id: "evt_other_account", account: OTHER_MERCHANT }))).toBe(200);
    expect(await post(JSON.stringify({ ...event, id: "evt_unknown_account", account: "acct_1Unknown" }))).toBe(200);
    expect(await runState(run.id)).toBe("sent");
    expect(await prisma.stripeEvent.count()).toBe(0);
    expect(await prisma.runEvent.count({ where: { actor: "stripe" } })).toBe(0);
  });

  it("asks Stripe to deliver again (503) news past 'sent' about a run the pipeline is still issuing", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { state: "issuing", step: "send" } });

    expect(await post(paid!)).toBe(503);
    expect(await prisma.stripeEvent.count()).toBe(0);
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { state: "sent", step: null } });
    expect(await post(paid!)).toBe(200);
    expect(await runState(run.id)).toBe("paid");
  });

  it("settles a contradiction by reading the invoice from Stripe", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { state: "void" } }); // a wrong record of ours
    standIn.control.clearRequests();

    expect(await post(paid!)).toBe(200);
    expect(await runState(run.id)).toBe("paid");
    expect(standIn.control.requests({ method: "GET", path: `/v1/invoices/${run.invoiceId}` })).toHaveLength(1);
  });

  it("writes a paid run back once the payment is recorded, and again on a redelivery (write-back is idempotent)", async () => {
    const { run } = await issuedRun(standIn);
    standIn.control.customerPay(run.invoiceId);
    const [paid] = eventsOfInvoice(run.invoiceId, ["invoice.paid"]);
    const afterPaid = vi.fn(async (runId: string) => expect(await runState(runId)).toBe("paid"));
    const event = JSON.parse(paid!) as Stripe.Event;

    expect(await processStripeEvent(event, { afterPaid })).toBe("applied");
    expect(await processStripeEvent(event, { afterPaid })).toBe("duplicate");
    expect(afterPaid.mock.calls).toEqual([[run.id], [run.id]]);
  });

  it("account.application.deauthorized: the shop is disconnected and its runs still to issue are held, with the reason shown", async () => {
    const { shop, template, clock } = await issuedRun(standIn);
    clock.set("2026-02-15T08:00:00Z");
    await planDueTemplates({ workerId: "planner", clock, batchSize: 10, leaseMs: 60_000, maxPeriodsPerTemplate: 5, lateToleranceMs: 3_600_000, shouldStop: () => false, logger });
    const next = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } });
    expect(next.state).toBe("planned");

    standIn.control.disconnectAccount(MERCHANT);
    await deliverQueued();

    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ billingAccountId: null, billingDisconnectedAt: expect.any(Date) });
    const held = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: next.id } });
    expect(held).toMatchObject({ state: "planned", lastErrorCode: "billing_not_connected" });
    expect(held.lastErrorMessage).toContain("connect your Stripe account in Ritournelle's settings");
    expect(await prisma.runEvent.findMany({ where: { runId: next.id, type: "run.waiting" } })).toMatchObject([{ actor: "stripe", cause: "billing_disconnected" }]);
  });
});
