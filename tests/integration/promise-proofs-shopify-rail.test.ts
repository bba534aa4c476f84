// The engine's promise on the Shopify invoice rail (draft orders), through the
// worker, the app's background Admin client and the Shopify stand-in: one
// draft order per period, its invoice e-mailed once, whatever crashes or lost
// answers happen at any step — without idempotency keys (the run id travels
// on each draft as a tag and a metafield).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { BillingError, type BillingGateway } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { createShopifyRail, shopAdminFor } from "~/services/invoicing/shopify-rail.server";
import { collectCustomerData, eraseCustomerData } from "~/services/privacy/registry.server";
import { compareShopifyTotal } from "~/services/templates/shopify-total.server";
import { Worker } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "../../sandbox/shopify";
import { CrashError, MemoryGateway } from "../helpers/memory-gateway";
import { drain, runStates, templateInput } from "../helpers/recurring";
import { storeOfflineSession } from "../helpers/shopify";
import { installDemoShop, createShopifyRailTemplate, shopifyRailWorker, withShopifyRailStandIn } from "../helpers/shopify-rail";

const TOKEN = "shpat_rail_tests";
const standIn = withShopifyRailStandIn(TOKEN);
const RUN_LEASE_MS = 60_000;
const CAMILLE = "gid://shopify/Customer/7410000000101";
const THEO = "gid://shopify/Customer/7410000000102";
const COFFEE_1KG = "gid://shopify/ProductVariant/45100000000041";
/** The seeded 1 kg coffee (reduced VAT), as "make recurring" imports it. */
const coffeeLine = { title: "Café en grains", variantTitle: "1 kg", sku: "COF-1KG", variantId: COFFEE_1KG, quantity: 2, unitAmount: 2400, taxLines: [{ title: "TVA", ratePercent: "5.5" }] };

/** A Shopify-rail template of the demo shop with two periods due (Jan 15 and Feb 15): 2 × 24.90 + 4.90 shipping, VAT included. */
async function twoDuePeriods(overrides: Parameters<typeof templateInput>[0] = {}) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const base = templateInput();
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...base.customer, shopifyCustomerId: CAMILLE }, ...overrides }), clock);
  clock.set("2026-02-15T08:00:00Z");
  return { clock, shop, template };
}

function worker(shopifyGateway: BillingGateway, clock: ManualClock, workerId = "w1") {
  return shopifyRailWorker(clock, { shopifyGateway, workerId, retry: { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 }, runLeaseMs: RUN_LEASE_MS });
}

const draftsOf = (templateRuns: { id: string }[]) =>
  templateRuns.map((run) => standIn().control.draftOrders(DEMO_SHOP_DOMAIN).filter((d) => d.tags.includes(`ritournelle-run-${run.id}`)).length);

async function expectOneSentDraftPerPeriod(templateId: string) {
  const runs = await prisma.invoiceRun.findMany({ where: { templateId }, orderBy: { periodIndex: "asc" } });
  expect(runs.map((run) => run.state)).toEqual(["sent", "sent"]);
  expect(draftsOf(runs)).toEqual([1, 1]);
  const emails = standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN);
  expect(runs.map((run) => emails.filter((e) => e.draftId === run.invoiceId).length)).toEqual([1, 1]);
  return runs;
}

