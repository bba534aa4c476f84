// The BillingGateway implemented with Stripe Invoicing, in the merchant's
// connected account (every call carries `stripeAccount`).
//
// One period's invoice is: a customer (reused), a draft `send_invoice`
// invoice, one invoice item per line (tax rates reused per account, a line's
// discount as an amount-off coupon on that item), a check of Stripe's total
// against ours, finalization, sending.
//
// Why a line discount is a coupon and not a negative line: Stripe computes tax
// per line, each rounded once. Our total (app/domain/invoice-draft.ts) taxes
// the discounted line: tax(amount − discount). A negative line would be taxed
// separately: tax(amount) + tax(−discount), which differs by a unit whenever
// the two roundings do (8.875 % of 1000 and of −150: 89 − 13 = 76, but 8.875 %
// of 850 is 75). An item-level coupon reduces the line before its tax, as we
// do. Coupons get a deterministic id per currency and amount, so one coupon
// serves every invoice of the account with that discount.
//
// Unknown outcomes: a 5xx that Stripe saved under the idempotency key (or an
// idempotency conflict) means repeating the key can only replay the error.
// Each creating step then looks at Stripe's state (the invoice by run id, the
// invoice's items by line index, the invoice's status) and only creates again,
// under a fresh key, what is definitely not there.
import { createHash, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { formatMinor, fromStripeAmount, toStripeAmount } from "~/domain/money";
import type { RunErrorCode } from "~/domain/run-errors";
import {
  BillingError,
  type BillingCustomer,
  type BillingGateway,
  type BillingLine,
  type BillingTax,
  type InvoiceRequest,
  type IssuedInvoice,
  type StepContext,
} from "~/services/billing-gateway";
import { isUnknownOutcomeReplay, type StripeClient } from "./client.server";
import { toBillingError, type ErrorContext } from "./errors.server";

// ---------------------------------------------------------------------------
// Repositories (implemented over the database in app/models/stripe.server.ts)
// ---------------------------------------------------------------------------

/** Which Stripe customer stands for one shop's customer in one connected account. */
export type CustomerMappingKey = {
  shopDomain: string;
  account: string;
  /** The Shopify customer GID, or `email:<lower-cased email>` for an order without a customer. */
  customerKey: string;
};

export type CustomerMapping = {
  customerId: string;
  /** Hash of the details last sent to Stripe; a different one means the customer must be updated. */
  fingerprint: string;
};

export interface StripeCustomerStore {
  find(key: CustomerMappingKey): Promise<CustomerMapping | null>;
  /** Inserts or replaces the mapping. The customer's identifiers are kept for data requests and erasure. */
  save(key: CustomerMappingKey, mapping: CustomerMapping & { email: string; shopifyCustomerId: string | null }): Promise<void>;
  forget(key: CustomerMappingKey): Promise<void>;
}

/** A tax rate's identity within one account: Stripe tax rates are immutable in these fields. */
export type TaxRateKey = { account: string; percentage: string; inclusive: boolean; displayName: string };

export interface StripeTaxRateStore {
  find(key: TaxRateKey): Promise<string | null>;
  /** Records the tax rate id; keeps the first one when another process recorded one meanwhile. */
  save(key: TaxRateKey, taxRateId: string): Promise<void>;
  forget(key: TaxRateKey): Promise<void>;
}

// ---------------------------------------------------------------------------
// The gateway
// ---------------------------------------------------------------------------

/** Stripe refuses custom field values longer than this; a longer signing link goes in the footer. */
const CUSTOM_FIELD_VALUE_MAX = 140;
const TAX_RATE_NAME_MAX = 50;
const SIGNING_LABEL: Record<string, string> = { fr: "Signer en ligne", en: "Sign online" };

/**
 * Locales Stripe accepts for a customer's emails, invoices and hosted pages
 * (https://docs.stripe.com/api/customers/object#customer_object-preferred_locales).
 */
const STRIPE_LOCALES = new Set([
  "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id",
  "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th",
  "tr", "vi", "zh", "zh-HK", "zh-TW",
]);

/**
 * Stripe Invoicing behind the billing port. Idempotent and convergent step by
 * step: every call carries the step's idempotency key (a per-line suffix for
 * the line calls), and a step repeated after any failure continues from what
 * Stripe already has instead of creating it twice.
 */
export class StripeBillingGateway implements BillingGateway {
  /** In-flight creations shared by concurrent runs of this process (one tax rate or coupon, not one per run). */
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Coupons known to exist, `${account}/${couponId}`: coupons are never deleted by us, so one check per process. */
  private readonly knownCoupons = new Set<string>();
  /** Tax rate ids already resolved, by identity: a tax rate never changes, so one lookup per process. */
  private readonly knownTaxRates = new Map<string, string>();

  constructor(
    private readonly client: StripeClient,
    private readonly customers: StripeCustomerStore,
    private readonly taxRates: StripeTaxRateStore,
  ) {}

  async ensureCustomer(request: InvoiceRequest, context: StepContext): Promise<{ customerId: string }> {
    const key = customerMappingKey(request);
    const params = customerParams(request.customer);
    const fingerprint = sha256(JSON.stringify(params));
    return this.guard(request, () =>
      this.singleFlight(`customer:${key.account}:${key.shopDomain}:${key.customerKey}:${fingerprint}`, async () => {
        const mapping = await this.customers.find(key);
        if (mapping?.fingerprint === fingerprint) return mapping.customerId;
        const identity = { fingerprint, email: request.customer.email, shopifyCustomerId: request.customer.shopifyCustomerId ?? null };
        if (mapping && (await this.updateCustomer(request.account, mapping.customerId, params, context))) {
          await this.customers.save(key, { customerId: mapping.customerId, ...identity });
          return mapping.customerId;
        }
        const created = await this.createCustomer(request, params, context);
        await this.customers.save(key, { customerId: created, ...identity });
        return created;
      }),
    ).then((customerId) => ({ customerId }));
  }

  async createDraft(request: InvoiceRequest, customerId: string, context: StepContext): Promise<IssuedInvoice> {
    const params = draftParams(request, customerId);
    const create = (idempotencyKey: string) =>
      this.client.call(request.account, (stripe, options) => stripe.invoices.create(params, { ...options, idempotencyKey }));
    return this.guard(request, async () => {
      try {
        return toIssued(await create(context.idempotencyKey), request.currency);
      } catch (error) {
        if (isStripeCode(error, "resource_missing") && (error as Stripe.errors.StripeError).param === "customer") {
          // Deleted in the Stripe dashboard: the next period creates a new one.
          await this.customers.forget(customerMappingKey(request));
          throw error;
        }
        if (!needsReconciliation(error)) throw error;
        const existing = await this.findInvoiceForRun(request);
        if (existing) return existing;
        return toIssued(await create(`${context.idempotencyKey}:${randomUUID()}`), request.currency);
      }
    });
  }

  async addLines(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async () => {
      const invoice = await this.retrieveInvoice(request, invoiceId);
      if (invoice.status !== "draft") return toIssued(invoice, request.currency);
      const customerId = stripeId(invoice.customer);
      for (const [index, line] of request.lines.entries()) {
        await this.addLine(request, invoiceId, customerId, line, index, `${context.idempotencyKey}:${index}`);
      }
      return this.checkedTotal(request, await this.retrieveInvoice(request, invoiceId));
    });
  }

  async finalize(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async () => {
      // Re-read: the draft could have been edited in Stripe since the lines step.
      const draft = await this.retrieveInvoice(request, invoiceId);
      if (draft.status !== "draft") return toIssued(draft, request.currency);
      await this.checkedTotal(request, draft);
      const finalize = (idempotencyKey: string) =>
        this.client.call(request.account, (stripe, options) =>
          stripe.invoices.finalizeInvoice(invoiceId, { auto_advance: false }, { ...options, idempotencyKey }),
        );
      try {
        return toIssued(await finalize(context.idempotencyKey), request.currency);
      } catch (error) {
        if (!needsReconciliation(error)) throw error;
        const now = await this.retrieveInvoice(request, invoiceId);
        if (now.status !== "draft") return toIssued(now, request.currency);
        return toIssued(await finalize(`${context.idempotencyKey}:${randomUUID()}`), request.currency);
      }
    });
  }

  async send(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    const sendWith = (idempotencyKey: string) =>
      this.client.call(request.account, (stripe, options) => stripe.invoices.sendInvoice(invoiceId, {}, { ...options, idempotencyKey }));
    return this.guard(request, async () => {
      try {
        return toIssued(await sendWith(context.idempotencyKey), request.currency);
      } catch (error) {
        if (isStripeCode(error, "invoice_not_editable") || isStripeCode(error, "status_transition_invalid")) {
          // Paid, voided or marked uncollectible before we sent it: it was issued; adopt its state.
          const invoice = await this.retrieveInvoice(request, invoiceId);
          if (invoice.status !== "draft" && invoice.status !== "open") return toIssued(invoice, request.currency);
        }
        if (!needsReconciliation(error)) throw error;
        // Whether the email left is unknowable; sending twice beats never sending.
        return toIssued(await sendWith(`${context.idempotencyKey}:${randomUUID()}`), request.currency);
      }
    });
  }

  /**
   * The invoice made for this run: a search on `metadata['run_id']`, then, as
   * search can lag behind writes, the customer's most recent invoices (a
   * list, which is always current). Deleted drafts are not found.
   */
  async findInvoiceForRun(request: InvoiceRequest): Promise<IssuedInvoice | null> {
    return this.guard(request, async () => {
      const found = await this.client.call(request.account, (stripe, options) =>
        stripe.invoices.search({ query: `metadata['run_id']:'${searchLiteral(request.runId)}'`, limit: 10 }, options),
      );
      let candidates = found.data;
      if (candidates.length === 0) {
        const mapping = await this.customers.find(customerMappingKey(request));
        if (mapping) {
          const recent = await this.client.call(request.account, (stripe, options) =>
            stripe.invoices.list({ customer: mapping.customerId, limit: 100 }, options),
          );
          candidates = recent.data.filter((invoice) => invoice.metadata?.run_id === request.runId);
        }
      }
      const first = [...candidates].sort((a, b) => a.created - b.created)[0];
      return first ? toIssued(first, request.currency) : null;
    });
  }

  // -------------------------------------------------------------------------
  // Steps' parts
  // -------------------------------------------------------------------------

  private async createCustomer(request: InvoiceRequest, params: Stripe.CustomerCreateParams, context: StepContext): Promise<string> {
    const metadata: Record<string, string> = { shop: request.shopDomain };
    if (request.customer.shopifyCustomerId) metadata.shopify_customer_id = request.customer.shopifyCustomerId;
    const create = (idempotencyKey: string) =>
      this.client.call(request.account, (stripe, options) => stripe.customers.create({ ...params, metadata }, { ...options, idempotencyKey }));
    try {
      return (await create(context.idempotencyKey)).id;
    } catch (error) {
      if (!needsReconciliation(error)) throw error;
      // Listing by email is always current; our metadata tells our customer apart from the merchant's own.
      const existing = await this.client.call(request.account, (stripe, options) =>
        stripe.customers.list({ email: request.customer.email, limit: 100 }, options),
      );
      const ours = existing.data.find(
        (customer) => customer.metadata.shop === request.shopDomain && customer.metadata.shopify_customer_id === metadata.shopify_customer_id,
      );
      return ours?.id ?? (await create(`${context.idempotencyKey}:${randomUUID()}`)).id;
    }
  }

  /** Brings the customer's details up to date; false when the customer no longer exists in Stripe. */
  private async updateCustomer(account: string, customerId: string, params: Stripe.CustomerUpdateParams, context: StepContext): Promise<boolean> {
    try {
      await this.client.call(account, (stripe, options) =>
        stripe.customers.update(customerId, params, { ...options, idempotencyKey: `${context.idempotencyKey}:update` }),
      );
      return true;
    } catch (error) {
      if (isStripeCode(error, "resource_missing")) return false;
      throw error;
    }
  }

  /** One line as an invoice item; a repeat after any failure adopts the item already on the invoice. */
  private async addLine(request: InvoiceRequest, invoiceId: string, customerId: string, line: BillingLine, index: number, key: string): Promise<void> {
    const build = async (fresh: boolean): Promise<Stripe.InvoiceItemCreateParams> => {
      const params: Stripe.InvoiceItemCreateParams = {
        customer: customerId,
        invoice: invoiceId,
        currency: request.currency.toLowerCase(),
        description: line.description,
        quantity: line.quantity,
        unit_amount_decimal: Stripe.Decimal.from(String(toStripeAmount(line.unitAmount, request.currency))),
        tax_rates: await Promise.all(line.taxes.map((tax) => this.taxRateId(request.account, tax, fresh))),
        metadata: { run_id: request.runId, line_index: String(index) },
      };
      if (line.discountAmount > 0) params.discounts = [{ coupon: await this.couponId(request, line.discountAmount, fresh) }];
      return params;
    };
    const create = (params: Stripe.InvoiceItemCreateParams, idempotencyKey: string) =>
      this.client.call(request.account, (stripe, options) => stripe.invoiceItems.create(params, { ...options, idempotencyKey }));
    try {
      await create(await build(false), key);
    } catch (error) {
      if (refersToRememberedObject(error)) {
        // A tax rate or coupon we remembered is gone or archived: look them up
        // again (a new key: the parameters differ) and try once more.
        await create(await build(true), `${key}:${randomUUID()}`);
        return;
      }
      if (!needsReconciliation(error)) throw error;
      if (await this.hasLine(request, invoiceId, index)) return;
      await create(await build(false), `${key}:${randomUUID()}`);
    }
  }

  private async hasLine(request: InvoiceRequest, invoiceId: string, index: number): Promise<boolean> {
    const items = await this.client.call(request.account, (stripe, options) =>
      stripe.invoiceItems.list({ invoice: invoiceId, limit: 100 }, options),
    );
    return items.data.some((item) => item.metadata?.run_id === request.runId && item.metadata.line_index === String(index));
  }

  /**
   * The account's tax rate for this percentage, inclusive flag and name:
   * remembered in the database, else found among the account's active tax
   * rates, else created (once: the key is the rate's identity). `fresh`
   * skips the remembered one, which Stripe refused.
   */
  private taxRateId(account: string, tax: BillingTax, fresh: boolean): Promise<string> {
    const key = taxRateKey(account, tax);
    const identity = sha256(JSON.stringify(key));
    if (fresh) this.knownTaxRates.delete(identity);
    const memo = this.knownTaxRates.get(identity);
    if (memo) return Promise.resolve(memo);
    return this.singleFlight(`tax_rate:${identity}:${fresh}`, async () => {
      if (fresh) await this.taxRates.forget(key);
      let id = await this.taxRates.find(key);
      if (!id) {
        const created = (await this.findTaxRate(key)) ?? (await this.createTaxRate(key, fresh ? `tax_rate:${identity}:${randomUUID()}` : `tax_rate:${identity}`));
        await this.taxRates.save(key, created);
        // Another process may have recorded its own equivalent rate first: use the same one.
        id = (await this.taxRates.find(key)) ?? created;
      }
      this.knownTaxRates.set(identity, id);
      return id;
    });
  }

  private async findTaxRate(key: TaxRateKey): Promise<string | undefined> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.client.call(key.account, (stripe, options) =>
        stripe.taxRates.list({ active: true, inclusive: key.inclusive, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }, options),
      );
      const match = page.data.find((rate) => normalizePercentage(String(rate.percentage)) === key.percentage && rate.display_name === key.displayName);
      if (match) return match.id;
      if (!page.has_more || page.data.length === 0) return undefined;
      startingAfter = page.data.at(-1)!.id;
    }
  }

  private async createTaxRate(key: TaxRateKey, idempotencyKey: string): Promise<string> {
    const rate = await this.client.call(key.account, (stripe, options) =>
      stripe.taxRates.create(
        { display_name: key.displayName, percentage: Number(key.percentage), inclusive: key.inclusive, metadata: { created_by: "ritournelle" } },
        { ...options, idempotencyKey },
      ),
    );
    return rate.id;
  }

  /**
   * The account's amount-off coupon for this discount: one per currency and
   * amount, under a deterministic id, created on first use. `fresh` checks
   * again one this process believed to exist.
   */
  private couponId(request: InvoiceRequest, discount: number, fresh: boolean): Promise<string> {
    const currency = request.currency.toLowerCase();
    const amountOff = toStripeAmount(discount, request.currency);
    const id = `ritournelle-${currency}-${amountOff}`;
    const known = `${request.account}/${id}`;
    if (fresh) this.knownCoupons.delete(known);
    if (this.knownCoupons.has(known)) return Promise.resolve(id);
    return this.singleFlight(`coupon:${known}`, async () => {
      const label = `${formatMinor(discount, request.currency)} ${request.currency}`;
      try {
        const existing = await this.client.call(request.account, (stripe, options) => stripe.coupons.retrieve(id, {}, options));
        if (existing.amount_off !== amountOff || existing.currency !== currency) {
          throw new BillingError(
            "permanent",
            "coupon_conflict" satisfies RunErrorCode,
            `Your Stripe account has a coupon "${id}" that is not Ritournelle's ${label} discount. Rename or delete it in Stripe, then retry.`,
          );
        }
      } catch (error) {
        if (!isStripeCode(error, "resource_missing")) throw error;
        await this.client.call(request.account, (stripe, options) =>
          stripe.coupons.create(
            { id, amount_off: amountOff, currency, duration: "once", name: `${label} off`.slice(0, 40), metadata: { created_by: "ritournelle" } },
            { ...options, idempotencyKey: fresh ? `coupon:${id}:${randomUUID()}` : `coupon:${id}` },
          ),
        );
      }
      this.knownCoupons.add(known);
      return id;
    });
  }

  /**
   * The invoice if its total equals the expected one. Otherwise the draft is
   * deleted (a wrong invoice must never be sent) and the run fails with both
   * totals and the difference.
   */
  private async checkedTotal(request: InvoiceRequest, invoice: Stripe.Invoice): Promise<IssuedInvoice> {
    const issued = toIssued(invoice, request.currency);
    if (issued.total === request.expectedTotal) return issued;
    await this.client.call(request.account, (stripe, options) => stripe.invoices.del(invoice.id, {}, options));
    const money = (minor: number) => `${formatMinor(minor, request.currency)} ${request.currency}`;
    throw new BillingError(
      "permanent",
      "total_mismatch" satisfies RunErrorCode,
      `Stripe computed ${money(issued.total)} for this invoice but Ritournelle expected ${money(request.expectedTotal)} (difference ${money(issued.total - request.expectedTotal)}). The draft was deleted and nothing was sent: check the taxes and discounts of this recurring invoice.`,
    );
  }

  private retrieveInvoice(request: InvoiceRequest, invoiceId: string): Promise<Stripe.Invoice> {
    return this.client.call(request.account, (stripe, options) => stripe.invoices.retrieve(invoiceId, {}, options));
  }

  /** Runs `work`, translating whatever Stripe threw into a BillingError for the pipeline. */
  private async guard<T>(request: InvoiceRequest, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const context: ErrorContext = { customerEmail: request.customer.email, currency: request.currency };
      throw toBillingError(error, context);
    }
  }

  /** Concurrent callers with the same `key` share one execution. */
  private singleFlight(key: string, work: () => Promise<string>): Promise<string> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

