// An invoice's lines: bulk add (`POST /v1/invoices/:id/add_lines`) and the
// paged list (`GET /v1/invoices/:id/lines`), through the real SDK.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, as, rejection, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
});

const decimal = (s: string) => s as unknown as Stripe.Decimal;

async function draft(params: Partial<Stripe.InvoiceCreateParams> = {}) {
  const c = await stripe.customers.create({ email: "client@example.com", name: "Client" }, as(MERCHANT));
  return stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 30, ...params }, as(MERCHANT));
}

function lines(count: number, from = 0): Stripe.InvoiceAddLinesParams.Line[] {
  return Array.from({ length: count }, (_, i) => ({ amount: 100 + from + i, description: `line ${from + i}`, metadata: { line_index: String(from + i) } }));
}

describe("POST /v1/invoices/:id/add_lines", () => {
  it("adds every line in one call and returns the invoice, with the totals the invoice-item path computes", async () => {
    const vat = await stripe.taxRates.create({ display_name: "TVA", percentage: 20, inclusive: true }, as(MERCHANT));
    const reduced = await stripe.taxRates.create({ display_name: "TVA réduite", percentage: 5.5, inclusive: false }, as(MERCHANT));
    const lineCoupon = await stripe.coupons.create({ percent_off: 15, duration: "once" }, as(MERCHANT));
    const invoiceCoupon = await stripe.coupons.create({ amount_off: 333, currency: "eur", duration: "once" }, as(MERCHANT));
    const product = await stripe.products.create({ name: "Panier" }, as(MERCHANT));

    // The same three lines, once as invoice items one call each…
    const byItems = await draft({ discounts: [{ coupon: invoiceCoupon.id }] });
    const base = { customer: byItems.customer as string, invoice: byItems.id };
    await stripe.invoiceItems.create({ ...base, unit_amount_decimal: decimal("1234.5"), quantity: 3, tax_rates: [vat.id], discounts: [{ coupon: lineCoupon.id }], description: "Miel" }, as(MERCHANT));
    await stripe.invoiceItems.create({ ...base, price_data: { currency: "eur", product: product.id, unit_amount: 899 }, quantity: 2, tax_rates: [reduced.id], description: "Pain" }, as(MERCHANT));
    await stripe.invoiceItems.create({ ...base, amount: 500, description: "Livraison", discountable: false }, as(MERCHANT));
    const expected = await stripe.invoices.retrieve(byItems.id, {}, as(MERCHANT));

    // …and once in a single add_lines (a unit price × quantity goes through price_data here).
    const target = await draft({ discounts: [{ coupon: invoiceCoupon.id }] });
    const got = await stripe.invoices.addLines(
      target.id,
      {
        lines: [
          {
            price_data: { currency: "eur", product_data: { name: "Miel" }, unit_amount_decimal: decimal("1234.5") },
            quantity: 3,
            tax_rates: [vat.id],
            discounts: [{ coupon: lineCoupon.id }],
            description: "Miel",
          },
          { price_data: { currency: "eur", product: product.id, unit_amount: 899 }, quantity: 2, tax_rates: [reduced.id], description: "Pain" },
          { amount: 500, description: "Livraison", discountable: false },
        ],
        invoice_metadata: { run_id: "run-42" },
      },
      as(MERCHANT),
    );

    expect(got.object).toBe("invoice");
    expect(got.id).toBe(target.id);
    expect(got.metadata).toEqual({ run_id: "run-42" });
    for (const field of ["subtotal", "subtotal_excluding_tax", "total_excluding_tax", "total", "amount_due"] as const) {
      expect(got[field], field).toBe(expected[field]);
    }
    expect(got.total).toBeGreaterThan(0);
    const amounts = (inv: Stripe.Invoice) =>
      inv.lines.data.map((l) => ({
        description: l.description,
        amount: l.amount,
        quantity: l.quantity,
        taxes: l.taxes?.map((t) => [t.amount, t.taxable_amount]),
        discounts: l.discount_amounts?.map((d) => d.amount),
      }));
    expect(amounts(got)).toEqual(amounts(expected));
    expect(got.total_taxes?.map((t) => t.amount)).toEqual(expected.total_taxes?.map((t) => t.amount));
    expect(got.total_discount_amounts?.map((d) => d.amount)).toEqual(expected.total_discount_amounts?.map((d) => d.amount));
    expect(got.lines).toMatchObject({ object: "list", has_more: false, url: `/v1/invoices/${target.id}/lines` });
    expect(got.lines.data[0]?.parent?.invoice_item_details?.invoice_item).toMatch(/^ii_/);
    expect(got.lines.data[0]?.pricing?.price_details?.product).toMatch(/^prod_/);

    // Each line is an invoice item; the invoice changed once.
    const events = h.standIn.control.events(MERCHANT).filter((e) => e.request?.idempotency_key === got.lastResponse.headers["idempotency-key"]);
    expect(events.map((e) => e.type)).toEqual(["product.created", "invoiceitem.created", "invoiceitem.created", "invoiceitem.created", "invoice.updated"]);
    const items = await stripe.invoiceItems.list({ invoice: target.id }, as(MERCHANT));
    expect(items.data).toHaveLength(3);
  });

  it("only adds to a draft: a finalized invoice answers 400 invoice_not_editable and keeps its lines", async () => {
    const inv = await draft();
    await stripe.invoices.addLines(inv.id, { lines: lines(1) }, as(MERCHANT));
    await stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
    const err = await rejection(stripe.invoices.addLines(inv.id, { lines: lines(1, 1) }, as(MERCHANT)));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("invoice_not_editable");
    const after = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(after.lines.data).toHaveLength(1);
    expect(after.total).toBe(100);

    const missing = await rejection(stripe.invoices.addLines("in_missing", { lines: lines(1) }, as(MERCHANT)));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("resource_missing");
  });

  it("is all or nothing: one bad line and no line is added, no coupon redeemed", async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: "once" }, as(MERCHANT));
    const inv = await draft();
    const err = await rejection(
      stripe.invoices.addLines(inv.id, { lines: [{ amount: 1000, discounts: [{ coupon: coupon.id }] }, { amount: 500, tax_rates: ["txr_missing"] }] }, as(MERCHANT)),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("resource_missing");
    expect(err.param).toBe("lines[1][tax_rates][0]");
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).lines.data).toHaveLength(0);
    expect((await stripe.coupons.retrieve(coupon.id, {}, as(MERCHANT))).times_redeemed).toBe(0);
    expect(h.standIn.control.events(MERCHANT).map((e) => e.type)).not.toContain("invoiceitem.created");
  });

  it("is idempotent like every POST: a replay adds nothing, other lines under the same key are refused", async () => {
    const inv = await draft();
    const first = await stripe.invoices.addLines(inv.id, { lines: lines(3) }, as(MERCHANT, "run-7:lines"));
    const replay = await stripe.invoices.addLines(inv.id, { lines: lines(3) }, as(MERCHANT, "run-7:lines"));
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(replay.total).toBe(first.total);
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).lines.data).toHaveLength(3);

    const changed = await rejection(stripe.invoices.addLines(inv.id, { lines: lines(4) }, as(MERCHANT, "run-7:lines")));
    expect(changed).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(changed.statusCode).toBe(400);
    expect(changed.rawType).toBe("idempotency_error");
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).lines.data).toHaveLength(3);
  });

  it("takes the pinned version's line parameters only: no top-level unit_amount_decimal or currency, no `lines` on create", async () => {
    const inv = await draft();
    const add = (line: Record<string, unknown>) => rejection(stripe.invoices.addLines(inv.id, { lines: [line as Stripe.InvoiceAddLinesParams.Line] }, as(MERCHANT)));

    const unit = await add({ unit_amount_decimal: "100", quantity: 2 });
    expect(unit.code).toBe("parameter_unknown");
    expect(unit.param).toBe("lines[0][unit_amount_decimal]");
    expect((await add({ amount: 100, currency: "eur" })).param).toBe("lines[0][currency]");

    const noProduct = await add({ price_data: { currency: "eur", unit_amount: 100 } });
    expect(noProduct.code).toBe("parameter_missing");
    expect(noProduct.param).toBe("lines[0][price_data][product]");
    const otherCurrency = await add({ price_data: { currency: "usd", product_data: { name: "X" }, unit_amount: 100 } });
    expect(otherCurrency.statusCode).toBe(400);
    expect(otherCurrency.param).toBe("lines[0][price_data][currency]");
    const twoPrices = await add({ amount: 100, price_data: { currency: "eur", product_data: { name: "X" }, unit_amount: 100 } });
    expect(twoPrices.code).toBe("parameters_exclusive");
    expect((await add({ description: "no price" })).param).toBe("lines[0][amount]");
    expect((await rejection(stripe.invoices.addLines(inv.id, { lines: [] }, as(MERCHANT)))).code).toBe("parameter_missing");

    const c = await stripe.customers.create({ email: "x@example.com" }, as(MERCHANT));
    const onCreate = await rejection(stripe.invoices.create({ customer: c.id, lines: [{ amount: 100 }] } as Stripe.InvoiceCreateParams, as(MERCHANT)));
    expect(onCreate.code).toBe("parameter_unknown");
    expect(onCreate.param).toBe("lines");
    expect((await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT))).lines.data).toHaveLength(0);
  });

  it("assigns a pending invoice item by id, and refuses one already on an invoice", async () => {
    const inv = await draft();
    const pending = await stripe.invoiceItems.create({ customer: inv.customer as string, amount: 700, description: "En attente" }, as(MERCHANT));
    const got = await stripe.invoices.addLines(inv.id, { lines: [{ invoice_item: pending.id }, { amount: 300 }] }, as(MERCHANT));
    expect(got.total).toBe(1000);
    expect(got.lines.data.map((l) => l.parent?.invoice_item_details?.invoice_item)).toContain(pending.id);
    expect((await stripe.invoiceItems.retrieve(pending.id, {}, as(MERCHANT))).invoice).toBe(inv.id);

    const again = await rejection(stripe.invoices.addLines(inv.id, { lines: [{ invoice_item: pending.id }] }, as(MERCHANT)));
    expect(again.statusCode).toBe(400);
    expect(again.param).toBe("lines[0][invoice_item]");
  });

  it("holds at most 250 invoice items per invoice, whichever way they are added", async () => {
    const inv = await draft();
    await stripe.invoices.addLines(inv.id, { lines: lines(200) }, as(MERCHANT));
    const over = await rejection(stripe.invoices.addLines(inv.id, { lines: lines(51, 200) }, as(MERCHANT)));
    expect(over.statusCode).toBe(400);
    expect(over.param).toBe("lines");
    await stripe.invoices.addLines(inv.id, { lines: lines(50, 200) }, as(MERCHANT));
    const oneMore = await rejection(stripe.invoiceItems.create({ customer: inv.customer as string, invoice: inv.id, amount: 1 }, as(MERCHANT)));
    expect(oneMore.statusCode).toBe(400);
    expect((await stripe.invoices.listLineItems(inv.id, { limit: 100 }, as(MERCHANT)).autoPagingToArray({ limit: 1000 })).length).toBe(250);
  });
});

