// Documented Stripe behaviour, exercised through the real `stripe` SDK.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, OTHER_MERCHANT, as, rejection, sdk, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
});

async function customer(account = MERCHANT, params: Stripe.CustomerCreateParams = {}) {
  return stripe.customers.create({ email: "client@example.com", name: "Client", ...params }, as(account));
}

async function draft(params: Partial<Stripe.InvoiceCreateParams> = {}, account = MERCHANT) {
  const c = await customer(account);
  const inv = await stripe.invoices.create(
    { customer: c.id, collection_method: "send_invoice", days_until_due: 30, pending_invoice_items_behavior: "exclude", ...params },
    as(account),
  );
  return { c, inv };
}

async function item(inv: Stripe.Invoice, params: Partial<Stripe.InvoiceItemCreateParams>, account = MERCHANT) {
  return stripe.invoiceItems.create(
    { customer: inv.customer as string, invoice: inv.id, currency: inv.currency, ...params } as Stripe.InvoiceItemCreateParams,
    as(account),
  );
}

describe("authentication and Stripe-Account scoping", () => {
  it("rejects a bad secret key with a 401 and tags every response with a Request-Id", async () => {
    const bad = sdk(h.standIn, "sk_test_wrong_key_1234");
    const err = await rejection(bad.customers.list());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.statusCode).toBe(401);
    expect(err.message).toContain("Invalid API Key provided: sk_test_");
    expect(err.message).toContain("1234");
    expect(err.requestId).toMatch(/^req_/);
    const ok = await stripe.customers.list({}, as(MERCHANT));
    expect(ok.lastResponse.requestId).toMatch(/^req_/);
  });

  it("answers 403 account_invalid for an unknown connected account", async () => {
    const err = await rejection(stripe.customers.list({}, as("acct_1DoesNotExist")));
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("account_invalid");
  });

  it("keeps every object inside its account", async () => {
    const c = await customer(MERCHANT);
    const fromOther = await rejection(stripe.customers.retrieve(c.id, {}, as(OTHER_MERCHANT)));
    expect(fromOther.statusCode).toBe(404);
    expect(fromOther.code).toBe("resource_missing");
    expect(fromOther.message).toBe(`No such customer: '${c.id}'`);
    const fromPlatform = await rejection(stripe.customers.retrieve(c.id));
    expect(fromPlatform.statusCode).toBe(404);
    const crossRef = await rejection(stripe.invoices.create({ customer: c.id }, as(OTHER_MERCHANT)));
    expect(crossRef.statusCode).toBe(400);
    expect(crossRef.code).toBe("resource_missing");
    expect((crossRef.raw as { param?: string }).param).toBe("customer");
    expect((await stripe.customers.list({}, as(OTHER_MERCHANT))).data).toHaveLength(0);
  });

  it("rejects parameters the endpoint does not know", async () => {
    const c = await customer();
    // A classic mistake: request options passed where params go.
    const err = await rejection(stripe.customers.retrieve(c.id, as(MERCHANT) as Stripe.CustomerRetrieveParams));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.code).toBe("parameter_unknown");
    expect((err.raw as { param?: string }).param).toBe("stripeAccount");
  });
});

describe("customers", () => {
  it("merges metadata on update (empty value deletes a key) and keeps a tombstone after delete", async () => {
    const c = await customer(MERCHANT, { metadata: { shop: "dupont.myshopify.com", tier: "gold" } });
    const u = await stripe.customers.update(c.id, { metadata: { tier: "", order: "1001" }, name: "Claire" }, as(MERCHANT));
    expect(u.metadata).toEqual({ shop: "dupont.myshopify.com", order: "1001" });
    expect(u.name).toBe("Claire");
    const gone = await stripe.customers.del(c.id, {}, as(MERCHANT));
    expect(gone).toMatchObject({ id: c.id, object: "customer", deleted: true });
    expect(await stripe.customers.retrieve(c.id, {}, as(MERCHANT))).toMatchObject({ id: c.id, deleted: true });
    expect((await rejection(stripe.invoices.create({ customer: c.id }, as(MERCHANT)))).code).toBe("resource_missing");
    const types = h.standIn.control.events(MERCHANT).map((e) => e.type);
    expect(types).toEqual(["customer.created", "customer.updated", "customer.deleted"]);
  });
});

