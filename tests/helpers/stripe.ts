// The Stripe stand-in for the app's tests: started once per test file, with
// the app's configuration pointed at it (STRIPE_API_URL), and builders for
// invoice requests whose expected totals come from the domain's own math.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import type { Shop } from "@prisma/client";
import { resetConfigForTests } from "~/config.server";
import { afterAll, beforeAll, beforeEach } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { draftInvoice, type InvoiceDraftInput } from "~/domain/invoice-draft";
import { StripeClient, type StripeClientOptions } from "~/gateways/stripe/client.server";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import type {
  CustomerMapping,
  CustomerMappingKey,
  StripeCustomerStore,
  StripeTaxRateStore,
  TaxRateKey,
} from "~/gateways/stripe/billing-stores.server";
import type { InvoiceRequest } from "~/domain/billing";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { bindStripeConnectBrowser } from "~/services/stripe-connect/start.server";
import type { ConnectOptions } from "~/services/stripe-connect/oauth.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { DEFAULT_SECRET_KEY, startStripeStandIn, type StandInOptions, type StripeStandIn } from "../../sandbox/stripe/server";
import { createShop, drain, templateInput } from "./recurring";

export const STRIPE_CLIENT_ID = "ca_ritournelle_tests";
export const STRIPE_WEBHOOK_SECRET = "whsec_ritournelle_tests";
export const MERCHANT = "acct_1AtelierDupont";
export const OTHER_MERCHANT = "acct_1BoulangerieMartin";

/**
 * Starts a stand-in with two connected merchants and points the app's
 * configuration at it. Call once per file (beforeAll) and close it afterAll.
 */
export async function startStripe(options: StandInOptions = {}): Promise<StripeStandIn> {
  const standIn = await startStripeStandIn({
    oauth: { clientId: STRIPE_CLIENT_ID },
    accounts: [
      { id: MERCHANT, businessName: "Atelier Dupont", country: "FR", defaultCurrency: "eur", invoicePrefix: "ATDUP" },
      { id: OTHER_MERCHANT, businessName: "Boulangerie Martin", country: "FR", defaultCurrency: "eur", invoicePrefix: "BOUL" },
    ],
    ...options,
  });
  process.env.STRIPE_SECRET_KEY = DEFAULT_SECRET_KEY;
  process.env.STRIPE_CLIENT_ID = STRIPE_CLIENT_ID;
  process.env.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET;
  process.env.STRIPE_API_URL = standIn.url;
  resetConfigForTests();
  return standIn;
}

/**
 * A client of its own on the stand-in, with quick retries and, unless the
 * test is about rate limits, a limit high enough not to slow tests down.
 */
export function testClient(standIn: StripeStandIn, options: Partial<StripeClientOptions> = {}): StripeClient {
  return new StripeClient({
    secretKey: DEFAULT_SECRET_KEY,
    apiUrl: standIn.url,
    requestsPerSecond: 1000,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
}

/** Customer and tax-rate mappings kept in memory: the gateway's tests look at Stripe, not at our tables. */
export class MemoryStripeStores {
  readonly customerRows = new Map<string, CustomerMapping & { email: string; shopifyCustomerId: string | null }>();
  readonly taxRateRows = new Map<string, string>();

  readonly customers: StripeCustomerStore = {
    find: async (key) => this.customerRows.get(customerKey(key)) ?? null,
    save: async (key, mapping) => {
      this.customerRows.set(customerKey(key), mapping);
    },
    forget: async (key) => {
      this.customerRows.delete(customerKey(key));
    },
  };

  readonly taxRates: StripeTaxRateStore = {
    find: async (key) => this.taxRateRows.get(taxKey(key)) ?? null,
    save: async (key, id) => {
      if (!this.taxRateRows.has(taxKey(key))) this.taxRateRows.set(taxKey(key), id);
    },
    forget: async (key) => {
      this.taxRateRows.delete(taxKey(key));
    },
  };
}

function customerKey(key: CustomerMappingKey): string {
  return `${key.shopDomain}|${key.account}|${key.customerKey}`;
}

function taxKey(key: TaxRateKey): string {
  return `${key.account}|${key.percentage}|${key.inclusive}|${key.displayName}`;
}

let runCount = 0;

/**
 * An invoice request for `draft` (lines, shipping, taxes) whose expectedTotal
 * is what app/domain/invoice-draft.ts computes: the tests check that Stripe
 * agrees with the domain to the minor unit.
 */
export function invoiceRequest(draft: InvoiceDraftInput, overrides: Partial<InvoiceRequest> = {}): InvoiceRequest {
  runCount += 1;
  const computed = draftInvoice(draft);
  return {
    runId: `run_${runCount}`,
    templateId: "tpl_1",
    shopDomain: "atelier-dupont.myshopify.com",
    account: MERCHANT,
    periodIndex: 0,
    periodDate: "2026-01-15",
    currency: draft.currency,
    customer: {
      shopifyCustomerId: `gid://shopify/Customer/${7000 + runCount}`,
      name: "Claire Martin",
      email: "claire.martin@example.fr",
      locale: "fr",
      address: { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" },
    },
    lines: computed.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      discountAmount: line.discountAmount,
      taxes: line.taxes.map((tax) => ({ title: tax.title, ratePercent: tax.ratePercent, inclusive: tax.inclusive })),
    })),
    daysUntilDue: 14,
    expectedTotal: computed.expectedTotal,
    ...overrides,
  };
}

