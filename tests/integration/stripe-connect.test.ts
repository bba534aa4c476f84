// Connecting a shop to the merchant's Stripe account (Connect OAuth) and
// disconnecting it, through the settings action (session token) and the
// public callback route, against the stand-in's Connect endpoints.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { action as settingsAction } from "~/routes/app.settings.stripe";
import { loader as callbackLoader } from "~/routes/stripe.oauth.callback";
import { loader as startLoader } from "~/routes/stripe.oauth.start";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { completeStripeConnect } from "~/services/stripe-connect/complete.server";
import { startStripeConnect } from "~/services/stripe-connect/start.server";
import { openConnectStart } from "../helpers/stripe";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { asResponse, callRoute } from "../helpers/remix";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { approveConsent, MERCHANT, OTHER_MERCHANT, startStripe, STRIPE_CLIENT_ID, testClient } from "../helpers/stripe";

const SHOP = "atelier-dupont.myshopify.com";
const OTHER_SHOP = "boulangerie-martin.myshopify.com";
const CALLBACK = "https://ritournelle.test/stripe/oauth/callback";
const REAUTHORIZE = "X-Shopify-API-Request-Failure-Reauthorize-Url";

let standIn: StripeStandIn;

beforeAll(async () => {
  await configureDatabase(prisma);
  standIn = await startStripe({ oauth: { clientId: STRIPE_CLIENT_ID, redirectUris: [CALLBACK] } });
  await storeOfflineSession(SHOP);
  await storeOfflineSession(OTHER_SHOP);
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(async () => {
  await prisma.shop.deleteMany();
  standIn.control.reset();
  standIn.control.configureWebhooks({ paused: true });
});

/**
 * The merchant clicks a button of the settings page's Stripe card; returns
 * where the browser goes: the top window (App Bridge's 401 + header, from a
 * fetch) or the app's own frame (a plain redirect).
 */
/** The merchant's browser: the cookies it keeps for the app (only the Stripe OAuth one matters here). */
type Browser = { cookie: string | null };
let browser: Browser = { cookie: null };
beforeEach(() => {
  browser = { cookie: null };
});

/** The top window opens our start page (first-party): it sets the browser's cookie and redirects to Stripe. */
async function openStart(start: URL, into: Browser = browser): Promise<Response> {
  const response = asResponse(await callRoute(startLoader, new Request(start)));
  const setCookie = response.headers.get("set-cookie");
  if (setCookie) into.cookie = setCookie.split(";")[0]!;
  return response;
}

/**
 * The merchant clicks a button of the settings page's Stripe card; returns
 * where the browser goes: for "connect", the top window (App Bridge's 401 +
 * header, from a fetch) to our start page, which sends it on to Stripe's
 * consent page (returned); for "disconnect", the app's own frame.
 */
async function click(shop: string, intent: "connect" | "disconnect", into: Browser = browser): Promise<URL> {
  const request = adminFetchRequest("/app/settings/stripe", mintSessionToken(shop), { method: "POST", body: new URLSearchParams({ intent }) });
  const response = asResponse(await callRoute(settingsAction, request));
  if (intent === "connect") {
    expect(response.status).toBe(401);
    const start = new URL(response.headers.get(REAUTHORIZE)!);
    expect(`${start.origin}${start.pathname}`).toBe("https://ritournelle.test/stripe/oauth/start");
    const hop = await openStart(start, into);
    expect(hop.status).toBe(302);
    return new URL(hop.headers.get("location")!);
  }
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!, "https://ritournelle.test");
}

/** The merchant approves on Stripe's consent page: Stripe redirects back with a code and the state. */
const approve = (consent: URL, account = MERCHANT): URL => approveConsent(standIn, consent, account);

/** Stripe's redirect back, in a browser (by default the one that clicked). */
async function callback(url: URL, from: Browser = browser): Promise<Response> {
  return asResponse(await callRoute(callbackLoader, new Request(url, { headers: from.cookie ? { cookie: from.cookie } : {} })));
}

async function billingOf(domain: string) {
  return (await prisma.shop.findUniqueOrThrow({ where: { domain } })).billingAccountId;
}

describe("Connect with Stripe", () => {
  it("sends the top window to Stripe's consent page, then connects the shop and returns to the app's settings", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    const consent = await click(SHOP, "connect");

    expect(consent.origin).toBe(standIn.url);
    expect(consent.pathname).toBe("/oauth/authorize");
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({ response_type: "code", client_id: STRIPE_CLIENT_ID, scope: "read_write", redirect_uri: CALLBACK });
    const state = consent.searchParams.get("state")!;
    expect(Buffer.from(state, "base64url")).toHaveLength(32);
    // Only the state's hash is kept.
    expect(await prisma.stripeOAuthState.findMany()).toMatchObject([{ stateHash: createHash("sha256").update(state).digest("hex"), usedAt: null }]);
    expect((await fetch(consent)).status).toBe(200); // Stripe's page accepts the app, the state and the redirect

    const back = await callback(approve(consent));
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("https://admin.shopify.com/store/atelier-dupont/apps/test-api-key/app/settings");
    expect(await billingOf(SHOP)).toBe(MERCHANT);
  });

  it("binds the consent to the browser that clicked: approved in another merchant's browser, it connects nothing", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    await createShop({ domain: OTHER_SHOP, billingAccountId: null });
    // Shop A starts a connection; its consent link reaches another merchant, who approves it with their own Stripe account.
    const consent = await click(SHOP, "connect");
    const approvedByOther = approve(consent, OTHER_MERCHANT);
    const otherBrowser: Browser = { cookie: null };

    const refused = await callback(approvedByOther, otherBrowser);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("This connection was started in another browser");
    expect(await billingOf(SHOP)).toBeNull();
    expect(await billingOf(OTHER_SHOP)).toBeNull();
    // A cookie made up by the other browser does not pass either.
    const forgedCookie: Browser = { cookie: `ritournelle_stripe_oauth=${"A".repeat(43)}` };
    expect(await (await callback(approvedByOther, forgedCookie)).text()).toContain("started in another browser");
    // In the merchant's language.
    const french = asResponse(await callRoute(callbackLoader, new Request(approvedByOther, { headers: { "accept-language": "fr-FR" } })));
    expect(await french.text()).toContain("Cette connexion a été commencée dans un autre navigateur");

    // In the browser that clicked, the same state still completes (into shop A, the shop that asked).
    const own = await callback(approve(consent));
    expect(own.status).toBe(302);
    expect(await billingOf(SHOP)).toBe(MERCHANT);
    expect(own.headers.get("set-cookie")).toMatch(/^ritournelle_stripe_oauth=; Path=\/stripe\/oauth; Max-Age=0; HttpOnly; SameSite=Lax/);
  });

  it("sets a short-lived, HttpOnly, SameSite cookie on our own origin; a start link opened a second time is refused", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    const request = adminFetchRequest("/app/settings/stripe", mintSessionToken(SHOP), { method: "POST", body: new URLSearchParams({ intent: "connect" }) });
    const start = new URL(asResponse(await callRoute(settingsAction, request)).headers.get(REAUTHORIZE)!);
    const first = await openStart(start);
    expect(first.headers.get("set-cookie")).toMatch(/^ritournelle_stripe_oauth=[\w-]{43}; Path=\/stripe\/oauth; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    // The state records who clicked: the shop and the admin user of the session token.
    expect(await prisma.stripeOAuthState.findFirstOrThrow()).toMatchObject({ userId: expect.any(String), browserHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // The link forwarded to (or replayed in) another browser: it is already bound.
    const second = await openStart(start, { cookie: null });
    expect(second.status).toBe(400);
    expect(await second.text()).toContain("This connection link was already opened, or is too old.");
  });

  it("uses a state once: the same redirect again connects nothing and says so", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    const redirect = approve(await click(SHOP, "connect"));
    expect((await callback(redirect)).status).toBe(302);
    await prisma.shop.update({ where: { domain: SHOP }, data: { billingAccountId: null } });

    const again = await callback(redirect);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This connection request was already used.");
    expect(await billingOf(SHOP)).toBeNull();
  });

  it("lets a state expire after 10 minutes", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: null });
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const late = await openConnectStart((await startStripeConnect(shop.domain, { clock })).url, { clock });
    const inTime = await openConnectStart((await startStripeConnect(shop.domain, { clock })).url, { clock });

    clock.advance({ minutes: 10, seconds: 1 });
    expect(await completeStripeConnect(approve(late.consent).searchParams, { clock, browserSecret: late.browserSecret })).toMatchObject({ ok: false, reason: "expired" });
    clock.set("2026-01-10T10:09:59Z");
    expect(await completeStripeConnect(approve(inTime.consent).searchParams, { clock, browserSecret: inTime.browserSecret })).toMatchObject({ ok: true, account: MERCHANT });
  });

  it("binds the state to the shop that asked, whatever the URL says", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    await createShop({ domain: OTHER_SHOP, billingAccountId: null });
    const redirect = approve(await click(SHOP, "connect"));
    redirect.searchParams.set("shop", OTHER_SHOP);

    expect((await callback(redirect)).status).toBe(302);
    expect(await billingOf(SHOP)).toBe(MERCHANT);
    expect(await billingOf(OTHER_SHOP)).toBeNull();
  });

  it("explains a declined consent, a state it did not issue and a code Stripe refuses", async () => {
    await createShop({ domain: SHOP, billingAccountId: null });
    const consent = await click(SHOP, "connect");
    const declined = new URL(CALLBACK);
    declined.searchParams.set("error", "access_denied");
    declined.searchParams.set("state", consent.searchParams.get("state")!);
    const page = await callback(declined);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("The connection was declined on Stripe");

    const forged = new URL(CALLBACK);
    forged.searchParams.set("code", "ac_forged");
    forged.searchParams.set("state", "not-a-state-we-issued");
    expect(await (await callback(forged)).text()).toContain("This link does not come from a connection started in Ritournelle.");

    const bogusCode = new URL(CALLBACK);
    bogusCode.searchParams.set("code", "ac_bogus");
    bogusCode.searchParams.set("state", (await click(SHOP, "connect")).searchParams.get("state")!);
    expect(await (await callback(bogusCode)).text()).toContain("Stripe refused to complete the connection");
    expect(await billingOf(SHOP)).toBeNull();
  });

  it("resumes the runs that waited for a Stripe account: the worker issues them at once", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ domain: SHOP, billingAccountId: null });
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    const worker = new Worker({ gateway: new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore), clock, random: () => 0.5 });
    await drain(worker);
    const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(waiting).toMatchObject({ state: "planned", lastErrorCode: "billing_not_connected" });
    expect(waiting.nextAttemptAt!.getTime()).toBeGreaterThan(clock.now().epochMilliseconds);

    const opened = await openConnectStart((await startStripeConnect(SHOP, { clock })).url, { clock });
    expect(await completeStripeConnect(approve(opened.consent).searchParams, { clock, browserSecret: opened.browserSecret })).toMatchObject({ ok: true, resumedRuns: 1 });
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      lastErrorCode: null,
      nextAttemptAt: new Date(clock.now().epochMilliseconds),
    });
    expect(await prisma.runEvent.findMany({ where: { runId: waiting.id, type: "run.resumed" } })).toMatchObject([{ cause: "billing_connected" }]);

    await drain(worker);
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ state: "sent" });
  });
});