describe("GET /v1/invoices/:id/lines", () => {
  it("pages 200 lines 100 at a time in invoice order: the first page alone has only half of them", async () => {
    const inv = await draft();
    await stripe.invoices.addLines(inv.id, { lines: lines(200) }, as(MERCHANT));

    const embedded = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(embedded.lines.data).toHaveLength(10);
    expect(embedded.lines.has_more).toBe(true);

    const first = await stripe.invoices.listLineItems(inv.id, { limit: 100 }, as(MERCHANT));
    expect(first.data).toHaveLength(100);
    expect(first.has_more).toBe(true);
    expect(first.data.map((l) => l.metadata.line_index)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    const second = await stripe.invoices.listLineItems(inv.id, { limit: 100, starting_after: first.data.at(-1)?.id }, as(MERCHANT));
    expect(second.data.map((l) => l.metadata.line_index)).toEqual(Array.from({ length: 100 }, (_, i) => String(100 + i)));
    expect(second.has_more).toBe(false);
    const back = await stripe.invoices.listLineItems(inv.id, { limit: 5, ending_before: second.data[0]?.id }, as(MERCHANT));
    expect(back.data.map((l) => l.metadata.line_index)).toEqual(["95", "96", "97", "98", "99"]);

    expect((await stripe.invoices.listLineItems(inv.id, {}, as(MERCHANT))).data).toHaveLength(10);
    const tooMany = await rejection(stripe.invoices.listLineItems(inv.id, { limit: 101 }, as(MERCHANT)));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.param).toBe("limit");

    // The invoice-items list pages the same way (newest first): 100 of 200, has_more.
    const items = await stripe.invoiceItems.list({ invoice: inv.id, limit: 100 }, as(MERCHANT));
    expect(items.data).toHaveLength(100);
    expect(items.has_more).toBe(true);

    const all = await stripe.invoices.listLineItems(inv.id, { limit: 100 }, as(MERCHANT)).autoPagingToArray({ limit: 1000 });
    expect(all).toHaveLength(200);
    expect(h.standIn.control.lines(inv.id)).toHaveLength(200);
  });
});