/**
 * The merchant approves on the stand-in's Connect consent page (`consent`, the
 * URL the app sent the browser to) for `account`: returns Stripe's redirect
 * back to the app, with a fresh authorization code and the consent's state.
 */
/**
 * The merchant's top window opening the URL "Connect with Stripe" returned
 * (our /stripe/oauth/start): the state is bound to this browser. Returns
 * Stripe's consent page it goes on to, and the secret its cookie holds (for
 * completeStripeConnect's `browserSecret`).
 */
export async function openConnectStart(startUrl: string, options: ConnectOptions = {}): Promise<{ consent: URL; browserSecret: string }> {
  const binding = await bindStripeConnectBrowser(new URL(startUrl).searchParams.get("state") ?? "", options);
  if (!binding.ok) throw new Error(binding.message);
  return { consent: new URL(binding.consentUrl), browserSecret: binding.browserSecret };
}

export function approveConsent(standIn: StripeStandIn, consent: URL, account = MERCHANT): URL {
  const { redirectUrl } = standIn.control.authorize({
    accountId: account,
    state: consent.searchParams.get("state")!,
    redirectUri: consent.searchParams.get("redirect_uri")!,
  });
  return new URL(redirectUrl!);
}

/** A webhook delivery signed as Stripe signs it (optionally with another secret or an old timestamp). */
export function signedWebhookRequest(payload: string, options: { secret?: string; timestamp?: number; signature?: string } = {}): Request {
  const header =
    options.signature ??
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    });
  return new Request("https://ritournelle.test/webhooks/stripe", {
    method: "POST",
    body: payload,
    headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header },
  });
}

/** The stand-in's stored events about one invoice of `account`, oldest first, as the JSON bodies Stripe would deliver. */
export function invoiceEvents(standIn: StripeStandIn, invoiceId: string, types: string[], account = MERCHANT): string[] {
  return standIn.control
    .events(account)
    .filter((event) => types.includes(event.type) && (event.data.object as { id?: string }).id === invoiceId)
    .map((event) => JSON.stringify(event));
}

/**
 * Lets the stand-in deliver its signed webhooks to the app's route: an HTTP
 * server that hands each delivery, bytes and headers unchanged, to `action`.
 */
export async function forwardWebhooksTo(
  standIn: StripeStandIn,
  action: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>,
): Promise<{ statuses: number[]; close(): Promise<void> }> {
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`https://ritournelle.test${req.url ?? "/"}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      action({ request, params: {}, context: {} }).then(
        (response) => {
          statuses.push(response.status);
          res.writeHead(response.status).end();
        },
        () => {
          statuses.push(500);
          res.writeHead(500).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  standIn.control.setWebhookEndpoints([{ url, secret: STRIPE_WEBHOOK_SECRET, scope: "connect" }]);
  return {
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let templateCount = 0;

/**
 * A shop connected to `account` whose template's first period (2 × 24.90 +
 * 4.90 shipping, VAT 20 % included) was issued by the worker through the
 * Stripe gateway on our tables: the run is `sent`, its invoice open at Stripe.
 */
export async function issuedRun(standIn: StripeStandIn, options: { account?: string; shop?: Shop; shopifyCustomerId?: string } = {}) {
  templateCount += 1;
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = options.shop ?? (await createShop({ billingAccountId: options.account ?? MERCHANT }));
  const input = templateInput();
  // A customer of its own unless told (e.g. one the Shopify stand-in knows, for a write-back).
  const shopifyCustomerId = options.shopifyCustomerId ?? `gid://shopify/Customer/${9000 + templateCount}`;
  const template = await createTemplate(shop, { ...input, customer: { ...input.customer, shopifyCustomerId } }, { clock });
  clock.set("2026-01-15T08:00:00Z");
  const gateway = new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore);
  await drain(new Worker({ gateway, clock, random: () => 0.5 }));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  if (run.state !== "sent" || !run.invoiceId) throw new Error(`the run was not issued: ${run.state} ${run.lastErrorMessage ?? ""}`);
  return { shop, template, run: { ...run, invoiceId: run.invoiceId }, clock };
}

/**
 * One Stripe stand-in for the test file, and a clean slate before each test:
 * no shops (everything tenant-owned cascades), no cached tax rates, an empty
 * stand-in with webhook delivery paused (tests deliver what they mean to).
 * Returns the running stand-in's accessor.
 */
export function withStripeStandIn(): () => StripeStandIn {
  let standIn: StripeStandIn | undefined;
  beforeAll(async () => {
    await configureDatabase(prisma);
    standIn = await startStripe();
  });
  afterAll(async () => {
    await standIn?.close();
  });
  beforeEach(async () => {
    await prisma.shop.deleteMany();
    await prisma.stripeTaxRate.deleteMany();
    standIn!.control.reset();
    standIn!.control.configureWebhooks({ paused: true });
  });
  return () => standIn!;
}
