// The lines step of the Stripe billing adapter: every line of the invoice in
// one call, `POST /v1/invoices/:id/add_lines` (https://docs.stripe.com/api/invoice-line-item/bulk),
// which answers with the invoice and its totals, so the total is checked
// without reading the invoice again. Long invoices are sent in pages of
// ADD_LINES_PAGE lines, one call (and one key) per page.
//
// A line is `price_data` (unit price × quantity, with the line's description
// as the product's name) plus the line's tax rates and its discount as an
// amount-off coupon (billing-coupons.server.ts), and carries the run id and
// its index in its metadata, so a page whose outcome is unknown (a 5xx Stripe
// saved under the key) is looked for among the invoice's lines, every page
// of them, and only what is missing is sent again, under a key derived from
// the failed request.
import Stripe from "stripe";
import type { BillingLine, InvoiceRequest } from "~/domain/billing";
import { toStripeAmount } from "~/domain/money";
import type { StripeCoupons } from "./billing-coupons.server";
import type { StripeTaxRates } from "./billing-tax-rates.server";
import type { StripeClient } from "./client.server";
import { invoiceChangedError, isStripeCode, keyAfterFailedRequest, needsReconciliation, refersToRememberedObject } from "./errors.server";

/**
 * Lines per add_lines call. Stripe's reference does not spell a maximum for
 * `lines` that we could find; 50 keeps each request small (a 200-line
 * template is 4 calls, any ordinary one is 1) and is what we page by.
 */
export const ADD_LINES_PAGE = 50;

/** Invoice lines listed per page when looking for a page's lines (Stripe's most). */
const LINES_PAGE = 100;

export class StripeInvoiceLines {
  constructor(
    private readonly client: StripeClient,
    private readonly taxRateIds: StripeTaxRates,
    private readonly couponIds: StripeCoupons,
  ) {}

  /**
   * Adds every line of `request` to the draft `invoiceId`, a page per call;
   * idempotent under `key` (a page's key: `key`, then `key:from-<index>`).
   * `resumed`: an earlier attempt may have added some of them, under keys
   * Stripe may have forgotten (after 24 h a repeated key runs again): the
   * invoice's lines are read first and only the missing ones are sent,
   * under a key of their own when some were there (other parameters).
   * @returns the invoice as Stripe's last answer shows it; an invoice that is
   *   no longer a draft (finalized meanwhile) is returned as it stands, untouched.
   * @throws the SDK's StripeError (the adapter translates it).
   */
  async add(request: InvoiceRequest, invoiceId: string, key: string, resumed = false): Promise<Stripe.Invoice> {
    const present = resumed ? await this.linesOnInvoice(request, invoiceId) : new Map<number, Stripe.InvoiceLineItem>();
    for (const [index, line] of present) {
      const wanted = request.lines[index];
      // What an earlier attempt added is not what this one would: the run's lines changed in between.
      if (!wanted || line.description !== wanted.description || line.quantity !== wanted.quantity) {
        throw invoiceChangedError("the lines already on the Stripe draft are not this invoice's.");
      }
    }
    let invoice: Stripe.Invoice | null = null;
    for (let from = 0; from < request.lines.length; from += ADD_LINES_PAGE) {
      const page = range(from, Math.min(from + ADD_LINES_PAGE, request.lines.length));
      const indexes = page.filter((index) => !present.has(index));
      if (indexes.length === 0) continue;
      const pageKey = from === 0 ? key : `${key}:from-${from}`;
      invoice = await this.addPage(request, invoiceId, indexes, indexes.length === page.length ? pageKey : `${pageKey}:missing`);
      if (invoice.status !== "draft") return invoice;
    }
    return invoice ?? this.retrieve(request, invoiceId);
  }

  private async addPage(request: InvoiceRequest, invoiceId: string, indexes: number[], key: string): Promise<Stripe.Invoice> {
    const send = async (lines: number[], fresh: boolean, idempotencyKey: string) => {
      const params: Stripe.InvoiceAddLinesParams = {
        lines: await Promise.all(lines.map((index) => this.lineParams(request, request.lines[index]!, index, fresh))),
      };
      return this.client.call(request.account, (stripe, options) => stripe.invoices.addLines(invoiceId, params, { ...options, idempotencyKey }));
    };
    try {
      return await send(indexes, false, key);
    } catch (error) {
      if (isStripeCode(error, "invoice_not_editable")) {
        // Finalized (or closed) meanwhile: the adapter's caller decides from its state.
        const invoice = await this.retrieve(request, invoiceId);
        if (invoice.status !== "draft") return invoice;
        throw error;
      }
      // A tax rate or coupon we remembered is gone or archived: look them up
      // again (a new key: the parameters differ) and try once more. After a
      // saved 5xx: only the lines that are not on the invoice.
      const fresh = refersToRememberedObject(error);
      if (!fresh && !needsReconciliation(error)) throw error;
      // A refusal (400) added nothing: add_lines is all or nothing. Only an unknown outcome is looked for.
      const present = needsReconciliation(error) ? await this.linesOnInvoice(request, invoiceId) : new Map<number, Stripe.InvoiceLineItem>();
      const missing = indexes.filter((index) => !present.has(index));
      if (missing.length === 0) return this.retrieve(request, invoiceId);
      const next = keyAfterFailedRequest(key, error);
      if (next === null) throw error;
      return send(missing, fresh, next);
    }
  }

  private async lineParams(request: InvoiceRequest, line: BillingLine, index: number, fresh: boolean): Promise<Stripe.InvoiceAddLinesParams.Line> {
    const params: Stripe.InvoiceAddLinesParams.Line = {
      description: line.description,
      quantity: line.quantity,
      // The invoice's currency; a unit price × quantity is `price_data` on add_lines (no top-level unit amount).
      price_data: {
        currency: request.currency.toLowerCase(),
        product_data: { name: line.description },
        unit_amount_decimal: Stripe.Decimal.from(String(toStripeAmount(line.unitAmount, request.currency))),
      },
      tax_rates: await Promise.all(line.taxes.map((tax) => this.taxRateIds.idFor(request.account, tax, fresh))),
      metadata: { run_id: request.runId, line_index: String(index) },
    };
    if (line.discountAmount > 0) params.discounts = [{ coupon: await this.couponIds.idFor(request, line.discountAmount, fresh) }];
    return params;
  }

  /** This run's lines already on the invoice, by their index, through every page of its lines. */
  private async linesOnInvoice(request: InvoiceRequest, invoiceId: string): Promise<Map<number, Stripe.InvoiceLineItem>> {
    const found = new Map<number, Stripe.InvoiceLineItem>();
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.client.call(request.account, (stripe, options) =>
        stripe.invoices.listLineItems(invoiceId, { limit: LINES_PAGE, ...(startingAfter ? { starting_after: startingAfter } : {}) }, options),
      );
      for (const line of page.data) {
        if (line.metadata?.run_id === request.runId && line.metadata.line_index !== undefined) found.set(Number(line.metadata.line_index), line);
      }
      if (!page.has_more || page.data.length === 0) return found;
      startingAfter = page.data.at(-1)!.id;
    }
  }

  private retrieve(request: InvoiceRequest, invoiceId: string): Promise<Stripe.Invoice> {
    return this.client.call(request.account, (stripe, options) => stripe.invoices.retrieve(invoiceId, {}, options));
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, offset) => from + offset);
}