function customerMappingKey(request: InvoiceRequest): CustomerMappingKey {
  const { shopifyCustomerId, email } = request.customer;
  return {
    shopDomain: request.shopDomain,
    account: request.account,
    customerKey: shopifyCustomerId ?? `email:${email.trim().toLowerCase()}`,
  };
}

function customerParams(customer: BillingCustomer): Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams {
  const params: Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams = { email: customer.email, name: customer.name };
  const locale = stripeLocale(customer.locale);
  if (locale) params.preferred_locales = [locale];
  const address = customer.address;
  if (address) {
    const wire: Stripe.AddressParam = {};
    if (address.line1) wire.line1 = address.line1;
    if (address.line2) wire.line2 = address.line2;
    if (address.city) wire.city = address.city;
    if (address.state) wire.state = address.state;
    if (address.postalCode) wire.postal_code = address.postalCode;
    if (address.country) wire.country = address.country;
    if (Object.keys(wire).length > 0) params.address = wire;
  }
  return params;
}

/** The customer's locale as Stripe knows it ("fr-FR" → "fr", "pt-BR" stays), or undefined. */
function stripeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  const [language = "", region] = locale.split(/[-_]/);
  const exact = region ? `${language.toLowerCase()}-${region.toUpperCase()}` : language.toLowerCase();
  if (STRIPE_LOCALES.has(exact)) return exact;
  return STRIPE_LOCALES.has(language.toLowerCase()) ? language.toLowerCase() : undefined;
}

