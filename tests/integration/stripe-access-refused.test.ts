// Stripe refusing Ritournelle's access is a configuration to fix, not an
// outage to retry (issue 12, item 4): through the worker, the Stripe rail on
// our tables and the real SDK against the stand-in, a connected account whose
// access was revoked (403 account_invalid) and a refused platform key (401)
// hold the runs after at most one call each, are logged once at error level,
// show the merchant one banner on the home and template pages, and the runs
// resume where they stopped once the merchant reconnects (or the operator
// fixes the key).
import pino from "pino";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "~/config.server";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { toBillingError } from "~/gateways/stripe/errors.server";
import { loader as homeLoader } from "~/routes/app._index";
import { loader as pageLoader } from "~/routes/app.templates.$id";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { completeStripeConnect } from "~/services/stripe-connect/complete.server";
import { startStripeConnect } from "~/services/stripe-connect/start.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker, type WorkerOptions } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { DEFAULT_SECRET_KEY } from "../../sandbox/stripe/server";
import { createShop, drain, PERIOD_TOTAL, templateInput } from "../helpers/recurring";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { approveConsent, MERCHANT, openConnectStart, OTHER_MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
let shopify: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  shopify = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(shopify.url);
});
afterAll(async () => {
  unroute();
  await shopify.close();
});
afterEach(async () => {
  process.env.STRIPE_SECRET_KEY = DEFAULT_SECRET_KEY;
  resetConfigForTests();
  await prisma.stripeKeyRefusal.deleteMany(); // not a shop's row: the stand-in helper's reset does not reach it
});

/** A platform key Stripe does not know (rolled in the Dashboard, say), still in the configuration. */
const REFUSED_KEY = "sk_test_rolled0ldKey0000000000";
/** The worker's default: how long a held run waits before it looks again. */
const RECHECK_MS = 300_000;

type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** The pino logger a worker is given, writing to memory. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, errors: () => lines.filter((line) => line.level >= 50) };
}

function worker(clock: ManualClock, options: Partial<WorkerOptions> & { secretKey?: string } = {}): Worker {
  const { secretKey = DEFAULT_SECRET_KEY, ...rest } = options;
  const gateway = new StripeBillingAdapter(testClient(stripeStandIn(), { secretKey }), stripeCustomerStore, stripeTaxRateStore);
  return new Worker({ gateway, clock, random: () => 0.5, ...rest });
}

/** `count` monthly templates of `shop`, each for a customer of its own, all due at the returned clock. */
async function dueTemplates(shop: Awaited<ReturnType<typeof createShop>>, count: number, clock: ManualClock, firstCustomer: number): Promise<string[]> {
  const input = templateInput();
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const customer = { ...input.customer, shopifyCustomerId: `gid://shopify/Customer/${firstCustomer + index}` };
    ids.push((await createTemplate(shop, { ...input, customer }, { clock })).id);
  }
  return ids;
}

/** The requests the stand-in received for one connected account (answered or refused). */
function callsFor(account: string) {
  return stripeStandIn().control.requests().filter((entry) => entry.stripeAccountHeader === account);
}

type HoldBody = { billingHold: { scope: string; since: string } | null };

async function homeHold(shop: string): Promise<HoldBody["billingHold"]> {
  const body = (await callRoute(homeLoader, adminFetchRequest("/app", mintSessionToken(shop)))) as { dashboard: HoldBody };
  return body.dashboard.billingHold;
}

async function templatePageHold(shop: string, id: string): Promise<HoldBody["billingHold"]> {
  const body = (await callRoute(pageLoader, adminFetchRequest(`/app/templates/${id}`, mintSessionToken(shop)), { id })) as HoldBody;
  return body.billingHold;
}

