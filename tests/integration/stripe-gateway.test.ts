// The Stripe gateway, step by step in the pipeline's order, through the real
// `stripe` SDK against the stand-in: Stripe's totals equal the domain's to the
// minor unit, objects are reused, and every unknown outcome converges on one
// invoice with one set of lines.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { toStripeAmount } from "~/domain/money";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { toBillingError } from "~/gateways/stripe/errors.server";
import { BillingError, idempotencyKey, type BillingStep, type InvoiceRequest, type IssuedInvoice } from "~/domain/billing";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { invoiceRequest, MemoryStripeStores, MERCHANT, OTHER_MERCHANT, startStripe, testClient } from "../helpers/stripe";
import { rejected } from "../helpers/expect-error";

let standIn: StripeStandIn;
let stores: MemoryStripeStores;
let gateway: StripeBillingAdapter;

beforeAll(async () => {
  standIn = await startStripe();
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.control.reset();
  standIn.control.configureWebhooks({ paused: true });
  stores = new MemoryStripeStores();
  gateway = new StripeBillingAdapter(testClient(standIn), stores.customers, stores.taxRates);
});

const VAT_20 = [{ title: "TVA", ratePercent: "20" }];
const NY_TAX = [{ title: "NY Sales Tax", ratePercent: "8.875" }];

function key(request: InvoiceRequest, step: BillingStep) {
  return { idempotencyKey: idempotencyKey(request.runId, step) };
}

/** customer → draft → lines → finalize → send, as the pipeline calls them. */
async function issue(request: InvoiceRequest): Promise<IssuedInvoice> {
  const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
  const draft = await gateway.createDraft(request, customerId, key(request, "draft"));
  await gateway.addLines(request, draft.invoiceId, key(request, "lines"));
  await gateway.finalize(request, draft.invoiceId, key(request, "finalize"));
  return gateway.send(request, draft.invoiceId, key(request, "send"));
}

function invoicesOfRun(runId: string) {
  return standIn.control.ledger().filter((invoice) => invoice.metadata?.run_id === runId);
}