function draftParams(request: InvoiceRequest, customerId: string): Stripe.InvoiceCreateParams {
  const params: Stripe.InvoiceCreateParams = {
    customer: customerId,
    currency: request.currency.toLowerCase(),
    collection_method: "send_invoice",
    days_until_due: request.daysUntilDue,
    auto_advance: false,
    pending_invoice_items_behavior: "exclude",
    metadata: {
      run_id: request.runId,
      template_id: request.templateId,
      shop: request.shopDomain,
      period: request.periodDate,
    },
  };
  if (request.memo) params.description = request.memo;
  if (request.signingUrl) {
    const label = SIGNING_LABEL[stripeLocale(request.customer.locale)?.slice(0, 2) ?? "en"] ?? SIGNING_LABEL.en!;
    if (request.signingUrl.length <= CUSTOM_FIELD_VALUE_MAX) params.custom_fields = [{ name: label, value: request.signingUrl }];
    else params.footer = `${label}: ${request.signingUrl}`;
  }
  return params;
}

function taxRateKey(account: string, tax: BillingTax): TaxRateKey {
  return {
    account,
    percentage: normalizePercentage(tax.ratePercent),
    inclusive: tax.inclusive,
    displayName: (tax.title.trim() || "Tax").slice(0, TAX_RATE_NAME_MAX),
  };
}