/** Every run is sent with exactly one invoice at Stripe, its own. */
async function expectEachSentOnce(account: string) {
  const runs = await prisma.invoiceRun.findMany({ where: { shop: { billingAccountId: account } } });
  expect(runs.map((run) => run.state)).toEqual(runs.map(() => "sent"));
  const ledger = stripeStandIn().control.ledger(account);
  for (const run of runs) {
    expect(ledger.filter((invoice) => invoice.metadata?.run_id === run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
  }
  expect(ledger.filter((invoice) => invoice.status === "open" && invoice.total === PERIOD_TOTAL)).toHaveLength(runs.length);
  return runs;
}

describe("a connected account that no longer grants access", () => {
  it("holds its 50 due runs after at most one Stripe call each, logs one error, shows one banner, and sends all 50 once the merchant reconnects", async () => {
    const RUNS = 50;
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT });
    const [firstTemplate] = await dueTemplates(shop, RUNS, clock, 8100);
    clock.set("2026-01-15T08:00:00Z");
    // The merchant removed Ritournelle in Stripe's Dashboard and the
    // deauthorization webhook never arrived: the app learns it from its next call.
    stripeStandIn().control.disconnectAccount(MERCHANT, { notify: false });
    const { logger, errors } = capturedLogger();
    const issuing = worker(clock, { logger });

    await drain(issuing);

    const held = await prisma.invoiceRun.findMany({ where: { shopId: shop.id } });
    expect(held).toHaveLength(RUNS);
    for (const run of held) {
      expect(run).toMatchObject({ lastErrorCode: "billing_account_unavailable", leaseOwner: null });
      expect(["planned", "issuing"]).toContain(run.state);
    }
    const refused = callsFor(MERCHANT);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(RUNS); // at most one call per run…
    expect(refused.every((entry) => entry.status === 403)).toBe(true);
    expect(errors()).toHaveLength(1); // …and one error for the account, not one per run
    expect(errors()[0]).toMatchObject({ account: MERCHANT, shops: [DEMO_SHOP_DOMAIN], code: "billing_account_unavailable" });
    expect(errors()[0]!.msg).toContain("reconnects Stripe");

    // Held, not retried: the runs look again later, still without calling Stripe.
    clock.advance(RECHECK_MS + 1);
    await drain(issuing);
    expect(callsFor(MERCHANT)).toHaveLength(refused.length);
    expect(errors()).toHaveLength(1);

    const banner = { scope: "account", since: "2026-01-15T08:00:00.000Z" };
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toEqual(banner);
    expect(await templatePageHold(DEMO_SHOP_DOMAIN, firstTemplate!)).toEqual(banner);

    // The merchant reconnects the same account through Stripe Connect.
    const started = await startStripeConnect(DEMO_SHOP_DOMAIN, { clock, client: testClient(stripeStandIn()) });
    const { consent, browserSecret } = await openConnectStart(started.url, { clock, client: testClient(stripeStandIn()) });
    const connected = await completeStripeConnect(approveConsent(stripeStandIn(), consent, MERCHANT).searchParams, { clock, client: testClient(stripeStandIn()), browserSecret });
    expect(connected).toMatchObject({ ok: true, resumedRuns: RUNS });
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toBeNull();

    await drain(issuing);
    const sent = await expectEachSentOnce(MERCHANT);
    expect(sent).toHaveLength(RUNS);
    expect(errors()).toHaveLength(1);
  });
});

