// The merchant's actions on an issued invoice from the template page: send it
// again, void it, mark it uncollectible. Real requests with App Bridge session
// tokens through the route module, the real SDK against the Stripe stand-in:
// the page offers only what the invoice's state allows, a repeated submit
// reaches Stripe once, a refusal says why in the merchant's language, and
// another shop's invoice is a 404 that Stripe never hears about.
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as pageAction, loader as pageLoader } from "~/routes/app.templates.$id";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { createShop } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { issuedRun, MERCHANT, OTHER_MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const SHOP = "atelier-dupont.myshopify.com";
const OTHER_SHOP = "boulangerie-martin.myshopify.com";

const stripeStandIn = withStripeStandIn();

beforeAll(async () => {
  // An installed app: the offline sessions token exchange would have left.
  await storeOfflineSession(SHOP);
  await storeOfflineSession(OTHER_SHOP);
});

type RunRow = { id: string; state: string; actions: string[] };
type Page = { runs: RunRow[]; events: { type: string }[]; requestId: string };
type Answer = { ok: boolean; action: string; code?: string; message: string; runId?: string };

async function load(domain: string, templateId: string) {
  return routeAnswer<Page>(await callRoute(pageLoader, adminFetchRequest(`/app/templates/${templateId}`, mintSessionToken(domain)), { id: templateId }));
}

async function post(domain: string, templateId: string, fields: Record<string, string>) {
  const request = adminFetchRequest(`/app/templates/${templateId}`, mintSessionToken(domain), { method: "POST", body: new URLSearchParams(fields) });
  return routeAnswer<Answer>(await callRoute(pageAction, request, { id: templateId }));
}

/** A shop of `domain` connected to `account`, with one run issued: `sent`, its invoice open at Stripe. */
async function issued(domain = SHOP, account = MERCHANT) {
  const shop = (await prisma.shop.findUnique({ where: { domain } })) ?? (await createShop({ domain, billingAccountId: account }));
  return issuedRun(stripeStandIn(), { shop });
}

function stripeInvoice(invoiceId: string) {
  return stripeStandIn().control.ledger().find((invoice) => invoice.id === invoiceId);
}

/** Every request that reached Stripe for `action` on the invoice (replays of an idempotency key included). */
function stripeRequests(invoiceId: string, action: "void" | "mark_uncollectible" | "send") {
  return stripeStandIn().control.requests({ method: "POST", path: `/v1/invoices/${invoiceId}/${action}` });
}

async function runState(runId: string) {
  return (await prisma.invoiceRun.findUniqueOrThrow({ where: { id: runId } })).state;
}

describe("what the template page offers for each invoice", () => {
  it("offers all three actions on a sent invoice, void only once uncollectible, none once voided or paid", async () => {
    const { template, run } = await issued();
    const row = async () => (await load(SHOP, template.id)).body.runs.find((candidate) => candidate.id === run.id)!;
    expect(await row()).toMatchObject({ state: "sent", actions: ["resend", "void", "mark_uncollectible"] });

    const { requestId } = (await load(SHOP, template.id)).body;
    expect((await post(SHOP, template.id, { intent: "mark_uncollectible", runId: run.id, requestId })).status).toBe(200);
    expect(await row()).toMatchObject({ state: "uncollectible", actions: ["void"] });

    expect((await post(SHOP, template.id, { intent: "void", runId: run.id, requestId })).status).toBe(200);
    expect(await row()).toMatchObject({ state: "void", actions: [] });

    // A paid invoice: the customer pays on Stripe's page, the webhook reaches the app.
    const paid = await issued();
    stripeStandIn().control.customerPay(paid.run.invoiceId);
    const event = stripeStandIn().control.events(MERCHANT).find((candidate) => candidate.type === "invoice.paid" && candidate.data.object.id === paid.run.invoiceId)!;
    await processStripeEvent(JSON.parse(JSON.stringify(event)) as Stripe.Event, { client: testClient(stripeStandIn()) });
    const paidRow = (await load(SHOP, paid.template.id)).body.runs.find((candidate) => candidate.id === paid.run.id);
    expect(paidRow).toMatchObject({ state: "paid", actions: [] });
  });

  it("gives every rendering of the page a new request id", async () => {
    const { template } = await issued();
    const first = (await load(SHOP, template.id)).body.requestId;
    const second = (await load(SHOP, template.id)).body.requestId;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });
});

describe("acting on an invoice from the template page", () => {
  it("voids the invoice at Stripe once when the confirmed form is submitted twice", async () => {
    const { template, run } = await issued();
    const { requestId } = (await load(SHOP, template.id)).body;

    const first = await post(SHOP, template.id, { intent: "void", runId: run.id, requestId });
    const second = await post(SHOP, template.id, { intent: "void", runId: run.id, requestId });
    for (const done of [first, second]) {
      expect(done).toEqual({ status: 200, location: null, body: expect.objectContaining({ ok: true, action: "void", message: "Invoice voided. The customer can no longer pay it." }) });
    }
    expect(stripeInvoice(run.invoiceId)?.status).toBe("void");
    expect(stripeRequests(run.invoiceId, "void")).toHaveLength(1);
    expect(await runState(run.id)).toBe("void");
    const page = (await load(SHOP, template.id)).body;
    expect(page.events.filter((event) => event.type === "run.closed")).toHaveLength(1);
  });

  it("marks the invoice uncollectible at Stripe once when the confirmed form is submitted twice", async () => {
    const { template, run } = await issued();
    const { requestId } = (await load(SHOP, template.id)).body;

    const first = await post(SHOP, template.id, { intent: "mark_uncollectible", runId: run.id, requestId });
    const second = await post(SHOP, template.id, { intent: "mark_uncollectible", runId: run.id, requestId });
    expect(first.body).toMatchObject({ ok: true, message: "Invoice marked uncollectible. The customer can still pay it, and you can still void it." });
    expect(second.status).toBe(200);
    expect(stripeInvoice(run.invoiceId)?.status).toBe("uncollectible");
    expect(stripeRequests(run.invoiceId, "mark_uncollectible")).toHaveLength(1);
    expect(await runState(run.id)).toBe("uncollectible");
  });

  it("sends the invoice again once per click: a resubmitted form does not reach Stripe again, a new page does", async () => {
    const { template, run } = await issued();
    const resends = () => stripeRequests(run.invoiceId, "send").filter((entry) => entry.idempotencyKey?.startsWith(`${run.id}:resend:`));
    const sentEvents = () => stripeStandIn().control.events(MERCHANT).filter((event) => event.type === "invoice.sent" && event.data.object.id === run.invoiceId);
    const sentAtIssue = sentEvents().length;

    const { requestId } = (await load(SHOP, template.id)).body;
    const first = await post(SHOP, template.id, { intent: "resend", runId: run.id, requestId });
    const again = await post(SHOP, template.id, { intent: "resend", runId: run.id, requestId });
    expect(first).toEqual({ status: 200, location: null, body: expect.objectContaining({ ok: true, message: "Invoice sent again to claire.martin@example.fr." }) });
    expect(again.body).toMatchObject({ ok: true, message: "Invoice sent again to claire.martin@example.fr." });
    expect(resends()).toHaveLength(1);
    expect(sentEvents()).toHaveLength(sentAtIssue + 1);

    // The page reloaded after the action: its new nonce is a new click.
    const reloaded = (await load(SHOP, template.id)).body;
    expect(reloaded.runs.find((candidate) => candidate.id === run.id)).toMatchObject({ state: "sent", actions: ["resend", "void", "mark_uncollectible"] });
    await post(SHOP, template.id, { intent: "resend", runId: run.id, requestId: reloaded.requestId });
    expect(resends()).toHaveLength(2);
    expect(sentEvents()).toHaveLength(sentAtIssue + 2);
    expect((await load(SHOP, template.id)).body.events.filter((event) => event.type === "run.resent")).toHaveLength(2);
  });

  it("records one resend when the same form arrives twice at the same instant", async () => {
    const { template, run } = await issued();
    const { requestId } = (await load(SHOP, template.id)).body;
    const both = await Promise.all([
      post(SHOP, template.id, { intent: "resend", runId: run.id, requestId }),
      post(SHOP, template.id, { intent: "resend", runId: run.id, requestId }),
    ]);
    expect(both.map((done) => done.status)).toEqual([200, 200]);
    // Both may reach Stripe, under one idempotency key: Stripe sends the invoice once and replays.
    expect(stripeRequests(run.invoiceId, "send").filter((entry) => entry.idempotencyKey?.startsWith(`${run.id}:resend:`) && !entry.replayed)).toHaveLength(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.resent" } })).toBe(1);
  });
});

describe("refusals", () => {
  it("refuses to send a voided invoice again with a 409 that says why, in French for a French shop", async () => {
    const { shop, template, run } = await issued();
    const { requestId } = (await load(SHOP, template.id)).body;
    await post(SHOP, template.id, { intent: "void", runId: run.id, requestId });
    await prisma.shop.update({ where: { id: shop.id }, data: { locale: "fr" } });
    const sendsBefore = stripeRequests(run.invoiceId, "send").length;

    const refused = await post(SHOP, template.id, { intent: "resend", runId: run.id, requestId: "another-click" });
    expect(refused).toEqual({
      status: 409,
      location: null,
      body: expect.objectContaining({
        ok: false,
        code: "not_allowed",
        message:
          "Rien n’a été envoyé : cette facture est désormais « Annulée ». Seule une facture envoyée et pas encore payée peut être renvoyée. Son état actuel est affiché ci-dessous.",
      }),
    });
    expect(stripeRequests(run.invoiceId, "send")).toHaveLength(sendsBefore);

    // The same refusal in English for an English shop.
    await prisma.shop.update({ where: { id: shop.id }, data: { locale: "en" } });
    const english = await post(SHOP, template.id, { intent: "mark_uncollectible", runId: run.id, requestId: "a-third-click" });
    expect(english).toMatchObject({ status: 409, body: { code: "not_allowed", message: expect.stringContaining("this invoice is now “Void”") } });
  });

  it("tells the merchant to connect Stripe when the shop is not connected, and changes nothing", async () => {
    const { shop, template, run } = await issued();
    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: null } });
    const refused = await post(SHOP, template.id, { intent: "void", runId: run.id, requestId: "click" });
    expect(refused).toMatchObject({ status: 409, body: { code: "billing_not_connected", message: expect.stringContaining("Connect Stripe in Settings") } });
    expect(stripeRequests(run.invoiceId, "void")).toHaveLength(0);
    expect(stripeInvoice(run.invoiceId)?.status).toBe("open");
  });

  it("tells the merchant to reconnect Stripe when Stripe no longer lets Ritournelle act on the account", async () => {
    const { template, run } = await issued();
    stripeStandIn().control.disconnectAccount(MERCHANT);
    const refused = await post(SHOP, template.id, { intent: "mark_uncollectible", runId: run.id, requestId: "click" });
    expect(refused).toMatchObject({ status: 409, body: { code: "billing_not_connected", message: expect.stringContaining("Connect Stripe in Settings") } });
    expect(await runState(run.id)).toBe("sent");
  });

  it("answers 409 when Stripe refuses because the invoice changed there (paid before the webhook arrived)", async () => {
    const { template, run } = await issued();
    stripeStandIn().control.customerPay(run.invoiceId);
    const refused = await post(SHOP, template.id, { intent: "void", runId: run.id, requestId: "click" });
    expect(refused).toMatchObject({ status: 409, body: { code: "stripe_refused", message: expect.stringContaining("Reload the page") } });
    expect(stripeInvoice(run.invoiceId)?.status).toBe("paid");
    expect(await runState(run.id)).toBe("sent");
  });

  it("answers 503 saying Stripe could not be reached when it keeps failing, and records no resend", async () => {
    const { template, run } = await issued();
    stripeStandIn().control.setFaults(MERCHANT, { serverErrorRatio: 1 });
    // The app's own client retries a few times (about 2 s) before giving up.
    const failed = await post(SHOP, template.id, { intent: "resend", runId: run.id, requestId: "click" });
    stripeStandIn().control.clearFaults();
    expect(failed).toMatchObject({ status: 503, body: { code: "stripe_unavailable", message: "Stripe could not be reached, so this may not have been done. Try again in a few minutes." } });
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.resent" } })).toBe(0);
  });

  it("asks for the run: an action on an invoice without its id is a 400", async () => {
    const { template } = await issued();
    const refused = await post(SHOP, template.id, { intent: "void", requestId: "click" });
    expect(refused).toMatchObject({ status: 400, body: { code: "invalid_action", message: "This action is not available. Reload the page and try again." } });
  });
});

