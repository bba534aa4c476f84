// The billing port (app/domain/billing.ts) implemented with Stripe
// Invoicing, in the merchant's connected account (every call carries
// `stripeAccount`).
//
// One period's invoice is: a customer (reused, billing-customers.server.ts),
// a draft `send_invoice` invoice (billing-invoices.server.ts), its lines in
// one add_lines call (billing-lines.server.ts; tax rates reused per account,
// billing-tax-rates.server.ts; a line's discount as an amount-off coupon on
// that line, billing-coupons.server.ts), a check of Stripe's total against
// ours on add_lines' answer and again on a fresh read before finalization,
// finalization, sending. A returning customer's invoice is 5 calls (draft,
// add_lines, read, finalize, send), a new customer's 6.
//
// Keys mean what they say: every retry of a call (after a 429, a 409, a
// retryable 5xx, a lost connection) repeats its key. Two cases only call for
// another key, each derived from the failed request (keyAfterFailedRequest,
// never random, so a crash and a restart derive the same one):
// - a 5xx Stripe saved under the key (repeating it can only replay the 5xx):
//   each step looks at Stripe's state (the invoice by run id, the invoice's
//   lines by line index, all pages, the invoice's status, its sent events,
//   billing-send.server.ts) and only repeats what is definitely not there;
// - a tax rate or coupon we remembered and Stripe no longer has: the
//   parameters change with the object looked up again.
// The same key with other parameters (400 `idempotency_error`) is neither:
// the invoice changed between two attempts, and the run fails (errors.server.ts).
//
// A gateway never calls a model: what it remembers between runs (customer
// mappings, tax rates) comes in as stores (billing-stores.server.ts); the
// wiring to our tables is app/services/invoicing/stripe-rail.server.ts.
import Stripe from "stripe";
import { appClock } from "~/clock.server";
import type { BillingGateway, InvoiceRequest, IssuedInvoice, StepContext } from "~/domain/billing";
import type { Clock } from "~/domain/clock";
import { BillingError, MAX_INVOICE_LINES } from "~/domain/billing";
import { formatMinor } from "~/domain/money";
import type { RunErrorCode } from "~/domain/run-errors";
import { StripeCoupons } from "./billing-coupons.server";
import { customerMappingKey, ensureStripeCustomer } from "./billing-customers.server";
import { draftParams, searchLiteral, toIssued } from "./billing-invoices.server";
import { StripeInvoiceLines } from "./billing-lines.server";
import { sendInvoiceOnce } from "./billing-send.server";
import type { StripeCustomerStore, StripeTaxRateStore } from "./billing-stores.server";
import { StripeTaxRates } from "./billing-tax-rates.server";
import type { StripeClient } from "./client.server";
import {
  isStripeCode,
  keyAfterFailedRequest,
  needsReconciliation,
  toBillingError,
  type ErrorContext,
} from "./errors.server";
import { SingleFlight } from "./single-flight.server";

/** Most items Stripe accepts on one invoice (https://docs.stripe.com/changelog/2016-02-22/no-more-than-250-invoice-items). */
export const STRIPE_MAX_INVOICE_ITEMS = 250;

/**
 * Stripe Invoicing behind the billing port. Idempotent and convergent step by
 * step: every call carries the step's idempotency key (a per-line suffix for
 * the line calls), and a step repeated after any failure continues from what
 * Stripe already has instead of creating it twice.
 */
export class StripeBillingAdapter implements BillingGateway {
  /** In-flight creations shared by concurrent runs of this process (one customer, tax rate or coupon, not one per run). */
  private readonly flights = new SingleFlight();
  private readonly taxRateIds: StripeTaxRates;
  private readonly couponIds: StripeCoupons;
  private readonly lines: StripeInvoiceLines;

  constructor(
    private readonly client: StripeClient,
    private readonly customers: StripeCustomerStore,
    taxRates: StripeTaxRateStore,
    /** The pipeline's time line, against which Stripe's timestamps are read (billing-send.server.ts). */
    private readonly clock: Clock = appClock,
  ) {
    this.taxRateIds = new StripeTaxRates(client, taxRates, this.flights);
    this.couponIds = new StripeCoupons(client, this.flights);
    this.lines = new StripeInvoiceLines(client, this.taxRateIds, this.couponIds);
  }

  /** The platform secret key's fingerprint: a refused key holds only the runs of gateways calling with it. */
  get credential(): string {
    return this.client.keyFingerprint;
  }

  async ensureCustomer(request: InvoiceRequest, context: StepContext): Promise<{ customerId: string }> {
    const customerId = await this.guard(request, () => ensureStripeCustomer(this.client, this.customers, this.flights, request, context));
    return { customerId };
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
        const next = keyAfterFailedRequest(context.idempotencyKey, error);
        if (next === null) throw error;
        return toIssued(await create(next), request.currency);
      }
    });
  }

  async addLines(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async () => {
      // add_lines answers with the invoice: its total is checked on that answer, no read before or after.
      const invoice = await this.lines.add(request, invoiceId, context.idempotencyKey, context.resumed === true);
      if (invoice.status !== "draft") return toIssued(invoice, request.currency);
      return this.checkedTotal(request, invoice);
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
        const next = keyAfterFailedRequest(context.idempotencyKey, error);
        if (next === null) throw error;
        return toIssued(await finalize(next), request.currency);
      }
    });
  }

  async send(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, () => sendInvoiceOnce(this.client, request, invoiceId, context.idempotencyKey, { resumed: context.resumed === true, clock: this.clock }));
  }

  /**
   * DELETE /v1/invoices/:id, which Stripe allows on drafts only. A delete
   * carries no idempotency key (Stripe ignores keys on DELETE: a delete is
   * idempotent by nature): a draft already deleted answers 404
   * `resource_missing`, which counts as deleted. Any other refusal is read
   * back: an invoice that is no longer a draft (finalized meanwhile, e.g. by
   * a finalize whose answer was lost) is returned untouched.
   */
  async discardDraft(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice | null> {
    return this.guard(request, async () => {
      try {
        await this.client.call(request.account, (stripe, options) => stripe.invoices.del(invoiceId, {}, options));
        return null;
      } catch (error) {
        if (isStripeCode(error, "resource_missing")) return null;
        if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
        const invoice = await this.retrieveInvoice(request, invoiceId).catch((retrieveError: unknown) => {
          if (isStripeCode(retrieveError, "resource_missing")) return null;
          throw retrieveError;
        });
        if (invoice === null) return null;
        if (invoice.status === "draft") throw error;
        return toIssued(invoice, request.currency);
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

  /**
   * Runs `work`, translating whatever Stripe threw into a BillingError for the
   * pipeline. A request with more lines than a template can make is refused
   * before any call: the limit the form and the templates service apply.
   */
  private async guard<T>(request: InvoiceRequest, work: () => Promise<T>): Promise<T> {
    if (request.lines.length > MAX_INVOICE_LINES) {
      throw new BillingError(
        "permanent",
        "too_many_lines" satisfies RunErrorCode,
        `This invoice has ${request.lines.length} lines; a recurring invoice can have at most ${MAX_INVOICE_LINES} (shipping included). Nothing was sent to Stripe: remove lines from the recurring invoice.`,
      );
    }
    try {
      return await work();
    } catch (error) {
      const context: ErrorContext = { customerEmail: request.customer.email, currency: request.currency };
      throw toBillingError(error, context);
    }
  }
}
