// Invoices at the line limit (MAX_TEMPLATE_LINES), through the worker and the
// real SDK against the Stripe stand-in: a line whose answer was lost is
// looked for among all of the invoice's items, not only the first page of
// 100, so it is never added twice; and the gateway refuses more lines than a
// template can have before calling Stripe at all.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { idempotencyKey, MAX_INVOICE_LINES } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { MAX_TEMPLATE_LINES } from "~/domain/template-input";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { invoiceRequest, MemoryStripeStores, MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const VAT_20 = [{ title: "TVA", ratePercent: "20" }];

describe("an invoice at the line limit", () => {
  it(`${MAX_TEMPLATE_LINES} lines, the first one's add failing after Stripe committed it, the step resumed past line 150: one invoice with exactly ${MAX_TEMPLATE_LINES} lines and the right total`, async () => {
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
    standIn.control.setFaults(MERCHANT, {
      // Stripe adds the first line but answers a 500 it saves under the key: every repeat of that key replays it.
      failNext: { count: 1, method: "POST", path: "/v1/invoiceitems", mode: "after_commit" },
      // …and stops answering (429) after 160 requests, around line 150: the lines step is retried later.
      rateLimit: { requestsPerSecond: 0.001, burst: 160 },
    });
    const gateway = new StripeBillingAdapter(testClient(standIn, { retry: { maxAttempts: 2, baseDelayMs: 1 } }), stripeCustomerStore, stripeTaxRateStore);
    const lanes = new Worker({ gateway, clock, random: () => 0.5 });
    await drain(lanes);
    const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(interrupted).toMatchObject({ state: "issuing", step: "lines", lastErrorCode: "rate_limited" });
    standIn.control.clearFaults();
    const added = await invoiceItems(interrupted.invoiceId!);
    expect(added.length).toBeGreaterThan(101); // line 1 is no longer among the newest 100 items

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
    // The first line's key was replayed (its saved 500), and no other key was tried for it.
    const firstLine = standIn.control.requests({ method: "POST", path: "/v1/invoiceitems" }).filter((entry) => entry.idempotencyKey?.startsWith(`${run.id}:lines:0`));
    expect(firstLine.map((entry) => [entry.idempotencyKey, entry.status])).toEqual([
      [`${run.id}:lines:0`, 500],
      [`${run.id}:lines:0`, 500],
    ]);
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
