// Invoices at the line limit (MAX_TEMPLATE_LINES), through the worker and the
// real SDK against the Stripe stand-in: lines go in pages of add_lines; a
// page whose answer was lost is looked for among all of the invoice's lines,
// not only the first page of 100, so it is never added twice; and the
// gateway refuses more lines than a template can have before calling Stripe
// at all.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { BillingError, idempotencyKey, MAX_INVOICE_LINES, type BillingGateway } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { MAX_TEMPLATE_LINES } from "~/domain/template-input";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { ADD_LINES_PAGE } from "~/gateways/stripe/billing-lines.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { invoiceRequest, MemoryStripeStores, MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const VAT_20 = [{ title: "TVA", ratePercent: "20" }];

describe("an invoice at the line limit", () => {
  it(`${MAX_TEMPLATE_LINES} lines in pages of ${ADD_LINES_PAGE}, the step interrupted midway, then a page's add failing after Stripe committed it: one invoice with exactly ${MAX_TEMPLATE_LINES} lines and the right total`, async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const lines = Array.from({ length: MAX_TEMPLATE_LINES }, (_, index) => ({
      title: `Article ${index + 1}`,
      quantity: 1,
      unitAmount: 100 + index,
      taxLines: VAT_20,
    }));
    const expectedTotal = lines.reduce((total, line) => total + line.unitAmount, 0); // VAT included
    const template = await createTemplate(shop, templateInput({ lines, shipping: null }), { clock });
    clock.set("2026-01-15T08:00:00Z");

    const standIn = stripeStandIn();
    // Stripe stops answering (429) after 6 requests (customer, tax rate lookup and creation, draft, two pages): the lines step is retried later.
    standIn.control.setFaults(MERCHANT, { rateLimit: { requestsPerSecond: 0.001, burst: 6 } });
    const gateway = new StripeBillingAdapter(testClient(standIn, { retry: { maxAttempts: 2, baseDelayMs: 1 } }), stripeCustomerStore, stripeTaxRateStore);
    const lanes = new Worker({ gateway, clock, random: () => 0.5 });
    await drain(lanes);
    const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(interrupted).toMatchObject({ state: "issuing", step: "lines", lastErrorCode: "rate_limited" });
    standIn.control.clearFaults();
    const added = await invoiceItems(interrupted.invoiceId!);
    expect(added).toHaveLength(2 * ADD_LINES_PAGE);

    // The step starts over, resumed: it reads the invoice's lines first, so the two pages added are not sent again;
    // the third is committed by Stripe but answered with a 500 it saves under the key: every repeat replays it.
    standIn.control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/invoices/*/add_lines", mode: "after_commit" } });
    clock.set(interrupted.nextAttemptAt!.toISOString());
    await drain(lanes);

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted.id } });
    expect(run).toMatchObject({ state: "sent", invoicedTotal: expectedTotal });
    const [invoice, ...others] = standIn.control.ledger(MERCHANT).filter((each) => each.metadata?.run_id === run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ id: run.invoiceId, status: "open", total: expectedTotal });
    const items = await invoiceItems(run.invoiceId!);
    expect(items).toHaveLength(MAX_TEMPLATE_LINES);
    expect(new Set(items.map((item) => item.metadata?.line_index)).size).toBe(MAX_TEMPLATE_LINES);
    // Each page had one key; the failed page's was replayed (its saved 500), and no other key was tried for it:
    // its lines were found past the first page of the invoice's lines.
    const adds = standIn.control.requests({ method: "POST", path: `/v1/invoices/${run.invoiceId}/add_lines` });
    const failed = `${run.id}:lines:from-${2 * ADD_LINES_PAGE}`;
    expect(adds.filter((entry) => entry.idempotencyKey === failed && !entry.replayed).map((entry) => entry.status)).toEqual([429, 429, 500]);
    expect(adds.filter((entry) => entry.idempotencyKey === failed && entry.replayed).every((entry) => entry.status === 500)).toBe(true);
    expect(new Set(adds.filter((entry) => entry.status === 200).map((entry) => entry.idempotencyKey))).toEqual(
      new Set([`${run.id}:lines`, `${run.id}:lines:from-${ADD_LINES_PAGE}`, `${run.id}:lines:from-${3 * ADD_LINES_PAGE}`]),
    );
    expect(standIn.control.requests({ method: "GET", path: `/v1/invoices/${run.invoiceId}/lines` }).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("a lines step resumed more than 24 h after Stripe committed it (its key forgotten) adds no line twice: the invoice's lines are read first", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    const standIn = stripeStandIn();
    // add_lines commits, and its answer is lost on the way back: the attempt ends unknown, at the lines step.
    const adapter = new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore);
    let lost = 1;
    const gateway: BillingGateway = {
      ensureCustomer: (request, context) => adapter.ensureCustomer(request, context),
      createDraft: (request, customerId, context) => adapter.createDraft(request, customerId, context),
      addLines: async (request, invoiceId, context) => {
        const invoice = await adapter.addLines(request, invoiceId, context);
        if (lost-- > 0) throw new BillingError("transient", "network_error", "The connection to Stripe was lost.");
        return invoice;
      },
      finalize: (request, invoiceId, context) => adapter.finalize(request, invoiceId, context),
      send: (request, invoiceId, context) => adapter.send(request, invoiceId, context),
      findInvoiceForRun: (request) => adapter.findInvoiceForRun(request),
      discardDraft: (request, invoiceId) => adapter.discardDraft(request, invoiceId),
    };
    const lanes = new Worker({ gateway, clock, random: () => 0.5 });
    await drain(lanes);
    const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(interrupted).toMatchObject({ state: "issuing", step: "lines" });
    const committed = await invoiceItems(interrupted.invoiceId!);
    expect(committed.length).toBeGreaterThan(0);
    standIn.control.clearFaults();

    // The retry comes after Stripe forgot the key (24 h): repeating it would add every line again.
    standIn.control.advanceClock(25 * 3_600_000);
    clock.set(new Date(interrupted.nextAttemptAt!.getTime() + 25 * 3_600_000).toISOString());
    await drain(lanes);

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted.id } });
    expect(run).toMatchObject({ state: "sent", invoicedTotal: run.expectedTotal });
    expect(await invoiceItems(run.invoiceId!)).toHaveLength(committed.length);
    expect(standIn.control.ledger(MERCHANT).filter((each) => each.metadata?.run_id === run.id)).toHaveLength(1);
  }, 60_000);

  it(`refuses an invoice of more than ${MAX_INVOICE_LINES} lines (a template's and its shipping) before any call to Stripe`, async () => {
    const stores = new MemoryStripeStores();
    const gateway = new StripeBillingAdapter(testClient(stripeStandIn()), stores.customers, stores.taxRates);
    const line = { title: "Article", quantity: 1, unitAmount: 100, discountAmount: 0, taxLines: VAT_20 };
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines: Array.from({ length: MAX_INVOICE_LINES + 1 }, () => line) });

    await expect(gateway.ensureCustomer(request, { idempotencyKey: idempotencyKey(request.runId, "customer") })).rejects.toMatchObject({
      kind: "permanent",
      code: "too_many_lines",
      message: expect.stringContaining(`at most ${MAX_INVOICE_LINES} (shipping included)`),
    });
    expect(stripeStandIn().control.requests()).toEqual([]);
  });
});

/** Every item of the invoice at Stripe, through every page. */
function invoiceItems(invoiceId: string) {
  return testClient(stripeStandIn())
    .sdk.invoiceItems.list({ invoice: invoiceId, limit: 100 }, { stripeAccount: MERCHANT })
    .autoPagingToArray({ limit: 1_000 });
}
