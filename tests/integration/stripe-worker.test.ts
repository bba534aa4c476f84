// The engine's worker, end to end, with the Stripe gateway on our tables,
// through the real SDK against the stand-in: the run is sent and Stripe holds
// exactly one invoice per period, after a crash between Stripe's commit and
// our record, after a lost answer, and under a storm of 429s.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { listTemplateEvents } from "~/models/run-event.server";
import type { BillingGateway, InvoiceRequest, IssuedInvoice, StepContext } from "~/domain/billing";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { collectCustomerData, eraseCustomerData } from "~/services/privacy/registry.server";
import { createTemplate } from "~/services/templates/create.server";
import { retryRun } from "~/services/templates/retry-run.server";
import { Worker, type WorkerOptions } from "~/worker/worker";
import { createShop, drain, PERIOD_TOTAL, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

function stripeGateway(options: Parameters<typeof testClient>[1] = {}) {
  return new StripeBillingAdapter(testClient(stripeStandIn(), options), stripeCustomerStore, stripeTaxRateStore);
}

function worker(gateway: BillingGateway, clock: ManualClock, options: Partial<WorkerOptions> = {}): Worker {
  return new Worker({ gateway, clock, random: () => 0.5, ...options });
}

/** The Stripe gateway with one step changed by a test: every other call goes straight through. */
class GatewayWithDraftHook implements BillingGateway {
  constructor(
    private readonly inner: BillingGateway,
    private readonly afterDraft: (invoice: IssuedInvoice, customerId: string) => Promise<void>,
  ) {}
  ensureCustomer = (request: InvoiceRequest, context: StepContext) => this.inner.ensureCustomer(request, context);
  addLines = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.inner.addLines(request, invoiceId, context);
  finalize = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.inner.finalize(request, invoiceId, context);
  send = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.inner.send(request, invoiceId, context);
  findInvoiceForRun = (request: InvoiceRequest) => this.inner.findInvoiceForRun(request);
  discardDraft = (request: InvoiceRequest, invoiceId: string) => this.inner.discardDraft(request, invoiceId);
  async createDraft(request: InvoiceRequest, customerId: string, context: StepContext): Promise<IssuedInvoice> {
    const invoice = await this.inner.createDraft(request, customerId, context);
    await this.afterDraft(invoice, customerId);
    return invoice;
  }
}

/** The worker process dies right after Stripe committed the draft, before the pipeline recorded its id. */
function diesAfterFirstDraft(inner: BillingGateway): BillingGateway {
  let died = false;
  return new GatewayWithDraftHook(inner, async () => {
    if (died) return;
    died = true;
    throw new Error("worker process killed");
  });
}

/** Someone adds a line to the first draft in Stripe (an automation, a hurried edit) before our lines are checked. */
function extraLineOnFirstDraft(inner: BillingGateway): BillingGateway {
  let done = false;
  return new GatewayWithDraftHook(inner, async (invoice, customerId) => {
    if (done) return;
    done = true;
    await testClient(stripeStandIn()).sdk.invoiceItems.create(
      { customer: customerId, invoice: invoice.invoiceId, amount: 500, currency: "eur" },
      { stripeAccount: MERCHANT },
    );
  });
}

/** A template (2 × 24.90 + 4.90 shipping, VAT 20 % included) of a shop connected to MERCHANT, due now. */
async function dueTemplate(customerNumber = 7001) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop({ billingAccountId: MERCHANT });
  const input = templateInput();
  const template = await createTemplate(
    shop,
    { ...input, customer: { ...input.customer, shopifyCustomerId: `gid://shopify/Customer/${customerNumber}` } },
    { clock },
  );
  clock.set("2026-01-15T08:00:00Z");
  return { clock, shop, template };
}

function invoicesOfRun(runId: string) {
  return stripeStandIn().control.ledger(MERCHANT).filter((invoice) => invoice.metadata?.run_id === runId);
}