describe("tenants", () => {
  it("answers 404 to another shop posting this shop's run id, and Stripe hears nothing", async () => {
    const mine = await issued(SHOP, MERCHANT);
    const theirs = await issued(OTHER_SHOP, OTHER_MERCHANT);
    const requestsBefore = stripeStandIn().control.requests().length;

    for (const intent of ["resend", "void", "mark_uncollectible"]) {
      // Through their own template's URL, and through mine.
      for (const templateId of [theirs.template.id, mine.template.id]) {
        const refused = await post(OTHER_SHOP, templateId, { intent, runId: mine.run.id, requestId: "click" });
        expect({ intent, templateId, status: refused.status }).toEqual({ intent, templateId, status: 404 });
      }
    }
    expect(stripeStandIn().control.requests().length).toBe(requestsBefore);
    expect(stripeInvoice(mine.run.invoiceId)?.status).toBe("open");
    expect(await runState(mine.run.id)).toBe("sent");
  });

  it("answers 404 to a run of another template of the same shop posted through this template's page", async () => {
    const first = await issued();
    const second = await issued();
    const refused = await post(SHOP, first.template.id, { intent: "void", runId: second.run.id, requestId: "click" });
    expect(refused.status).toBe(404);
    expect(stripeInvoice(second.run.invoiceId)?.status).toBe("open");
  });
});