describe("idempotent requests", () => {
  it("replays the saved response for the same key and parameters", async () => {
    const first = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "cust-1"));
    const second = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "cust-1"));
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect((await stripe.customers.list({}, as(MERCHANT))).data).toHaveLength(1);
  });

  it("rejects the same key with different parameters (400 idempotency_error)", async () => {
    await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "cust-2"));
    const err = await rejection(stripe.customers.create({ email: "b@example.com" }, as(MERCHANT, "cust-2")));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
    expect(err.rawType).toBe("idempotency_error");
    const otherEndpoint = await rejection(stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: false }, as(MERCHANT, "cust-2")));
    expect(otherEndpoint.rawType).toBe("idempotency_error");
    expect(otherEndpoint.message).toContain("same endpoint");
  });

  it("scopes keys per account", async () => {
    const a = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "shared-key"));
    const b = await stripe.customers.create({ email: "a@example.com" }, as(OTHER_MERCHANT, "shared-key"));
    expect(b.id).not.toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("answers 409 while the first request with the key is still in flight", async () => {
    // The first request holds the key for 800 ms; the in-flight check answers the second at once.
    h.standIn.control.setFaults(MERCHANT, { latency: { fixedMs: 800 } });
    const results = await Promise.allSettled([
      stripe.customers.create({ email: "slow@example.com" }, as(MERCHANT, "cust-409")),
      new Promise((r) => setTimeout(r, 50)).then(() => stripe.customers.create({ email: "slow@example.com" }, as(MERCHANT, "cust-409"))),
    ]);
    expect(results[0]?.status).toBe("fulfilled");
    expect(results[1]?.status).toBe("rejected");
    const err = (results[1] as PromiseRejectedResult).reason as Stripe.errors.StripeError;
    expect(err.statusCode).toBe(409);
    expect(err.rawType).toBe("idempotency_error");
    expect(err.code).toBe("idempotency_key_in_use");
  });

  it("saves errors from executed requests but not parameter-validation failures", async () => {
    const invalid = await rejection(stripe.customers.create({ email: "x@example.com", balance: "lots" as unknown as number }, as(MERCHANT, "k-val")));
    expect(invalid.code).toBe("parameter_invalid_integer");
    const ok = await stripe.customers.create({ email: "x@example.com" }, as(MERCHANT, "k-val"));
    expect(ok.lastResponse.headers["idempotent-replayed"]).toBeUndefined();

    const missing = await rejection(stripe.invoices.create({ customer: "cus_missing" }, as(MERCHANT, "k-exec")));
    expect(missing.code).toBe("resource_missing");
    const again = await rejection(stripe.invoices.create({ customer: "cus_missing" }, as(MERCHANT, "k-exec")));
    expect(again.code).toBe("resource_missing");
    expect(again.headers?.["idempotent-replayed"]).toBe("true");
  });

  it("forgets keys after 24 hours of stand-in time", async () => {
    h.standIn.control.setClock(Date.UTC(2026, 0, 10, 12));
    const first = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "k-24h"));
    h.standIn.control.advanceClock(23 * 3600_000);
    expect((await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "k-24h"))).id).toBe(first.id);
    h.standIn.control.advanceClock(3600_000);
    const fresh = await stripe.customers.create({ email: "other@example.com" }, as(MERCHANT, "k-24h"));
    expect(fresh.id).not.toBe(first.id);
  });
});