describe("the worker with the Stripe gateway", () => {
  it("issues the due period: the run is sent with Stripe's number and links, Stripe has one open invoice", async () => {
    const { clock, template } = await dueTemplate();
    await drain(worker(stripeGateway(), clock));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", expectedTotal: PERIOD_TOTAL, invoicedTotal: PERIOD_TOTAL });
    const [invoice, ...others] = invoicesOfRun(run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ id: run.invoiceId, number: run.invoiceNumber, status: "open", total: PERIOD_TOTAL });
    expect(run.hostedInvoiceUrl).toBe(invoice!.hosted_invoice_url);
    expect(run.invoicePdfUrl).toBe(invoice!.invoice_pdf);
    expect(await prisma.stripeCustomer.findMany()).toMatchObject([{ account: MERCHANT, stripeCustomerId: invoice!.customer }]);
  });

  it("crash after Stripe created the invoice, before it was recorded: the resumed run adopts it, one invoice", async () => {
    const { clock, template } = await dueTemplate();
    const dying = diesAfterFirstDraft(stripeGateway());
    await expect(worker(dying, clock, { workerId: "dead", runLeaseMs: 60_000 }).runOnce()).rejects.toThrow("worker process killed");
    const stuck = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(stuck).toMatchObject({ state: "issuing", step: "draft", invoiceId: null });
    expect(invoicesOfRun(stuck.id)).toHaveLength(1);

    clock.advance(61_000); // the dead worker's lease expires
    await drain(worker(stripeGateway(), clock, { workerId: "restarted" }));

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: stuck.id } });
    const [invoice, ...others] = invoicesOfRun(run.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ state: "sent", invoiceId: invoice!.id });
    expect(invoice).toMatchObject({ status: "open", total: PERIOD_TOTAL });
    const trail = await listTemplateEvents(run.shopId, template.id);
    expect(trail.map((event) => event.type)).toContain("run.invoice_adopted");
  });

  it("the answer to the draft's creation was lost (connection dropped after Stripe committed): retried later, one invoice", async () => {
    const { clock, template } = await dueTemplate();
    stripeStandIn().control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/invoices" } });
    const retrying = worker(stripeGateway(), clock);
    await drain(retrying);
    const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(waiting).toMatchObject({ state: "issuing", step: "draft", lastErrorCode: "stripe_unreachable" });

    clock.set(waiting.nextAttemptAt!.toISOString());
    await drain(retrying);
    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(run.state).toBe("sent");
    expect(invoicesOfRun(run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
  });

  it("a storm of 429s: every run is issued once, and no second ever carries more requests than the limiter allows", async () => {
    const LIMIT = 40;
    const RUNS = 8;
    // Stripe allows far less than Ritournelle's limiter: most bursts get 429s.
    stripeStandIn().control.setFaults(MERCHANT, { rateLimit: { requestsPerSecond: 20, burst: 2 } });
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const input = templateInput();
    for (let index = 0; index < RUNS; index++) {
      await createTemplate(shop, { ...input, customer: { ...input.customer, shopifyCustomerId: `gid://shopify/Customer/${8000 + index}` } }, { clock });
    }
    clock.set("2026-01-15T08:00:00Z");
    // One client, one limiter, several workers: like one process with concurrent work.
    const gateway = stripeGateway({ requestsPerSecond: LIMIT, retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 } });
    const workers = Array.from({ length: 6 }, (_, index) => worker(gateway, clock, { workerId: `w${index}`, runBatchSize: 1 }));
    for (let round = 0; round < 10; round++) {
      await Promise.all(workers.map((each) => drain(each)));
      const due = await prisma.invoiceRun.findFirst({ where: { state: { in: ["planned", "issuing"] } }, orderBy: { nextAttemptAt: "asc" } });
      if (!due) break;
      clock.set(due.nextAttemptAt!.toISOString()); // retries scheduled by the pipeline come due
    }

    const runs = await prisma.invoiceRun.findMany();
    expect(runs.map((run) => run.state)).toEqual(Array(RUNS).fill("sent"));
    for (const run of runs) expect(invoicesOfRun(run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
    const log = stripeStandIn().control.requests({ account: MERCHANT });
    expect(log.filter((entry) => entry.status === 429).length).toBeGreaterThan(5);
    const perSecond = new Map<number, number>();
    for (const entry of log) perSecond.set(Math.floor(entry.time / 1000), (perSecond.get(Math.floor(entry.time / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(LIMIT);
  });

  it("privacy: a data request lists the customer's Stripe mapping and customers/redact forgets it", async () => {
    const { clock, shop } = await dueTemplate(7777);
    await drain(worker(stripeGateway(), clock));
    const subject = { shopifyCustomerId: "gid://shopify/Customer/7777", email: "claire.martin@example.fr" };

    const report = await prisma.$transaction((tx) => collectCustomerData(shop, subject, new Date(), tx));
    expect(report.data.stripeCustomers).toMatchObject([{ stripeAccount: MERCHANT, email: "claire.martin@example.fr" }]);
    const erased = await prisma.$transaction((tx) => eraseCustomerData(shop.id, { email: subject.email }, new Date(), tx));
    expect(erased.stripeCustomers).toBe(1);
    expect(await prisma.stripeCustomer.count()).toBe(0);
  });
});

describe("a merchant's retry after Stripe's objects for the run were discarded", () => {
  it("wrong total: the draft was deleted; Retry makes a new draft (not a replay of the deleted one) and sends one invoice", async () => {
    const { clock, shop, template } = await dueTemplate();
    await drain(worker(extraLineOnFirstDraft(stripeGateway()), clock));
    const failed = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(failed).toMatchObject({ state: "failed", lastErrorCode: "total_mismatch" });
    expect(invoicesOfRun(failed.id)).toEqual([]); // deleted: nothing wrong was ever sent

    await retryRun(shop, failed.id, { clock });
    await drain(worker(stripeGateway(), clock));

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: failed.id } });
    expect(run).toMatchObject({ state: "sent", invoicedTotal: PERIOD_TOTAL });
    const [invoice, ...others] = invoicesOfRun(run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ id: run.invoiceId, status: "open", total: PERIOD_TOTAL });
    expect(run.invoiceId).not.toBe(failed.invoiceId);
  });

  it("customer deleted in Stripe: the run fails saying so; Retry creates the customer again and sends the invoice", async () => {
    const { clock, shop, template } = await dueTemplate(7100);
    await drain(worker(stripeGateway(), clock));
    const first = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(first.state).toBe("sent");
    await testClient(stripeStandIn()).sdk.customers.del(first.customerId!, {}, { stripeAccount: MERCHANT });

    clock.set("2026-02-15T08:00:00Z"); // the next period comes due
    await drain(worker(stripeGateway(), clock));
    const failed = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } });
    expect(failed).toMatchObject({ state: "failed", lastErrorCode: "customer_missing" });
    expect(failed.lastErrorMessage).toContain("Retry it: Ritournelle creates the customer again");

    await retryRun(shop, failed.id, { clock });
    await drain(worker(stripeGateway(), clock));

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: failed.id } });
    expect(run.state).toBe("sent");
    expect(run.customerId).not.toBe(first.customerId);
    const [invoice, ...others] = invoicesOfRun(run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ id: run.invoiceId, customer: run.customerId, status: "open", total: PERIOD_TOTAL });
    expect(await prisma.stripeCustomer.findMany()).toMatchObject([{ stripeCustomerId: run.customerId }]);
  });
});