describe("the worker on the Shopify rail", () => {
  it("issues each due period as a draft order carrying the run id, e-mails its invoice once, and records Shopify's name, link and total", async () => {
    const { clock, template } = await twoDuePeriods();
    const stripe = new MemoryGateway();
    const w = new Worker({ gateway: stripe, shopifyGateway: createShopifyRail({ clock }), clock, random: () => 0.5, concurrency: 1 });
    await drain(w);
    const runs = await expectOneSentDraftPerPeriod(template.id);
    expect(stripe.ledger()).toEqual([]);
    const draft = standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.id === runs[0]!.invoiceId)!;
    expect(draft.metafields).toEqual([{ namespace: "ritournelle", key: "run_id", type: "single_line_text_field", value: runs[0]!.id }]);
    expect(draft.customerId).toBe(CAMILLE);
    expect(draft.shipping?.title).toBe("Colissimo");
    expect(draft.note).toContain("période du 2026-01-15");
    expect(runs[0]).toMatchObject({ invoiceNumber: draft.name, invoicedTotal: 5470, expectedTotal: 5470 });
    expect(runs[0]!.hostedInvoiceUrl).toMatch(/\/invoices\/[0-9a-f]+$/);
    const email = standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)[0]!;
    expect(email).toMatchObject({ to: "claire.martin@example.fr" });
    expect(email.customMessage).toMatch(/^Your invoice for the period of 2026-01-15/); // the shop's language: en by default
  });

  it("bills the variant while it exists, with the template's price and net terms for a 30-day due delay", async () => {
    const { clock } = await twoDuePeriods({ lines: [coffeeLine], policies: { daysUntilDue: 30 } });
    await drain(worker(createShopifyRail({ clock }), clock));
    const drafts = standIn().control.draftOrders(DEMO_SHOP_DOMAIN);
    expect(drafts.map((d) => d.lines.map((l) => [l.variantId, l.quantity, l.unit.shop]))).toEqual([[[COFFEE_1KG, 2, 2400]], [[COFFEE_1KG, 2, 2400]]]);
    expect(drafts.map((d) => d.paymentTerms?.template.name)).toEqual(["Net 30", "Net 30"]);
  });

  it("bills a custom line once the variant is deleted in Shopify; a 14-day delay is a fixed due date", async () => {
    const { clock, template } = await twoDuePeriods({ lines: [coffeeLine] }) // the shop's default delay: 14 days;
    standIn().control.setVariantDeleted(DEMO_SHOP_DOMAIN, COFFEE_1KG);
    await drain(worker(createShopifyRail({ clock }), clock));
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    const draft = standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.id === run.invoiceId)!;
    const description = (JSON.parse(run.snapshot) as { lines: { description: string }[] }).lines[0]!.description;
    expect(draft.lines.map((l) => [l.variantId, l.title, l.quantity])).toEqual([[null, description, 2]]);
    expect(draft.paymentTerms?.template.paymentTermsType).toBe("FIXED");
    expect(new Date(draft.paymentTerms!.dueAt!).toISOString()).toBe("2026-01-29T00:00:00.000Z");
    expect(run.state).toBe("sent");
  });
});

type Kind = "crash_before" | "crash_after";
const STEP_METHODS = { draft: "createDraft", lines: "addLines", finalize: "finalize", send: "send" } as const;

/** The Shopify rail, dying once (CrashError) before or after the adapter's step committed at Shopify, for period 0. */
function crashingRail(clock: ManualClock, step: keyof typeof STEP_METHODS, kind: Kind): BillingGateway {
  const rail = createShopifyRail({ clock });
  let armed = true;
  const method = STEP_METHODS[step];
  return new Proxy(rail, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== method || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const request = args[0] as { periodIndex: number };
        if (!armed || request.periodIndex !== 0) return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        armed = false;
        if (kind === "crash_before") throw new CrashError(step, false);
        await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        throw new CrashError(step, true);
      };
    },
  });
}

describe.each(["crash_before", "crash_after"] as const)("the worker dies %s Shopify commits", (kind) => {
  it.each(Object.keys(STEP_METHODS) as (keyof typeof STEP_METHODS)[])("at %s: a restarted worker converges to one draft and one e-mail per period", async (step) => {
    const { clock, template } = await twoDuePeriods();
    await expect(worker(crashingRail(clock, step, kind), clock, "crashed").runOnce()).rejects.toThrow(CrashError);
    const stuck = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(stuck).toMatchObject({ state: "issuing", step, leaseOwner: "crashed" });
    // The other run of the batch was not started: its lease was given back.
    expect(await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } })).toMatchObject({ state: "planned", leaseOwner: null });
    // Nothing e-mailed yet unless Shopify applied the send before the worker died.
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toHaveLength(step === "send" && kind === "crash_after" ? 1 : 0);

    const restarted = worker(createShopifyRail({ clock }), clock, "restarted");
    await drain(restarted);
    // The dead worker's lease still holds the crashed run (the other period is issued meanwhile)…
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({ state: "issuing", step, leaseOwner: "crashed" });
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "issuing"],
      ["2026-02-15", "sent"],
    ]);
    // …until it expires.
    clock.advance(RUN_LEASE_MS + 1);
    await drain(restarted);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    await expectOneSentDraftPerPeriod(template.id);
    if (step === "draft" && kind === "crash_after") {
      // The draft existed but the run never heard of it: found by its run id (a new draft is not searchable yet: the listing found it).
      expect(await prisma.runEvent.count({ where: { runId: stuck.id, type: "run.invoice_adopted" } })).toBe(1);
    }
  });
});

/**
 * A background Admin client whose answer to `operation` is lost once, after Shopify applied it (a dropped connection);
 * `meanwhile` runs once the call was applied, before the loss shows (what else happened in the shop by then).
 */