describe("totals: Stripe's invoice total equals the domain's to the minor unit", () => {
  it.each([
    {
      name: "EU 20% VAT included, with shipping",
      draft: {
        currency: "EUR",
        taxesIncluded: true,
        lines: [{ title: "Café en grains", quantity: 3, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }],
        shipping: { title: "Colissimo", amount: 490, discountAmount: 0, taxLines: VAT_20 },
      },
      total: 6487,
    },
    {
      name: "US 8.875% sales tax added on top, per line",
      draft: {
        currency: "USD",
        taxesIncluded: false,
        lines: [
          { title: "Beans", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: NY_TAX },
          { title: "Filter", quantity: 3, unitAmount: 4, discountAmount: 0, taxLines: NY_TAX },
        ],
      },
      total: 1999 + 177 + 12 + 1,
    },
    {
      name: "JPY (zero-decimal) with 10% consumption tax included",
      draft: {
        currency: "JPY",
        taxesIncluded: true,
        lines: [{ title: "抹茶", quantity: 2, unitAmount: 1650, discountAmount: 0, taxLines: [{ title: "消費税", ratePercent: "10" }] }],
        shipping: { title: "配送", amount: 550, discountAmount: 0, taxLines: [{ title: "消費税", ratePercent: "10" }] },
      },
      total: 3850,
    },
    {
      // A negative discount line would be taxed apart: 89 − 13 = 76 ≠ 75 = 8.875% of 850.
      name: "a discounted line, taxed after its discount",
      draft: {
        currency: "USD",
        taxesIncluded: false,
        lines: [{ title: "Subscription box", quantity: 1, unitAmount: 1000, discountAmount: 150, taxLines: NY_TAX }],
      },
      total: 850 + 75,
    },
    {
      name: "discounted shipping with its own tax, next to a multi-rate line",
      draft: {
        currency: "USD",
        taxesIncluded: false,
        lines: [
          {
            title: "Tea",
            quantity: 2,
            unitAmount: 1999,
            discountAmount: 399,
            taxLines: [
              { title: "NY State", ratePercent: "4" },
              { title: "NYC", ratePercent: "4.5" },
              { title: "MCTD", ratePercent: "0.375" },
            ],
          },
        ],
        shipping: { title: "UPS Ground", amount: 995, discountAmount: 500, taxLines: [{ title: "NY State", ratePercent: "4" }] },
      },
      // Tea: 3599 + 144 + 162 + 13; shipping: 495 + 20.
      total: 3599 + 144 + 162 + 13 + 495 + 20,
    },
  ])("$name", async ({ draft, total }) => {
    const request = invoiceRequest(draft);
    expect(request.expectedTotal).toBe(total);
    const sent = await issue(request);

    expect(sent).toMatchObject({ status: "open", total });
    expect(sent.number).toMatch(/^ATDUP-\d{4}$/);
    const [invoice, ...others] = invoicesOfRun(request.runId);
    expect(others).toEqual([]);
    expect(invoice!.total).toBe(toStripeAmount(total, draft.currency));
    expect(invoice!.lines.data).toHaveLength(request.lines.length);
  });

  it("refuses to finalize a total that differs: the draft is deleted, both totals and the difference are reported", async () => {
    const request = invoiceRequest(
      { currency: "EUR", taxesIncluded: true, lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }] },
    );
    request.expectedTotal += 1;
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    const draft = await gateway.createDraft(request, customerId, key(request, "draft"));

    const error = await rejected(BillingError, gateway.addLines(request, draft.invoiceId, key(request, "lines")));
    expect(error).toMatchObject({ kind: "permanent", code: "total_mismatch" });
    expect(error.message).toContain("Stripe computed 19.99 EUR");
    expect(error.message).toContain("expected 20.00 EUR (difference -0.01 EUR)");
    expect(invoicesOfRun(request.runId)).toEqual([]);
  });

  it("re-reads the draft before finalizing: lines added in Stripe meanwhile stop it, and nothing is sent", async () => {
    const request = invoiceRequest(
      { currency: "EUR", taxesIncluded: true, lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }] },
    );
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    const draft = await gateway.createDraft(request, customerId, key(request, "draft"));
    await gateway.addLines(request, draft.invoiceId, key(request, "lines"));
    await testClient(standIn).sdk.invoiceItems.create(
      { customer: customerId, invoice: draft.invoiceId, amount: 500, currency: "eur" },
      { stripeAccount: MERCHANT },
    );

    const error = await rejected(BillingError, gateway.finalize(request, draft.invoiceId, key(request, "finalize")));
    expect(error).toMatchObject({ kind: "permanent", code: "total_mismatch" });
    expect(error.message).toContain("difference 5.00 EUR");
    expect(invoicesOfRun(request.runId)).toEqual([]);
    expect(standIn.control.requests({ path: `/v1/invoices/${draft.invoiceId}/finalize` })).toEqual([]);
  });
});

describe("the draft", () => {
  it("is a send_invoice draft that never advances on its own, carries the run's metadata, memo and signing link", async () => {
    const request = invoiceRequest(
      { currency: "EUR", taxesIncluded: true, lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }] },
      { memo: "Abonnement café — janvier", signingUrl: "https://ritournelle.test/sign/abc123", daysUntilDue: 30 },
    );
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    await gateway.createDraft(request, customerId, key(request, "draft"));

    const [invoice] = invoicesOfRun(request.runId);
    expect(invoice).toMatchObject({
      status: "draft",
      customer: customerId,
      currency: "eur",
      collection_method: "send_invoice",
      auto_advance: false,
      description: "Abonnement café — janvier",
      custom_fields: [{ name: "Signer en ligne", value: "https://ritournelle.test/sign/abc123" }],
      metadata: { run_id: request.runId, template_id: "tpl_1", shop: "atelier-dupont.myshopify.com", period: "2026-01-15" },
    });
    expect(invoice!.due_date! - invoice!.created).toBe(30 * 86_400);
    const [creation] = standIn.control.requests({ method: "POST", path: "/v1/invoices" });
    expect(creation).toMatchObject({ account: MERCHANT, idempotencyKey: `${request.runId}:draft` });
  });
});

