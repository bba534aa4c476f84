// The signing feature's two Stripe calls, in the merchant's connected account:
// read a finalized invoice as the customer is shown it, and stamp a signature
// on it (metadata `signed_at` and `signature_id`). Everything goes through
// the process's StripeClient (rate limiter, retries of what Stripe says is
// retryable); Stripe errors are thrown as the SDK's own.
import type Stripe from "stripe";
import { fromStripeAmount } from "~/domain/money";
import type { InvoiceForDocument } from "~/domain/signature-document";
import { stripeClient, type StripeClient } from "./client.server";

/**
 * What the signing page shows of a Stripe invoice, amounts in minor units
 * (app/domain/money.ts): the document's input (its lines' unit amount is null
 * when Stripe's is not a whole number of minor units, a decimal price), plus
 * the invoice's status and Stripe's hosted page where the customer pays.
 */
export type SigningInvoice = InvoiceForDocument & {
  status: Stripe.Invoice.Status | null;
  hostedInvoiceUrl: string | null;
};

const LINES_PAGE = 100;

/**
 * Reads invoice `invoiceId` of connected account `account` with all its
 * lines (paged past Stripe's first 10) and the tax rates its totals use.
 * @throws the SDK's StripeError (resource_missing for a deleted draft, connection errors…).
 */
export async function fetchInvoiceForSigning(account: string, invoiceId: string, client: StripeClient = stripeClient()): Promise<SigningInvoice> {
  const invoice = await client.call(account, (sdk, options) => sdk.invoices.retrieve(invoiceId, {}, options));
  const currency = invoice.currency.toUpperCase();
  const minor = (amount: number) => fromStripeAmount(amount, currency);

  const lines = [...invoice.lines.data];
  let hasMore = invoice.lines.has_more;
  while (hasMore) {
    const after = lines[lines.length - 1]?.id;
    const page = await client.call(account, (sdk, options) =>
      sdk.invoices.listLineItems(invoiceId, { limit: LINES_PAGE, ...(after ? { starting_after: after } : {}) }, options),
    );
    lines.push(...page.data);
    hasMore = page.has_more && page.data.length > 0;
  }

  const rateIds = [...new Set((invoice.total_taxes ?? []).map((tax) => tax.tax_rate_details?.tax_rate).filter((id): id is string => typeof id === "string"))];
  const rates = new Map<string, Stripe.TaxRate>();
  for (const id of rateIds) rates.set(id, await client.call(account, (sdk, options) => sdk.taxRates.retrieve(id, {}, options)));

  return {
    id: invoice.id ?? invoiceId,
    number: invoice.number,
    status: invoice.status,
    currency,
    accountName: invoice.account_name ?? null,
    customerName: invoice.customer_name ?? null,
    customerEmail: invoice.customer_email ?? null,
    finalizedAt: fromUnix(invoice.status_transitions?.finalized_at),
    dueDate: fromUnix(invoice.due_date),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    lines: lines.map((line) => ({
      description: line.description ?? "",
      quantity: line.quantity ?? 1,
      unitAmount: unitAmount(line, currency),
      amount: minor(line.amount),
      discount: minor((line.discount_amounts ?? []).reduce((total, discount) => total + discount.amount, 0)),
    })),
    subtotal: minor(invoice.subtotal),
    discount: minor((invoice.total_discount_amounts ?? []).reduce((total, discount) => total + discount.amount, 0)),
    taxes: (invoice.total_taxes ?? []).map((tax) => {
      const rate = typeof tax.tax_rate_details?.tax_rate === "string" ? rates.get(tax.tax_rate_details.tax_rate) : undefined;
      return {
        name: rate?.display_name ?? "Tax",
        ratePercent: rate ? String(rate.percentage) : "",
        inclusive: tax.tax_behavior === "inclusive",
        amount: minor(tax.amount),
      };
    }),
    total: minor(invoice.total),
  };
}

/**
 * Adds `signed_at` (ISO 8601 UTC, to the second) and `signature_id` to the
 * invoice's metadata, keeping its other keys (Stripe merges metadata).
 * Idempotent: the key is derived from the signature id, and setting the same
 * values again changes nothing.
 */
export async function stampSignature(
  account: string,
  invoiceId: string,
  signature: { id: string; signedAt: Date },
  client: StripeClient = stripeClient(),
): Promise<void> {
  const metadata = { signed_at: signature.signedAt.toISOString().replace(/\.\d{3}Z$/, "Z"), signature_id: signature.id };
  await client.call(account, (sdk, options) =>
    sdk.invoices.update(invoiceId, { metadata }, { ...options, idempotencyKey: `${signature.id}:stamp` }),
  );
}

function fromUnix(seconds: number | null | undefined): Date | null {
  return typeof seconds === "number" ? new Date(seconds * 1000) : null;
}

/** The line's unit price when Stripe's decimal is a whole number of its units, converted to minor units. */
function unitAmount(line: Stripe.InvoiceLineItem, currency: string): number | null {
  // The SDK hands `*_decimal` fields over as Stripe.Decimal (normalised: no trailing zeros).
  const decimal = line.pricing?.unit_amount_decimal?.toString();
  if (decimal === undefined || !/^-?\d+$/.test(decimal)) return null;
  return fromStripeAmount(Number.parseInt(decimal, 10), currency);
}