function losingAnswerOnce(clock: ManualClock, operation: string, meanwhile?: () => void) {
  let lost = false;
  const real = shopAdminFor({ clock });
  return async (shop: string): Promise<AdminGraphql> => {
    const admin = await real(shop);
    return {
      graphql: (async (document: string, options?: Parameters<AdminGraphql["graphql"]>[1]) => {
        const response = await admin.graphql(document, options);
        if (!lost && document.includes(operation)) {
          lost = true;
          meanwhile?.();
          throw new TypeError("fetch failed");
        }
        return response;
      }) as AdminGraphql["graphql"],
    };
  };
}

describe("answers lost after Shopify applied the call", () => {
  it("draftOrderCreate: the draft is found by its run id among the newest drafts (search lags) and adopted, not made twice", async () => {
    const { clock, template } = await twoDuePeriods();
    await drain(worker(createShopifyRail({ clock, adminFor: losingAnswerOnce(clock, "RitournelleDraftOrderCreate") }), clock));
    await expectOneSentDraftPerPeriod(template.id);
  });

  it("draftOrderCreate in a busy shop: found among every draft made since (60 of another customer's, newer), search lagging, and adopted", async () => {
    standIn().control.setSearchIndexLag(DEMO_SHOP_DOMAIN, 3_600_000); // the tag search never finds it during the test
    const { clock, template } = await twoDuePeriods();
    const othersMeanwhile = () => {
      for (let i = 0; i < 60; i++) {
        standIn().control.createDraftOrder(DEMO_SHOP_DOMAIN, {
          purchasingEntity: { customerId: THEO },
          lineItems: [{ title: `Commande téléphone ${i}`, quantity: 1, originalUnitPriceWithCurrency: { amount: "12.00", currencyCode: "EUR" } }],
        });
      }
    };
    const w = worker(createShopifyRail({ clock, adminFor: losingAnswerOnce(clock, "RitournelleDraftOrderCreate", othersMeanwhile) }), clock);
    await drain(w);
    clock.advance({ hours: 1 }); // a run left to retry (its draft not found) would retry now, and make a second draft
    await drain(w);
    await expectOneSentDraftPerPeriod(template.id);
    const drafts = standIn().control.draftOrders(DEMO_SHOP_DOMAIN);
    expect(drafts.filter((d) => d.customerId === THEO)).toHaveLength(60);
    const [first] = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    // The adopted draft is the one made before the 60 others (more than one page of the newest 50 back).
    expect(drafts.findIndex((d) => d.id === first!.invoiceId)).toBeLessThan(drafts.findIndex((d) => d.customerId === THEO));
  });

  it("draftOrderCreate, search index current: found by the tag search as well", async () => {
    standIn().control.setSearchIndexLag(DEMO_SHOP_DOMAIN, 0);
    const { clock, template } = await twoDuePeriods();
    await drain(worker(createShopifyRail({ clock, adminFor: losingAnswerOnce(clock, "RitournelleDraftOrderCreate") }), clock));
    await expectOneSentDraftPerPeriod(template.id);
  });

  it("draftOrderInvoiceSend: the draft shows it was sent, so it is not sent again", async () => {
    const { clock, template } = await twoDuePeriods();
    await drain(worker(createShopifyRail({ clock, adminFor: losingAnswerOnce(clock, "RitournelleDraftOrderInvoiceSend") }), clock));
    await expectOneSentDraftPerPeriod(template.id);
  });

  it("Shopify unreachable before anything ran: the run is retried later and issued once", async () => {
    const { clock, template } = await twoDuePeriods();
    let down = true;
    const real = shopAdminFor({ clock });
    const flaky = async (shop: string): Promise<AdminGraphql> => {
      if (down) {
        down = false;
        throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
      }
      return real(shop);
    };
    const w = worker(createShopifyRail({ clock, adminFor: flaky }), clock);
    await drain(w);
    const first = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(first).toMatchObject({ state: "issuing", lastErrorCode: "shopify_unreachable" });
    clock.advance({ hours: 1 });
    await drain(w);
    await expectOneSentDraftPerPeriod(template.id);
  });
});

