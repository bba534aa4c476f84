// Write-back gives up cleanly (issue 12, item 5; tests/PROMISE.md §5): a paid
// invoice of a shop Ritournelle can no longer call (app uninstalled, no
// session, tokens refused) ends `abandoned` with its reason, Stripe's
// `invoice.paid` is answered 200, no lease is left behind, and nothing tries
// again: not Stripe's redeliveries, not the worker's sweep, not the merchant
// reinstalling. The template page says so, in the merchant's language.
//
// Through the real routes with real Requests, against the Stripe stand-in
// and the Shopify stand-in (every Admin call and token request is counted
// there), and the page's own components rendered to HTML.
import { beforeEach, describe, expect, it } from "vitest";
// First: the Shopify stand-in must load before the app's modules (see the helper).
import { recordAdminCalls, withShopifyStandIn } from "../helpers/shopify-stand-in";
import { AppProvider } from "@shopify/polaris";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type Stripe from "stripe";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { runTag, WRITE_BACK_MAX_ATTEMPTS } from "~/domain/write-back";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { polarisTranslations, translator, type Locale } from "~/i18n";
import { I18nProvider } from "~/i18n/react";
import { pendingWriteBackRunIds } from "~/models/write-back.server";
import { RunsSection } from "~/components/template/RunsSection";
import type { RunItemView } from "~/components/template/RunItem";
import { action as stripeWebhook } from "~/routes/webhooks.stripe";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { loader as templatePage } from "~/routes/app.templates.$id";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { resumePendingWriteBacks } from "~/services/write-back/resume-pending-write-backs.server";
import { WRITE_BACK_LEASE_MS, writeBackPaidRun } from "~/services/write-back/write-back-paid-run.server";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { callRoute } from "../helpers/remix";
import { createShop } from "../helpers/recurring";
import { adminFetchRequest, mintSessionToken, storeOfflineSession, webhookRequest } from "../helpers/shopify";
import { invoiceEvents, issuedRun, MERCHANT, signedWebhookRequest, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const shopifyStandIn = withShopifyStandIn();

/** A customer the Shopify stand-in's demo shop knows (Camille Dubois): a write-back of her runs would create a real order. */
const SEEDED_CUSTOMER = "gid://shopify/Customer/7410000000101";

beforeEach(async () => {
  await prisma.session.deleteMany();
  await prisma.webhookDelivery.deleteMany();
  // The shop as installed: the stand-in accepts the token again (a test before may have uninstalled the app).
  shopifyStandIn().control.addAccessToken(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, process.env.SCOPES!);
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

/** The demo shop, connected to MERCHANT, with a run sent and paid on Stripe's hosted page; `paid` is the `invoice.paid` body Stripe delivers. */
async function paidInvoiceOfWriteBackShop() {
  const shop = await createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT, settings: { writeBackOrders: true } });
  const issued = await issuedRun(stripeStandIn(), { shop, shopifyCustomerId: SEEDED_CUSTOMER });
  stripeStandIn().control.customerPay(issued.run.invoiceId);
  const [paid] = invoiceEvents(stripeStandIn(), issued.run.invoiceId, ["invoice.paid"]);
  if (!paid) throw new Error("the stand-in recorded no invoice.paid");
  return { ...issued, paid };
}

/**
 * Stripe's `invoice.paid` (`paid`) handled as the webhook route handles it,
 * its write-back run with `options` (a clock, an unreachable Admin API).
 */
function deliverPaid(paid: string, options: Parameters<typeof writeBackPaidRun>[1] = {}) {
  return processStripeEvent(JSON.parse(paid) as Stripe.Event, { afterPaid: (runId) => writeBackPaidRun(runId, options) });
}

/** The merchant removes the app: Shopify revokes every token, then delivers app/uninstalled. */
async function merchantUninstalls() {
  shopifyStandIn().control.uninstall(DEMO_SHOP_DOMAIN);
  expect(await statusOf(uninstalled, webhookRequest("app/uninstalled", DEMO_SHOP_DOMAIN, { id: 1 }))).toBe(200);
}

const writeBackOf = (runId: string) => prisma.writeBack.findUniqueOrThrow({ where: { runId } });
const ordersFor = (runId: string) => shopifyStandIn().control.createdOrders(DEMO_SHOP_DOMAIN).filter((record) => record.order.tags.includes(runTag(runId)));
const tokenRequestCount = () => shopifyStandIn().control.tokenRequests(DEMO_SHOP_DOMAIN).length;

/** Watches Shopify from now on: every Admin call and token request the app makes. */
function watchShopify() {
  const admin = recordAdminCalls(shopifyStandIn());
  const tokenRequestsBefore = tokenRequestCount();
  return {
    adminCalls: () => admin.calls(),
    tokenRequests: () => tokenRequestCount() - tokenRequestsBefore,
    stop: () => admin.stop(),
  };
}

/** The template page as the merchant's admin loads it (a session token: a shop without a session exchanges it, i.e. reinstalls). */
async function openTemplatePage(templateId: string, locale: Locale) {
  const request = adminFetchRequest(`/app/templates/${templateId}?locale=${locale}`, mintSessionToken(DEMO_SHOP_DOMAIN));
  const page = (await callRoute(templatePage, request, { id: templateId })) as { runs: RunItemView[]; template: { timeZone: string } };
  // The route's runs, rendered by the page's own timeline component in the merchant's language.
  const html = renderToStaticMarkup(
    createElement(
      AppProvider,
      { i18n: polarisTranslations(locale) },
      createElement(I18nProvider, {
        locale,
        children: createElement(RunsSection, { runs: page.runs, nextRunAt: null, timeZone: page.template.timeZone, requestId: "page", pending: { busy: false, intent: null, runId: null } }),
      }),
    ),
  );
  return { runs: page.runs, text: textOf(html) };
}

function textOf(html: string): string {
  const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&nbsp;": "\u00a0" };
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&(?:amp|lt|gt|quot|nbsp|#x27|#39);/g, (entity) => entities[entity] ?? entity)
    .replace(/\s+/g, " ");
}

describe("write-back gives up cleanly", () => {
  it("uninstalled shop: invoice.paid answers 200, the write-back is abandoned (shop_uninstalled) with no Admin call and no lease left; a redelivery changes nothing", async () => {
    const { run, paid } = await paidInvoiceOfWriteBackShop();
    await merchantUninstalls();
    const shopify = watchShopify();
    try {
      expect(await postStripe(paid)).toBe(200);
      const abandoned = await writeBackOf(run.id);
      expect(abandoned).toMatchObject({ state: "abandoned", lastError: "shop_uninstalled", leaseOwner: null, leaseExpiresAt: null, attempts: 1 });
      expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("paid");

      // Stripe delivers it again (and again): the same answer, the row untouched.
      expect(await postStripe(paid)).toBe(200);
      expect(await postStripe(paid)).toBe(200);
      expect(await writeBackOf(run.id)).toEqual(abandoned);

      expect(shopify.adminCalls()).toEqual([]);
      expect(shopify.tokenRequests()).toBe(0);
      expect(ordersFor(run.id)).toEqual([]);
    } finally {
      shopify.stop();
    }
  });

  it("no session: invoice.paid answers 200, the write-back is abandoned (no_session) without calling Shopify", async () => {
    const { run, paid } = await paidInvoiceOfWriteBackShop();
    // The shop is not marked uninstalled, but no offline session is stored (never installed, or deleted).
    await prisma.session.deleteMany();
    const shopify = watchShopify();
    try {
      expect(await postStripe(paid)).toBe(200);
      expect(await writeBackOf(run.id)).toMatchObject({ state: "abandoned", lastError: "no_session", leaseOwner: null, leaseExpiresAt: null });
      expect(await postStripe(paid)).toBe(200);
      expect(shopify.adminCalls()).toEqual([]);
      expect(shopify.tokenRequests()).toBe(0);
      expect(ordersFor(run.id)).toEqual([]);
    } finally {
      shopify.stop();
    }
  });

  it("a shop that no longer grants access (Shopify refuses its token and its renewal): invoice.paid answers 200, the write-back is abandoned (access_revoked), Shopify is not asked again", async () => {
    const { run, paid } = await paidInvoiceOfWriteBackShop();
    // Shopify revoked the app's tokens; no app/uninstalled reached us (lost, or not yet delivered).
    shopifyStandIn().control.uninstall(DEMO_SHOP_DOMAIN);
    const shopify = watchShopify();
    try {
      expect(await postStripe(paid)).toBe(200);
      const abandoned = await writeBackOf(run.id);
      expect(abandoned).toMatchObject({ state: "abandoned", lastError: "access_revoked", leaseOwner: null, leaseExpiresAt: null, attempts: 1 });
      const callsWhenAbandoned = { admin: shopify.adminCalls().length, token: shopify.tokenRequests() };

      expect(await postStripe(paid)).toBe(200);
      expect(await writeBackOf(run.id)).toEqual(abandoned);
      expect({ admin: shopify.adminCalls().length, token: shopify.tokenRequests() }).toEqual(callsWhenAbandoned);
      expect(ordersFor(run.id)).toEqual([]);
    } finally {
      shopify.stop();
    }
  });

  it("a write-back left pending before the uninstall is abandoned by the worker's sweep without an Admin call, and no sweep picks it up again", async () => {
    const { run, template, paid } = await paidInvoiceOfWriteBackShop();
    // The payment arrives while Shopify's answer to orderCreate is lost: the delivery fails (Stripe would be
    // answered 500), and the row waits, pending, its lease kept until it expires (the order may exist).
    const unreachable: AdminGraphql = { graphql: (async () => Promise.reject(new Error("socket hang up"))) as AdminGraphql["graphql"] };
    await expect(deliverPaid(paid, { adminFor: async () => unreachable })).rejects.toThrow("socket hang up");
    expect(await writeBackOf(run.id)).toMatchObject({ state: "pending", leaseOwner: expect.any(String), attempts: 1 });

    await merchantUninstalls();
    const shopify = watchShopify();
    try {
      const sweepClock = new ManualClock(new Date(Date.now() + WRITE_BACK_LEASE_MS + 1_000).toISOString());
      await resumePendingWriteBacks({ clock: sweepClock });
      const abandoned = await writeBackOf(run.id);
      // An earlier attempt's outcome is unknown: the page says to look for its order first (attempts 2, see below).
      expect(abandoned).toMatchObject({ state: "abandoned", lastError: "shop_uninstalled", leaseOwner: null, leaseExpiresAt: null, attempts: 2 });

      for (let tick = 0; tick < 3; tick++) {
        sweepClock.advance(24 * 3_600_000);
        expect(await pendingWriteBackRunIds(sweepClock.nowDate(), 1_000)).not.toContain(run.id);
        await resumePendingWriteBacks({ clock: sweepClock });
      }
      expect(await writeBackOf(run.id)).toEqual(abandoned);
      expect(shopify.adminCalls()).toEqual([]);
      expect(shopify.tokenRequests()).toBe(0);
      expect(ordersFor(run.id)).toEqual([]);
    } finally {
      shopify.stop();
    }

    // The merchant is told to look for the order the lost call may have created before recording the payment by hand.
    const { text } = await openTemplatePage(template.id, "en");
    expect(text).toContain(translator("en")("template.runs.writeBack.abandoned.triedBefore", { tag: runTag(run.id) }));
  });

  it("a locked shop refuses orderCreate before running it (423): the lease is released, the sweep backs off, and once the shop is open one order is made", async () => {
    const { run, paid } = await paidInvoiceOfWriteBackShop();
    const clock = new ManualClock(new Date().toISOString());
    shopifyStandIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "locked");
    try {
      await expect(deliverPaid(paid, { clock })).rejects.toThrow();
      // Shopify said no before running anything: no order can exist, so nobody has to wait for a lease to expire.
      const first = await writeBackOf(run.id);
      expect(first).toMatchObject({ state: "pending", leaseOwner: null, attempts: 1, nextAttemptAt: new Date(clock.nowDate().getTime() + 60_000) });

      // The sweep leaves it alone until its backoff is over, then tries again: refused again, the wait doubles.
      await resumePendingWriteBacks({ clock });
      expect(await writeBackOf(run.id)).toMatchObject({ attempts: 1 });
      clock.advance(60_000);
      await resumePendingWriteBacks({ clock });
      expect(await writeBackOf(run.id)).toMatchObject({ state: "pending", attempts: 2, nextAttemptAt: new Date(clock.nowDate().getTime() + 120_000) });
      clock.advance(60_000);
      await resumePendingWriteBacks({ clock });
      expect(await writeBackOf(run.id)).toMatchObject({ attempts: 2 });
    } finally {
      shopifyStandIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "open");
    }
    clock.advance(60_000);
    await resumePendingWriteBacks({ clock });
    expect(await writeBackOf(run.id)).toMatchObject({ state: "done", attempts: 3 });
    expect(ordersFor(run.id)).toHaveLength(1);
  });

  it("Shopify failing for about a day (a frozen shop): the write-back is given up (retries_exhausted), the page says so in English and French, and Stripe's redeliveries get 200", async () => {
    const { run, template, paid } = await paidInvoiceOfWriteBackShop();
    // A day passes on the app's clock only: a token that does not expire keeps renewals (a stand-in on its own clock) out of it.
    await prisma.session.deleteMany();
    await storeOfflineSession(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, { nonExpiring: true });
    const start = new Date();
    const clock = new ManualClock(start.toISOString());
    shopifyStandIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "frozen");
    try {
      await expect(deliverPaid(paid, { clock })).rejects.toThrow();
      let row = await writeBackOf(run.id);
      let sweeps = 0;
      while (row.state === "pending" && sweeps < 50) {
        clock.set(row.nextAttemptAt!.toISOString());
        await resumePendingWriteBacks({ clock });
        row = await writeBackOf(run.id);
        sweeps += 1;
      }
      expect(row).toMatchObject({ state: "abandoned", lastError: "retries_exhausted", attempts: WRITE_BACK_MAX_ATTEMPTS, leaseOwner: null });
      const hoursTried = (clock.nowDate().getTime() - start.getTime()) / 3_600_000;
      expect(hoursTried).toBeGreaterThan(20);
      expect(hoursTried).toBeLessThan(30);
    } finally {
      shopifyStandIn().control.setShopAvailability(DEMO_SHOP_DOMAIN, "open");
    }
    expect(ordersFor(run.id)).toEqual([]);
    expect(await postStripe(paid)).toBe(200);

    const en = await openTemplatePage(template.id, "en");
    expect(en.text).toContain(translator("en")("template.runs.writeBack.reason.retries_exhausted"));
    const fr = await openTemplatePage(template.id, "fr");
    expect(fr.text).toContain(translator("fr")("template.runs.writeBack.reason.retries_exhausted"));
  });

  it("the template page shows the abandoned write-back and its reason, in English and in French; reinstalling leaves it abandoned", async () => {
    const { run, template, paid } = await paidInvoiceOfWriteBackShop();
    await merchantUninstalls();
    expect(await postStripe(paid)).toBe(200);

    // The merchant opens the app again: a token exchange reinstalls it (a new session, the shop no longer uninstalled).
    const en = await openTemplatePage(template.id, "en");
    expect(await prisma.session.count({ where: { shop: DEMO_SHOP_DOMAIN, isOnline: false } })).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } })).uninstalledAt).toBeNull();
    expect(en.runs.find((view) => view.id === run.id)).toMatchObject({
      shopifyOrder: null,
      writeBack: { state: "abandoned", reason: "shop_uninstalled", triedBefore: false, tag: runTag(run.id) },
    });
    const english = translator("en");
    expect(en.text).toContain("This payment was not recorded in Shopify");
    expect(en.text).toContain(english("template.runs.writeBack.reason.shop_uninstalled"));
    expect(en.text).toContain(english("template.runs.writeBack.abandoned.body"));
    expect(en.text).not.toContain(english("template.runs.writeBack.abandoned.triedBefore", { tag: runTag(run.id) }));

    const fr = await openTemplatePage(template.id, "fr");
    expect(fr.text).toContain("Ce paiement n’a pas été enregistré dans Shopify");
    expect(fr.text).toContain(translator("fr")("template.runs.writeBack.reason.shop_uninstalled"));
    expect(fr.text).not.toContain("This payment was not recorded in Shopify");

    // Installed again, with a working token: still nothing retries it (the decision documented in write-back-paid-run.server.ts).
    const before = await writeBackOf(run.id);
    const shopify = watchShopify();
    try {
      expect(await postStripe(paid)).toBe(200);
      await resumePendingWriteBacks();
      expect(await writeBackOf(run.id)).toEqual(before);
      expect(ordersFor(run.id)).toEqual([]);
      expect(shopify.adminCalls()).toEqual([]);
    } finally {
      shopify.stop();
    }
  });
});