describe("invoice totals", () => {
  it("extracts 20% inclusive VAT: 120.00 incl. → 20.00 tax", async () => {
    const vat = await stripe.taxRates.create({ display_name: "TVA", percentage: 20, inclusive: true, country: "FR", jurisdiction: "FR" }, as(MERCHANT));
    const { inv } = await draft({ default_tax_rates: [vat.id] });
    await item(inv, { amount: 12000, description: "Panier mensuel" });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got).toMatchObject({ subtotal: 12000, subtotal_excluding_tax: 10000, total_excluding_tax: 10000, total: 12000, amount_due: 12000, amount_remaining: 12000 });
    expect(got.total_taxes).toEqual([
      { amount: 2000, tax_behavior: "inclusive", tax_rate_details: { tax_rate: vat.id }, taxability_reason: "not_available", taxable_amount: 10000, type: "tax_rate_details" },
    ]);
    expect(got.lines.data[0]?.taxes?.[0]).toMatchObject({ amount: 2000, taxable_amount: 10000 });
    expect(got.default_tax_rates[0]?.id).toBe(vat.id);
  });

  it("adds 8.875% exclusive tax, rounding per line", async () => {
    const nyc = await stripe.taxRates.create({ display_name: "Sales tax", percentage: 8.875, inclusive: false, country: "US", state: "NY" }, as(MERCHANT));
    const { inv } = await draft({ currency: "usd" });
    await item(inv, { amount: 10000, tax_rates: [nyc.id] });
    let got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got).toMatchObject({ subtotal: 10000, total_excluding_tax: 10000, total: 10888 });
    expect(got.total_taxes?.[0]).toMatchObject({ amount: 888, tax_behavior: "exclusive", taxable_amount: 10000 });

    // Two lines of 9.99: 88.66 each rounds to 89 per line (178), not 177 on the sum.
    const { inv: inv2 } = await draft({ currency: "usd" });
    await item(inv2, { amount: 999, tax_rates: [nyc.id] });
    await item(inv2, { amount: 999, tax_rates: [nyc.id] });
    got = await stripe.invoices.retrieve(inv2.id, {}, as(MERCHANT));
    expect(got.total_taxes?.[0]?.amount).toBe(178);
    expect(got.total).toBe(1998 + 178);
  });

  it("works in a zero-decimal currency (JPY) with quantity × unit amount", async () => {
    const jct = await stripe.taxRates.create({ display_name: "JCT", percentage: 10, inclusive: false, country: "JP" }, as(MERCHANT));
    const { inv } = await draft({ currency: "jpy", default_tax_rates: [jct.id] });
    await item(inv, { unit_amount_decimal: "1000" as unknown as Stripe.Decimal, quantity: 3, description: "Coffret" });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got.currency).toBe("jpy");
    expect(got).toMatchObject({ subtotal: 3000, total: 3300, amount_due: 3300 });
    expect(got.lines.data[0]?.quantity).toBe(3);
    expect(String(got.lines.data[0]?.pricing?.unit_amount_decimal)).toBe("1000");
  });

  it("applies invoice-level coupons proportionally across discountable lines, before tax", async () => {
    const vat = await stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: false }, as(MERCHANT));
    const tenPct = await stripe.coupons.create({ percent_off: 10, duration: "once", name: "Fidélité" }, as(MERCHANT));
    const { inv } = await draft({ default_tax_rates: [vat.id], discounts: [{ coupon: tenPct.id }] });
    await item(inv, { amount: 10000, description: "A" });
    await item(inv, { amount: 5000, description: "B" });
    await item(inv, { amount: 2000, description: "Shipping", discountable: false });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got.discounts).toHaveLength(1);
    const discountId = got.discounts[0] as string;
    expect(discountId).toMatch(/^di_/);
    expect(got.total_discount_amounts).toEqual([{ amount: 1500, discount: discountId }]);
    expect(got.lines.data.map((l) => l.discount_amounts?.[0]?.amount)).toEqual([1000, 500, 0]);
    // net 15500, tax 3100, total 18600
    expect(got).toMatchObject({ subtotal: 17000, total_excluding_tax: 15500, total: 18600 });
    expect(got.total_taxes?.[0]?.amount).toBe(3100);

    const expanded = await stripe.invoices.retrieve(inv.id, { expand: ["discounts"] }, as(MERCHANT));
    expect((expanded.discounts[0] as Stripe.Discount).source.coupon).toBe(tenPct.id);
  });

  it("splits an amount-off coupon with largest remainders so cents add up", async () => {
    const off = await stripe.coupons.create({ amount_off: 1000, currency: "eur" }, as(MERCHANT));
    const { inv } = await draft({ discounts: [{ coupon: off.id }] });
    await item(inv, { amount: 3333 });
    await item(inv, { amount: 3333 });
    await item(inv, { amount: 3334 });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    const shares = got.lines.data.map((l) => l.discount_amounts?.[0]?.amount ?? 0);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(got.total).toBe(9000);

    const usd = await stripe.coupons.create({ amount_off: 500, currency: "usd" }, as(MERCHANT));
    const mismatch = await rejection(stripe.invoices.update(inv.id, { discounts: [{ coupon: usd.id }] }, as(MERCHANT)));
    expect(mismatch.statusCode).toBe(400);
  });

  it("applies line-level discounts before invoice-level ones", async () => {
    const five = await stripe.coupons.create({ amount_off: 500, currency: "eur" }, as(MERCHANT));
    const half = await stripe.coupons.create({ percent_off: 50 }, as(MERCHANT));
    const { inv } = await draft({ discounts: [{ coupon: half.id }] });
    await item(inv, { amount: 2500, discounts: [{ coupon: five.id }] });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got.lines.data[0]?.discount_amounts?.map((d) => d.amount)).toEqual([500, 1000]);
    expect(got.subtotal).toBe(2000); // item discounts are incorporated in subtotal
    expect(got.total).toBe(1000);
  });

  it("requires an existing product for price_data, like Stripe", async () => {
    const { inv } = await draft();
    const err = await rejection(item(inv, { price_data: { currency: "eur", product: "prod_missing", unit_amount: 1500 } }));
    expect(err.code).toBe("resource_missing");
    expect((err.raw as { param?: string }).param).toBe("price_data[product]");
    const productData = await rejection(
      item(inv, { price_data: { currency: "eur", product_data: { name: "x" }, unit_amount: 1 } as unknown as Stripe.InvoiceItemCreateParams.PriceData }),
    );
    expect(productData.code).toBe("parameter_unknown");
    expect((productData.raw as { param?: string }).param).toBe("price_data[product_data]");
    const product = await stripe.products.create({ name: "Bougie" }, as(MERCHANT));
    const ok = await item(inv, { price_data: { currency: "eur", product: product.id, unit_amount: 1500 }, quantity: 2 });
    expect(ok.amount).toBe(3000);
    expect(ok.pricing?.price_details?.product).toBe(product.id);
  });
});