describe("refusals", () => {
  it("a shop that has not granted draft orders: the run fails saying to approve the permission; nothing is created", async () => {
    standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, "read_orders,read_customers,write_orders,read_products");
    const { clock, template } = await twoDuePeriods();
    await drain(worker(createShopifyRail({ clock }), clock));
    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id } });
    expect(runs.map((run) => [run.state, run.lastErrorCode])).toEqual([
      ["failed", "shopify_scope_missing"],
      ["failed", "shopify_scope_missing"],
    ]);
    expect(runs[0]!.lastErrorMessage).toMatch(/approve the new permission/);
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
  });

  it("a BillingError is what the adapter throws for Shopify's refusals (userErrors)", async () => {
    const { clock } = await twoDuePeriods();
    const rail = createShopifyRail({ clock });
    const request = {
      runId: "r-bad",
      templateId: "t",
      shopDomain: DEMO_SHOP_DOMAIN,
      account: DEMO_SHOP_DOMAIN,
      periodIndex: 0,
      periodDate: "2026-01-15",
      currency: "EUR",
      customer: { name: "X", email: "not-an-email" },
      lines: [{ description: "Service", quantity: 1, unitAmount: 1000, discountAmount: 0, taxes: [] }],
      daysUntilDue: 0,
      expectedTotal: 1000,
    };
    const error = await rail.createDraft(request, "shopify:none", { idempotencyKey: "k" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingError);
    expect(error).toMatchObject({ kind: "permanent", code: "shopify_refused" });
    expect((error as Error).message).toMatch(/email: Email is invalid/);
  });
});

describe("privacy on the Shopify rail", () => {
  it("a data request lists the draft orders that billed the customer; customers/redact removes their Shopify id from the runs", async () => {
    const { clock, shop, template } = await twoDuePeriods();
    await drain(worker(createShopifyRail({ clock }), clock));
    const subject = { shopifyCustomerId: CAMILLE, email: "claire.martin@example.fr" };
    const report = await prisma.$transaction((tx) => collectCustomerData(shop, subject, clock.nowDate(), tx));
    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    const [entry] = report.data.recurringTemplates as { invoices: Record<string, unknown>[] }[];
    expect(entry!.invoices.map((invoice) => [invoice.rail, invoice.draftOrderId, invoice.shopifyCustomerId])).toEqual(runs.map((run) => ["shopify", run.invoiceId, CAMILLE]));

    await prisma.$transaction((tx) => eraseCustomerData(shop.id, subject, clock.nowDate(), tx));
    const erased = await prisma.invoiceRun.findMany({ where: { templateId: template.id } });
    expect(erased.map((run) => run.customerId)).toEqual(["shopify:none", "shopify:none"]);
    expect(JSON.stringify(erased)).not.toContain(CAMILLE);
  });
});

describe("Shopify's total beside the template's (the form's preview for this rail)", () => {
  const content = (lines: { quantity: number; unitAmount: number }[], shop: "FR" | "NY") => ({
    customer: {
      name: "Client",
      email: "client@example.com",
      address: shop === "FR" ? { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" } : { line1: "1 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" },
    },
    currency: shop === "FR" ? "EUR" : "USD",
    lines: lines.map((line) => ({ title: "Service", discountAmount: 0, taxLines: [shop === "FR" ? { title: "TVA", ratePercent: "20" } : { title: "NY", ratePercent: "8.875" }], ...line })),
    taxesIncluded: shop === "FR",
    shipping: null,
    memo: null,
    daysUntilDue: 14,
    signatureRequested: false,
  });

  it("agrees when Shopify applies the template's taxes (French VAT included)", async () => {
    const comparison = await compareShopifyTotal(DEMO_SHOP_DOMAIN, content([{ quantity: 2, unitAmount: 2490 }], "FR"), { periodDate: "2026-01-15" });
    expect(comparison).toMatchObject({ currency: "EUR", ours: 4980, shopify: 4980, difference: 0, shopifyTax: 830 });
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]); // a calculation creates nothing
  });

  it("shows the cent New York's three taxes, each rounded, add to one 8.875 % rate", async () => {
    await storeOfflineSession(OTHER_SHOP_DOMAIN, TOKEN);
    standIn().control.addAccessToken(OTHER_SHOP_DOMAIN, TOKEN, "read_orders,read_customers,read_products,write_draft_orders");
    const comparison = await compareShopifyTotal(OTHER_SHOP_DOMAIN, content([{ quantity: 2, unitAmount: 1010 }], "NY"), { periodDate: "2026-01-15" });
    // 20.20 × 8.875 % = 1.79 in one rate; Shopify: 0.81 + 0.91 + 0.08 = 1.80.
    expect(comparison).toMatchObject({ currency: "USD", ours: 2199, shopify: 2200, difference: 1, shopifyTax: 180 });
  });
});