/** "20.000" → "20", "8.8750" → "8.875": one spelling per rate. */
function normalizePercentage(percent: string): string {
  return percent.includes(".") ? percent.replace(/0+$/, "").replace(/\.$/, "") : percent;
}

function toIssued(invoice: Stripe.Invoice, currency: string): IssuedInvoice {
  const issued: IssuedInvoice = {
    invoiceId: invoice.id,
    status: invoiceStatus(invoice.status),
    total: fromStripeAmount(invoice.total, currency),
  };
  if (invoice.number) issued.number = invoice.number;
  if (invoice.hosted_invoice_url) issued.hostedInvoiceUrl = invoice.hosted_invoice_url;
  if (invoice.invoice_pdf) issued.invoicePdfUrl = invoice.invoice_pdf;
  return issued;
}

const STATUSES: readonly IssuedInvoice["status"][] = ["draft", "open", "paid", "void", "uncollectible"];

/** Stripe's invoice status in the port's terms. */
export function invoiceStatus(status: Stripe.Invoice.Status | null): IssuedInvoice["status"] {
  const known = STATUSES.find((candidate) => candidate === status);
  if (!known) throw new Error(`Stripe returned an invoice status Ritournelle does not know: ${String(status)}`);
  return known;
}

function stripeId(value: string | { id?: string } | null): string {
  const id = typeof value === "string" ? value : value?.id;
  if (!id) throw new Error("Stripe returned an invoice without a customer");
  return id;
}

/** Single quotes and backslashes escaped for a search query's string literal. */
function searchLiteral(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
}

function isStripeCode(error: unknown, code: string): boolean {
  return error instanceof Stripe.errors.StripeError && error.code === code;
}

/**
 * Repeating the same key cannot tell us what happened: Stripe saved a 5xx
 * under it, or the key was already used with other parameters. (A dropped
 * connection or a timeout is different: the same key, later, is exactly the
 * right repeat, so those go back to the pipeline as transient errors.)
 */
function needsReconciliation(error: unknown): boolean {
  return isUnknownOutcomeReplay(error) || (error instanceof Stripe.errors.StripeIdempotencyError && error.statusCode === 400);
}

/** An item refused because a tax rate or coupon id we passed does not exist (or is no longer usable). */
function refersToRememberedObject(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return false;
  const param = error.param ?? "";
  return param.startsWith("tax_rates") || param.startsWith("discounts");
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