describe("a platform key Stripe refuses", () => {
  /** Two shops on two accounts, 6 due runs each. */
  async function twoShopsDue(clock: ManualClock) {
    const demo = await createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT });
    const other = await createShop({ domain: OTHER_SHOP_DOMAIN, billingAccountId: OTHER_MERCHANT });
    const [demoTemplate] = await dueTemplates(demo, 6, clock, 8200);
    await dueTemplates(other, 6, clock, 8300);
    clock.set("2026-01-15T08:00:00Z");
    return { demoTemplate: demoTemplate! };
  }

  it("holds every account's runs after at most one call each, logs one error naming the operator's action, tries the key once per recheck, and sends them all once Stripe accepts it again", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const { demoTemplate } = await twoShopsDue(clock);
    stripeStandIn().control.revokeSecretKey(); // the configured key, rolled in Stripe's Dashboard: 401 api_key_expired
    const { logger, errors, lines } = capturedLogger();
    const issuing = worker(clock, { logger });

    await drain(issuing);

    const held = await prisma.invoiceRun.findMany();
    expect(held).toHaveLength(12);
    for (const run of held) expect(run).toMatchObject({ lastErrorCode: "stripe_auth_failed", leaseOwner: null });
    const refused = stripeStandIn().control.requests();
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(held.length);
    expect(refused.every((entry) => entry.status === 401)).toBe(true);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ code: "stripe_auth_failed" });
    expect(errors()[0]!.msg).toContain("set a valid STRIPE_SECRET_KEY");

    // Every shop is told, and told it is not theirs to fix.
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toMatchObject({ scope: "platform" });
    expect(await homeHold(OTHER_SHOP_DOMAIN)).toMatchObject({ scope: "platform" });
    expect(await templatePageHold(DEMO_SHOP_DOMAIN, demoTemplate)).toMatchObject({ scope: "platform" });

    // At each recheck, one run (not twelve) tries the key again.
    clock.advance(RECHECK_MS + 1);
    await drain(issuing);
    expect(stripeStandIn().control.requests()).toHaveLength(refused.length + 1);
    expect(await prisma.invoiceRun.count({ where: { lastErrorCode: "stripe_auth_failed" } })).toBe(12);
    expect(errors()).toHaveLength(1);

    // The key works again: the next try succeeds, and every held run resumes at once.
    stripeStandIn().control.restoreSecretKey();
    clock.advance(RECHECK_MS + 1);
    await drain(issuing);
    await expectEachSentOnce(MERCHANT);
    await expectEachSentOnce(OTHER_MERCHANT);
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toBeNull();
    expect(errors()).toHaveLength(1);
    expect(lines.filter((line) => line.msg.startsWith("Stripe accepts the platform's secret key again"))).toHaveLength(1);
  });

  it("a worker started with another key is not held by the old key's refusal, and the banner goes with the old key", async () => {
    process.env.STRIPE_SECRET_KEY = REFUSED_KEY; // a key Stripe does not know: 401 "Invalid API Key provided"
    resetConfigForTests();
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await twoShopsDue(clock);
    const { logger, errors } = capturedLogger();

    await drain(worker(clock, { logger, secretKey: REFUSED_KEY }));
    expect(await prisma.invoiceRun.count({ where: { lastErrorCode: "stripe_auth_failed" } })).toBe(12);
    expect(stripeStandIn().control.requests().length).toBeLessThanOrEqual(12);
    expect(errors()).toHaveLength(1);
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toMatchObject({ scope: "platform" });

    // The operator configures a valid key and restarts: the held runs go out at their next look.
    process.env.STRIPE_SECRET_KEY = DEFAULT_SECRET_KEY;
    resetConfigForTests();
    expect(await homeHold(DEMO_SHOP_DOMAIN)).toBeNull();
    clock.advance(RECHECK_MS + 1);
    await drain(worker(clock, { logger }));
    await expectEachSentOnce(MERCHANT);
    await expectEachSentOnce(OTHER_MERCHANT);
    expect(errors()).toHaveLength(1);
  });
});

describe("what Stripe's refusals of access are", () => {
  it.each([
    [{ type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****0000", statusCode: 401 }, "stripe_auth_failed"],
    [{ type: "invalid_request_error", code: "api_key_expired", message: "Expired API Key provided", statusCode: 401 }, "stripe_auth_failed"],
    [
      {
        type: "invalid_request_error",
        code: "account_invalid",
        message: "The provided key 'sk_test_****0000' does not have access to account 'acct_1' (or that account does not exist). Application access may have been revoked.",
        statusCode: 403,
      },
      "billing_account_unavailable",
    ],
    [{ type: "invalid_request_error", message: "The provided key does not have the required permissions for this endpoint on account 'acct_1'.", statusCode: 403 }, "billing_account_unavailable"],
  ] as const)("%j is blocked (%s): held, never retried, and says who acts without claiming anyone was alerted", (raw, code) => {
    const error = toBillingError(Stripe.errors.StripeError.generate(raw));
    expect(error).toMatchObject({ kind: "blocked", code });
    expect(error.message).not.toMatch(/alerted/);
    expect(error.message).toMatch(code === "stripe_auth_failed" ? /nothing to change on your side/ : /Reconnect Stripe/);
  });
});