describe("reuse", () => {
  const lines = [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 100, taxLines: VAT_20 }];

  it("reuses the customer, the tax rate and the coupon of an account; updates the customer when its details change", async () => {
    const first = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const second = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines }, { customer: first.customer });
    await issue(first);
    await issue(second);

    const sdk = testClient(standIn).sdk;
    const customers = await sdk.customers.list({}, { stripeAccount: MERCHANT });
    expect(customers.data).toHaveLength(1);
    expect(customers.data[0]).toMatchObject({ email: "claire.martin@example.fr", name: "Claire Martin", preferred_locales: ["fr"] });
    expect(customers.data[0]!.address).toMatchObject({ line1: "12 rue des Lilas", city: "Lyon", postal_code: "69003", country: "FR" });
    expect((await sdk.taxRates.list({}, { stripeAccount: MERCHANT })).data).toHaveLength(1);
    expect((await sdk.coupons.list({}, { stripeAccount: MERCHANT })).data.map((coupon) => coupon.id)).toEqual(["ritournelle-eur-100"]);
    expect(standIn.control.requests({ method: "POST", path: "/v1/customers" })).toHaveLength(1);

    const moved = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines }, { customer: { ...first.customer, email: "claire@example.org" } });
    await issue(moved);
    const after = await sdk.customers.list({}, { stripeAccount: MERCHANT });
    expect(after.data.map((customer) => customer.email)).toEqual(["claire@example.org"]);
  });

  it("a tax rate archived in Stripe since it was remembered: the lines are sent again with a new one, once, and the total is right", async () => {
    const first = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    await issue(first);
    const sdk = testClient(standIn).sdk;
    const [remembered] = (await sdk.taxRates.list({}, { stripeAccount: MERCHANT })).data;
    await sdk.taxRates.update(remembered!.id, { active: false }, { stripeAccount: MERCHANT });

    const second = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines }, { customer: first.customer });
    const issued = await issue(second);
    expect(issued).toMatchObject({ status: "open", total: second.expectedTotal });
    const [invoice] = invoicesOfRun(second.runId);
    const adds = standIn.control.requests({ method: "POST", path: `/v1/invoices/${invoice!.id}/add_lines` });
    // Refused (400, nothing added), then once more with the new rate under a key derived from the refused request.
    expect(adds.map((entry) => entry.status)).toEqual([400, 200]);
    expect(adds[1]!.idempotencyKey).toMatch(new RegExp(`^${second.runId}:lines:after-`));
    expect(invoice!.lines.data).toHaveLength(1);
    expect(standIn.control.requests({ method: "GET", path: `/v1/invoices/${invoice!.id}/lines` })).toEqual([]);
  });

  it("keeps each account's objects to that account", async () => {
    const here = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const there = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines }, { account: OTHER_MERCHANT, customer: here.customer });
    await issue(here);
    await issue(there);

    const sdk = testClient(standIn).sdk;
    for (const account of [MERCHANT, OTHER_MERCHANT]) {
      expect((await sdk.customers.list({}, { stripeAccount: account })).data).toHaveLength(1);
      expect((await sdk.taxRates.list({}, { stripeAccount: account })).data).toHaveLength(1);
      expect(standIn.control.ledger(account)).toHaveLength(1);
    }
  });

  it("finds a tax rate the account already has instead of creating one", async () => {
    const sdk = testClient(standIn).sdk;
    const existing = await sdk.taxRates.create({ display_name: "TVA", percentage: 20, inclusive: true }, { stripeAccount: MERCHANT });
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    await issue(request);

    expect((await sdk.taxRates.list({}, { stripeAccount: MERCHANT })).data.map((rate) => rate.id)).toEqual([existing.id]);
    const [invoice] = invoicesOfRun(request.runId);
    expect(invoice!.lines.data[0]!.taxes?.map((tax) => tax.tax_rate_details?.tax_rate)).toEqual([existing.id]);
  });
});