describe("invoice lifecycle", () => {
  it("finalizes a draft: number, hosted URLs on the stand-in's origin, transitions", async () => {
    h.standIn.control.setClock(Date.UTC(2026, 2, 1, 9));
    const { inv } = await draft({ metadata: { run_id: "run_1" }, description: "Abonnement mars", custom_fields: [{ name: "Commande", value: "#1001" }], footer: "Merci" });
    expect(inv.status).toBe("draft");
    expect(inv.number).toBeNull();
    expect(inv.due_date).toBe(Date.UTC(2026, 2, 31, 9) / 1000);
    await item(inv, { amount: 4200 });
    const fin = await stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
    expect(fin.status).toBe("open");
    expect(fin.number).toBe("ATDUP-0001");
    expect(fin.hosted_invoice_url).toBe(`${h.standIn.url}/hosted/${inv.id}`);
    expect(fin.invoice_pdf).toBe(`${h.standIn.url}/hosted/${inv.id}/pdf`);
    expect(fin.status_transitions.finalized_at).toBe(Date.UTC(2026, 2, 1, 9) / 1000);
    expect(fin.custom_fields).toEqual([{ name: "Commande", value: "#1001" }]);
    expect(fin.application).toBe("ca_ritournelle_standin");

    const again = await rejection(stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT)));
    expect(again.statusCode).toBe(400);
    expect(again.code).toBe("status_transition_invalid");

    const second = await draft();
    await item(second.inv, { amount: 100 });
    expect((await stripe.invoices.finalizeInvoice(second.inv.id, {}, as(MERCHANT))).number).toBe("ATDUP-0002");
    const other = await draft({}, OTHER_MERCHANT);
    await item(other.inv, { amount: 100 }, OTHER_MERCHANT);
    expect((await stripe.invoices.finalizeInvoice(other.inv.id, {}, as(OTHER_MERCHANT))).number).toMatch(/-0001$/);
  });

  it("locks finalized invoices except metadata", async () => {
    const { inv } = await draft();
    await item(inv, { amount: 1000 });
    await stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
    const edit = await rejection(stripe.invoices.update(inv.id, { description: "changed" }, as(MERCHANT)));
    expect(edit.code).toBe("invoice_not_editable");
    const meta = await stripe.invoices.update(inv.id, { metadata: { note: "ok" } }, as(MERCHANT));
    expect(meta.metadata).toEqual({ note: "ok" });
    const add = await rejection(item(inv, { amount: 500 }));
    expect(add.code).toBe("invoice_not_editable");
    const del = await rejection(stripe.invoices.del(inv.id, {}, as(MERCHANT)));
    expect(del.code).toBe("invoice_not_editable");
  });

  it("walks open → uncollectible → paid, and open → void, refusing illegal moves", async () => {
    const a = await draft();
    await item(a.inv, { amount: 5000 });
    await stripe.invoices.finalizeInvoice(a.inv.id, {}, as(MERCHANT));
    const noMethod = await rejection(stripe.invoices.pay(a.inv.id, {}, as(MERCHANT)));
    expect(noMethod.statusCode).toBe(400);
    const unc = await stripe.invoices.markUncollectible(a.inv.id, {}, as(MERCHANT));
    expect(unc.status).toBe("uncollectible");
    expect(unc.status_transitions.marked_uncollectible_at).not.toBeNull();
    const paid = await stripe.invoices.pay(a.inv.id, { paid_out_of_band: true }, as(MERCHANT));
    expect(paid).toMatchObject({ status: "paid", amount_paid: 5000, amount_remaining: 0 });
    expect(paid.status_transitions.paid_at).not.toBeNull();
    expect((await rejection(stripe.invoices.pay(a.inv.id, { paid_out_of_band: true }, as(MERCHANT)))).message).toBe("Invoice is already paid");
    expect((await rejection(stripe.invoices.voidInvoice(a.inv.id, {}, as(MERCHANT)))).code).toBe("status_transition_invalid");

    const b = await draft();
    await item(b.inv, { amount: 5000 });
    expect((await rejection(stripe.invoices.voidInvoice(b.inv.id, {}, as(MERCHANT)))).code).toBe("status_transition_invalid");
    expect((await rejection(stripe.invoices.markUncollectible(b.inv.id, {}, as(MERCHANT)))).code).toBe("status_transition_invalid");
    await stripe.invoices.finalizeInvoice(b.inv.id, {}, as(MERCHANT));
    const voided = await stripe.invoices.voidInvoice(b.inv.id, {}, as(MERCHANT));
    expect(voided.status).toBe("void");
    expect(voided.status_transitions.voided_at).not.toBeNull();
    expect((await rejection(stripe.invoices.pay(b.inv.id, { paid_out_of_band: true }, as(MERCHANT)))).code).toBe("status_transition_invalid");
  });

  it("deletes drafts, auto-pays zero invoices at finalization, and sends", async () => {
    const a = await draft();
    const deleted = await stripe.invoices.del(a.inv.id, {}, as(MERCHANT));
    expect(deleted).toMatchObject({ id: a.inv.id, object: "invoice", deleted: true });
    expect((await rejection(stripe.invoices.retrieve(a.inv.id, {}, as(MERCHANT)))).statusCode).toBe(404);

    const zero = await draft();
    const fin = await stripe.invoices.finalizeInvoice(zero.inv.id, {}, as(MERCHANT));
    expect(fin.status).toBe("paid");

    const s = await draft();
    await item(s.inv, { amount: 700 });
    const sent = await stripe.invoices.sendInvoice(s.inv.id, {}, as(MERCHANT));
    expect(sent.status).toBe("open");
    const types = h.standIn.control.events(MERCHANT).filter((e) => (e.data.object as { id?: string }).id === s.inv.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["invoice.created", "invoice.finalized", "invoice.sent"]));
  });

  it("includes pending invoice items only when asked to", async () => {
    const c = await customer();
    await stripe.invoiceItems.create({ customer: c.id, amount: 900, currency: "eur" }, as(MERCHANT));
    const excl = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 7 }, as(MERCHANT));
    expect(excl.lines.data).toHaveLength(0);
    const incl = await stripe.invoices.create(
      { customer: c.id, collection_method: "send_invoice", days_until_due: 7, pending_invoice_items_behavior: "include" },
      as(MERCHANT),
    );
    expect(incl.total).toBe(900);
    const pending = await stripe.invoiceItems.list({ customer: c.id, pending: true }, as(MERCHANT));
    expect(pending.data).toHaveLength(0);
  });

  it("accepts automatic_tax disabled and payment_method_types, refuses Stripe Tax", async () => {
    const { inv } = await draft({ automatic_tax: { enabled: false }, payment_settings: { payment_method_types: ["card", "sepa_debit"] } });
    expect(inv.payment_settings.payment_method_types).toEqual(["card", "sepa_debit"]);
    expect(inv.automatic_tax.enabled).toBe(false);
    const c = await customer();
    const err = await rejection(stripe.invoices.create({ customer: c.id, automatic_tax: { enabled: true } }, as(MERCHANT)));
    expect(err.code).toBe("stripe_tax_inactive");
  });

  it("requires a due date for send_invoice", async () => {
    const c = await customer();
    const err = await rejection(stripe.invoices.create({ customer: c.id, collection_method: "send_invoice" }, as(MERCHANT)));
    expect(err.code).toBe("parameter_missing");
    expect((err.raw as { param?: string }).param).toBe("days_until_due");
  });
});

