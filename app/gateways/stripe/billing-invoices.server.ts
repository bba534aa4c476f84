// Stripe invoices in the billing port's terms, and back: the draft's
// parameters from an InvoiceRequest, an IssuedInvoice from Stripe's invoice.
import type Stripe from "stripe";
import type { InvoiceRequest, IssuedInvoice } from "~/domain/billing";
import { fromStripeAmount } from "~/domain/money";
import { stripeLocale } from "./billing-customers.server";
import { settledByCreditNotes } from "./credit-notes.server";

/** Stripe refuses custom field values longer than this; a longer signing link goes in the footer. */
const CUSTOM_FIELD_VALUE_MAX = 140;
const SIGNING_LABEL: Record<string, string> = { fr: "Signer en ligne", en: "Sign online" };

/** A `send_invoice` draft that Stripe never advances by itself, carrying the run's id in its metadata. */
export function draftParams(request: InvoiceRequest, customerId: string): Stripe.InvoiceCreateParams {
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

export function toIssued(invoice: Stripe.Invoice, currency: string): IssuedInvoice {
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

/**
 * Stripe's invoice status in the port's terms (also for the merchant's
 * invoice actions and Stripe's webhooks).
 * @throws Error for a status the port does not know.
 */
export function invoiceStatus(status: Stripe.Invoice.Status | null): IssuedInvoice["status"] {
  const known = STATUSES.find((candidate) => candidate === status);
  if (!known) throw new Error(`Stripe returned an invoice status Ritournelle does not know: ${String(status)}`);
  return known;
}

/**
 * The invoice's status as its run sees it: like {@link invoiceStatus}, except
 * that an invoice Stripe closed because credit notes cancelled all of it is
 * `void` (it was never paid; see settledByCreditNotes).
 */
export function runInvoiceStatus(invoice: Pick<Stripe.Invoice, "status" | "amount_paid" | "pre_payment_credit_notes_amount" | "total">): IssuedInvoice["status"] {
  return settledByCreditNotes(invoice) ? "void" : invoiceStatus(invoice.status);
}

export function stripeId(value: string | { id?: string } | null): string {
  const id = typeof value === "string" ? value : value?.id;
  if (!id) throw new Error("Stripe returned an invoice without a customer");
  return id;
}

/** Single quotes and backslashes escaped for a search query's string literal. */
export function searchLiteral(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
}
