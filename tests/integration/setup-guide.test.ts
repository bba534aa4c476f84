// The home page's setup guide through its real route module (App Bridge
// session tokens, a real SQLite database, the real pipeline against the Stripe
// stand-in): each step is checked off from what is really there — Stripe
// connected, a recurring invoice made, an invoice sent — and a dismissal is
// stored for the shop that asked, and only for it.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { action as homeAction, loader as homeLoader } from "~/routes/app._index";
import { createTemplate } from "~/services/templates/create.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, runStates, templateInput, testWorker } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { issuedRun, MERCHANT, withStripeStandIn } from "../helpers/stripe";

const SHOP = "atelier-dupont.myshopify.com";
const OTHER_SHOP = "boulangerie-martin.myshopify.com";

const stripeStandIn = withStripeStandIn();

beforeAll(async () => {
  await storeOfflineSession(SHOP);
  await storeOfflineSession(OTHER_SHOP);
});

type Guide = { steps: { id: string; done: boolean }[]; doneCount: number; dismissed: boolean };

async function guideOf(domain: string): Promise<Guide> {
  const loaded = (await callRoute(homeLoader, adminFetchRequest("/app", mintSessionToken(domain)))) as { setupGuide: Guide };
  return loaded.setupGuide;
}

const done = (guide: Guide) => Object.fromEntries(guide.steps.map((step) => [step.id, step.done]));

async function dismiss(domain: string, intent = "dismiss-setup-guide") {
  const request = adminFetchRequest("/app?index", mintSessionToken(domain), { method: "POST", body: new URLSearchParams({ intent }) });
  return routeAnswer(await callRoute(homeAction, request));
}

describe("the home page's setup guide", () => {
  it("checks each step off from real state: Stripe connected, a first recurring invoice, a first invoice sent", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: null });
    expect(await guideOf(SHOP)).toEqual({
      steps: [
        { id: "connect_stripe", done: false },
        { id: "first_template", done: false },
        { id: "first_invoice_sent", done: false },
      ],
      doneCount: 0,
      dismissed: false,
    });

    // A recurring invoice made before Stripe is connected: its invoices wait, nothing is sent.
    await createTemplate(shop, templateInput(), { clock: new ManualClock("2026-01-10T10:00:00Z") });
    expect(done(await guideOf(SHOP))).toEqual({ connect_stripe: false, first_template: true, first_invoice_sent: false });

    const connected = await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: MERCHANT } });
    expect(done(await guideOf(SHOP))).toEqual({ connect_stripe: true, first_template: true, first_invoice_sent: false });

    // The worker issues through the Stripe stand-in; the invoice goes out.
    await issuedRun(stripeStandIn(), { shop: connected });
    const guide = await guideOf(SHOP);
    expect(done(guide)).toEqual({ connect_stripe: true, first_template: true, first_invoice_sent: true });
    expect(guide.doneCount).toBe(3);
  });

  it("a failed invoice does not count as sent", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const template = await createTemplate(shop, templateInput(), { clock });
    // The worker plans the first period, which gives up at its first step.
    clock.set("2026-01-15T08:00:00Z");
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "permanent", periodIndex: 0 });
    await drain(testWorker(gateway, clock));
    expect((await runStates(template.id)).map(([, state]) => state)).toEqual(["failed"]);
    expect(done(await guideOf(SHOP)).first_invoice_sent).toBe(false);
  });

  it("is dismissed for the shop that asks, remembered on the server, and only for that shop", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    await createShop({ domain: OTHER_SHOP, billingAccountId: null });
    expect((await guideOf(SHOP)).dismissed).toBe(false);

    expect(await dismiss(SHOP)).toEqual({ status: 200, body: { ok: true }, location: null });
    const first = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(first.setupGuideDismissedAt).not.toBeNull();
    expect((await guideOf(SHOP)).dismissed).toBe(true);
    // The other shop still sees its guide.
    expect((await guideOf(OTHER_SHOP)).dismissed).toBe(false);

    // Dismissing again changes nothing (the first time is kept).
    await dismiss(SHOP);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).setupGuideDismissedAt).toEqual(first.setupGuideDismissedAt);
  });

  it("refuses a form that asks for something else, and changes nothing", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    expect((await dismiss(SHOP, "delete-everything")).status).toBe(400);
    expect((await guideOf(SHOP)).dismissed).toBe(false);
  });
});