describe("search, lists and pagination", () => {
  it("searches invoices by metadata, status and customer (AND), and customers by email/metadata", async () => {
    const { c, inv } = await draft({ metadata: { run_id: "abc" } });
    await draft({ metadata: { run_id: "def" } });
    await item(inv, { amount: 100 });
    await stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));

    const byRun = await stripe.invoices.search({ query: "metadata['run_id']:'abc'" }, as(MERCHANT));
    expect(byRun.object).toBe("search_result");
    expect(byRun.data.map((i) => i.id)).toEqual([inv.id]);
    const combined = await stripe.invoices.search({ query: `status:'open' AND customer:'${c.id}'` }, as(MERCHANT));
    expect(combined.data.map((i) => i.id)).toEqual([inv.id]);
    expect((await stripe.invoices.search({ query: `metadata["run_id"]:"abc"` }, as(OTHER_MERCHANT))).data).toHaveLength(0);

    await customer(MERCHANT, { email: "Marie@Example.com", metadata: { shopify_id: "gid://shopify/Customer/7" } });
    const byEmail = await stripe.customers.search({ query: "email:'marie@example.com'" }, as(MERCHANT));
    expect(byEmail.data).toHaveLength(1);
    const byMeta = await stripe.customers.search({ query: `metadata['shopify_id']:'gid://shopify/Customer/7'` }, as(MERCHANT));
    expect(byMeta.data[0]?.email).toBe("Marie@Example.com");

    const unquoted = await rejection(stripe.invoices.search({ query: "status:open" }, as(MERCHANT)));
    expect(unquoted.statusCode).toBe(400);
    const unknownField = await rejection(stripe.invoices.search({ query: "colour:'red'" }, as(MERCHANT)));
    expect(unknownField.message).toContain("unsupported search field");
  });

  it("pages through search results with next_page", async () => {
    for (let i = 0; i < 5; i++) await draft({ metadata: { batch: "b1" } });
    const page1 = await stripe.invoices.search({ query: "metadata['batch']:'b1'", limit: 2 }, as(MERCHANT));
    expect(page1.has_more).toBe(true);
    expect(page1.next_page).toBeTruthy();
    const all = await stripe.invoices.search({ query: "metadata['batch']:'b1'", limit: 2 }, as(MERCHANT)).autoPagingToArray({ limit: 100 });
    expect(new Set(all.map((i) => i.id)).size).toBe(5);
  });

  it("honours a search indexing lag when configured", async () => {
    h.standIn.control.setSearchLag(60_000);
    await draft({ metadata: { run_id: "fresh" } });
    expect((await stripe.invoices.search({ query: "metadata['run_id']:'fresh'" }, as(MERCHANT))).data).toHaveLength(0);
    expect((await stripe.invoices.list({}, as(MERCHANT))).data).toHaveLength(1);
    h.standIn.control.setSearchLag(0);
  });

  it("paginates lists newest first with starting_after / ending_before", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await customer(MERCHANT, { email: `c${i}@example.com` })).id);
    const newestFirst = [...ids].reverse();
    const p1 = await stripe.customers.list({ limit: 2 }, as(MERCHANT));
    expect(p1).toMatchObject({ object: "list", has_more: true, url: "/v1/customers" });
    expect(p1.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    const p2 = await stripe.customers.list({ limit: 2, starting_after: p1.data[1]?.id }, as(MERCHANT));
    expect(p2.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    const back = await stripe.customers.list({ limit: 2, ending_before: p2.data[0]?.id }, as(MERCHANT));
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    expect(back.has_more).toBe(false);
    const all = await stripe.customers.list({ limit: 2 }, as(MERCHANT)).autoPagingToArray({ limit: 10 });
    expect(all.map((c) => c.id)).toEqual(newestFirst);
  });

  it("embeds the first 10 lines and pages the rest at /v1/invoices/:id/lines", async () => {
    const { inv } = await draft();
    for (let i = 0; i < 12; i++) await item(inv, { amount: 100 + i, description: `line ${i}` });
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got.lines.data).toHaveLength(10);
    expect(got.lines.has_more).toBe(true);
    expect(got.lines.url).toBe(`/v1/invoices/${inv.id}/lines`);
    const lines = await stripe.invoices.listLineItems(inv.id, { limit: 100 }, as(MERCHANT));
    expect(lines.data.map((l) => l.description)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`));
    expect(got.total).toBe(Array.from({ length: 12 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0));
  });

  it("expands references and rejects unknown expansions", async () => {
    const { inv, c } = await draft();
    const got = await stripe.invoices.retrieve(inv.id, { expand: ["customer"] }, as(MERCHANT));
    expect((got.customer as Stripe.Customer).email).toBe(c.email);
    const list = await stripe.invoices.list({ expand: ["data.customer"] }, as(MERCHANT));
    expect((list.data[0]?.customer as Stripe.Customer).id).toBe(c.id);
    const err = await rejection(stripe.invoices.retrieve(inv.id, { expand: ["colour"] }, as(MERCHANT)));
    expect(err.message).toContain("cannot be expanded");
  });

  it("lists and retrieves events of the account, with `account` set for connected accounts", async () => {
    const { inv } = await draft();
    const events = await stripe.events.list({ type: "invoice.created" }, as(MERCHANT));
    expect(events.data).toHaveLength(1);
    const evt = events.data[0] as Stripe.InvoiceCreatedEvent;
    expect(evt).toMatchObject({ object: "event", account: MERCHANT, livemode: false, api_version: Stripe.API_VERSION });
    expect(evt.data.object.id).toBe(inv.id);
    expect((await stripe.events.retrieve(evt.id, {}, as(MERCHANT))).id).toBe(evt.id);
    expect((await stripe.events.list({ types: ["customer.*"] }, as(MERCHANT))).data.map((e) => e.type)).toEqual(["customer.created"]);
    expect((await stripe.events.list({}, as(OTHER_MERCHANT))).data).toHaveLength(0);
  });
});