describe("unknown outcomes converge on one invoice", () => {
  const lines = [
    { title: "Café", quantity: 2, unitAmount: 2490, discountAmount: 0, taxLines: VAT_20 },
    { title: "Filtres", quantity: 1, unitAmount: 390, discountAmount: 0, taxLines: VAT_20 },
  ];

  it("the draft was created but the answer was lost (crash before recording): the resumed run finds it by run id", async () => {
    // The search index lags, as Stripe's does: the lookup must fall back to the customer's invoices.
    standIn.control.setSearchLag(60_000);
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    // Committed, then the connection dropped, twice (the SDK's own retry included).
    standIn.control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/invoices" } });
    const lost = await rejected(BillingError, gateway.createDraft(request, customerId, key(request, "draft")));
    expect(lost).toMatchObject({ kind: "transient", code: "stripe_unreachable" });
    expect(invoicesOfRun(request.runId)).toHaveLength(1);

    // The worker resumes: a draft may exist, so it looks before creating.
    const found = await gateway.findInvoiceForRun(request);
    expect(found).toMatchObject({ invoiceId: invoicesOfRun(request.runId)[0]!.id, status: "draft" });
    await gateway.addLines(request, found!.invoiceId, key(request, "lines"));
    await gateway.finalize(request, found!.invoiceId, key(request, "finalize"));
    await gateway.send(request, found!.invoiceId, key(request, "send"));

    const [invoice, ...others] = invoicesOfRun(request.runId);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ status: "open", total: request.expectedTotal });
  });

  it("a 5xx after the draft was committed: reconciliation finds the invoice instead of creating another", async () => {
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    standIn.control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/invoices", mode: "after_commit" } });

    const draft = await gateway.createDraft(request, customerId, key(request, "draft"));
    expect(invoicesOfRun(request.runId).map((invoice) => invoice.id)).toEqual([draft.invoiceId]);
    expect(standIn.control.requests({ method: "GET", path: "/v1/invoices/search" })).toHaveLength(1);

    // The pipeline may also call again with the burnt key (its own retry): still one invoice.
    const again = await gateway.createDraft(request, customerId, key(request, "draft"));
    expect(again.invoiceId).toBe(draft.invoiceId);
    expect(invoicesOfRun(request.runId)).toHaveLength(1);
  });

  it("a 5xx after the lines were committed: they are found on the invoice, not added twice", async () => {
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    const draft = await gateway.createDraft(request, customerId, key(request, "draft"));
    standIn.control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/invoices/*/add_lines", mode: "after_commit" } });

    const withLines = await gateway.addLines(request, draft.invoiceId, key(request, "lines"));
    expect(withLines.total).toBe(request.expectedTotal);
    expect(invoicesOfRun(request.runId)[0]!.lines.data).toHaveLength(2);
    // The saved 500 was seen (the lines were looked for), and nothing was sent again under another key.
    const adds = standIn.control.requests({ method: "POST", path: `/v1/invoices/${draft.invoiceId}/add_lines` });
    expect(adds.map((entry) => [entry.idempotencyKey, entry.status])).toContainEqual([`${request.runId}:lines`, 500]);
    expect(new Set(adds.map((entry) => entry.idempotencyKey))).toEqual(new Set([`${request.runId}:lines`]));
  });

  it("every step repeated with its key after a crash (the worker died after Stripe committed) changes nothing", async () => {
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const twice = async <T>(step: () => Promise<T>): Promise<T> => {
      const first = await step();
      expect(await step()).toEqual(first);
      return first;
    };
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    stores.customerRows.clear(); // died before the mapping was stored
    expect(await gateway.ensureCustomer(request, key(request, "customer"))).toEqual({ customerId });
    const draft = await twice(() => gateway.createDraft(request, customerId, key(request, "draft")));
    await twice(() => gateway.addLines(request, draft.invoiceId, key(request, "lines")));
    await twice(() => gateway.finalize(request, draft.invoiceId, key(request, "finalize")));
    await twice(() => gateway.send(request, draft.invoiceId, key(request, "send")));

    const [invoice, ...others] = invoicesOfRun(request.runId);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ status: "open", total: request.expectedTotal });
    expect(invoice!.lines.data).toHaveLength(2);
    expect(await testClient(standIn).sdk.customers.list({}, { stripeAccount: MERCHANT })).toMatchObject({ data: [{ id: customerId }] });
    const replayed = standIn.control.requests({ method: "POST" }).filter((entry) => entry.replayed);
    expect(replayed.map((entry) => entry.idempotencyKey)).toEqual(
      ["customer", "draft", "lines", "send"].map((step) => `${request.runId}:${step}`),
    );
  });

  it("a 5xx after finalization was committed: the invoice is read back as finalized", async () => {
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    const { customerId } = await gateway.ensureCustomer(request, key(request, "customer"));
    const draft = await gateway.createDraft(request, customerId, key(request, "draft"));
    await gateway.addLines(request, draft.invoiceId, key(request, "lines"));
    standIn.control.setFaults(MERCHANT, { failNext: { count: 1, path: "/v1/invoices/*/finalize", mode: "after_commit" } });

    const finalized = await gateway.finalize(request, draft.invoiceId, key(request, "finalize"));
    expect(finalized).toMatchObject({ status: "open", total: request.expectedTotal });
    expect(finalized.number).toMatch(/^ATDUP-/);
  });

  it("a 5xx Stripe asks to retry is retried at once with the same key", async () => {
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    standIn.control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/customers" } });
    await gateway.ensureCustomer(request, key(request, "customer"));

    const attempts = standIn.control.requests({ method: "POST", path: "/v1/customers" });
    expect(attempts.map((entry) => [entry.status, entry.idempotencyKey])).toEqual([
      [500, `${request.runId}:customer`],
      [200, `${request.runId}:customer`],
    ]);
  });
});