describe("Disconnect", () => {
  it("revokes access at Stripe, clears the account and holds the runs still to issue, with the reason", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    const template = await createTemplate(shop, templateInput(), { clock });
    const planned = await prisma.invoiceRun.create({
      data: {
        shopId: shop.id,
        templateId: template.id,
        periodIndex: 0,
        periodDate: "2026-01-15",
        scheduledAt: new Date("2026-01-15T08:00:00Z"),
        state: "planned",
        nextAttemptAt: new Date("2026-01-15T08:00:00Z"),
        currency: "EUR",
        expectedTotal: template.periodTotal,
        snapshot: "{}",
      },
    });

    const back = await click(SHOP, "disconnect");
    expect(back.pathname).toBe("/app/settings");
    expect(standIn.control.accounts().find((account) => account.id === MERCHANT)?.connected).toBe(false);
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ billingAccountId: null, billingDisconnectedAt: expect.any(Date) });
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: planned.id } })).toMatchObject({ state: "planned", lastErrorCode: "billing_not_connected" });
    expect(await prisma.runEvent.findMany({ where: { runId: planned.id } })).toMatchObject([{ type: "run.waiting", actor: "merchant", cause: "billing_disconnected" }]);

    // Again: nothing more to do.
    expect((await click(SHOP, "disconnect")).pathname).toBe("/app/settings");
    expect(await prisma.runEvent.count({ where: { runId: planned.id } })).toBe(1);
  });

  it("keeps Stripe access when another shop of the merchant still uses the account", async () => {
    await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    await createShop({ domain: OTHER_SHOP, billingAccountId: MERCHANT });
    await click(SHOP, "disconnect");

    expect(await billingOf(SHOP)).toBeNull();
    expect(await billingOf(OTHER_SHOP)).toBe(MERCHANT);
    expect(standIn.control.accounts().find((account) => account.id === MERCHANT)?.connected).toBe(true);
    expect(standIn.control.accounts().find((account) => account.id === OTHER_MERCHANT)?.connected).toBe(true);
  });
});