describe("errors, in the port's terms", () => {
  const lines = [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }];

  it("a rate limit that outlasts the retries is transient", async () => {
    gateway = new StripeBillingAdapter(testClient(standIn, { retry: { maxAttempts: 2, baseDelayMs: 1 } }), stores.customers, stores.taxRates);
    standIn.control.setFaults(MERCHANT, { rateLimit: { requestsPerSecond: 0.001, burst: 1 } });
    await testClient(standIn).sdk.customers.list({}, { stripeAccount: MERCHANT });
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });

    const error = await rejected(BillingError, gateway.ensureCustomer(request, key(request, "customer")));
    expect(error).toMatchObject({ kind: "transient", code: "rate_limited" });
    expect(standIn.control.requests({ method: "POST", path: "/v1/customers" }).map((entry) => entry.status)).toEqual([429, 429]);
  });

  it("an email Stripe refuses fails the run with a message the merchant can act on", async () => {
    const email = `${"x".repeat(520)}@example.fr`;
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });
    request.customer = { ...request.customer, email };

    const error = await rejected(BillingError, gateway.ensureCustomer(request, key(request, "customer")));
    expect(error).toMatchObject({ kind: "permanent", code: "customer_email_invalid" });
    expect(error.message).toContain(`The customer's email "${email}" was refused by Stripe: fix it in the template.`);
  });

  it("an account that disconnected Ritournelle is blocked, not transient: the run is held for a reconnection, not retried", async () => {
    standIn.control.disconnectAccount(MERCHANT);
    const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines });

    const error = await rejected(BillingError, gateway.ensureCustomer(request, key(request, "customer")));
    expect(error).toMatchObject({ kind: "blocked", code: "billing_account_unavailable" });
  });

  it.each([
    [{ type: "invalid_request_error", code: "email_invalid", param: "email", message: "Invalid email address: x", statusCode: 400 }, "permanent", "customer_email_invalid"],
    [{ type: "invalid_request_error", code: "parameter_invalid_empty", param: "currency", message: "Invalid currency: xxx", statusCode: 400 }, "permanent", "currency_invalid"],
    [{ type: "invalid_request_error", code: "resource_missing", param: "customer", message: "No such customer", statusCode: 400 }, "permanent", "customer_missing"],
    [{ type: "api_error", message: "An unknown error occurred", statusCode: 503 }, "transient", "stripe_unavailable"],
    [{ type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters", statusCode: 400 }, "permanent", "idempotency_mismatch"],
    [{ type: "idempotency_error", code: "idempotency_key_in_use", message: "in use", statusCode: 409 }, "transient", "idempotency_in_flight"],
  ] as const)("maps %j to %s %s", (raw, kind, code) => {
    const error = toBillingError(Stripe.errors.StripeError.generate(raw), { customerEmail: "x", currency: "XXX" });
    expect(error).toMatchObject({ kind, code });
  });

  it("lets a programming error through as is (the worker treats it as a crash)", () => {
    const bug = new TypeError("undefined is not a function");
    expect(() => toBillingError(bug)).toThrow(bug);
  });
});
