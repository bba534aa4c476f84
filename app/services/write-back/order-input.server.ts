// The order a paid run is written back to Shopify as (pure: no I/O), for
// ./write-back-paid-run.server.ts. Server-only for the gateway types it
// builds.
import { draftInvoice, type TemplateLine } from "~/domain/invoice-draft";
import { formatMinor, parseDecimal, type MinorUnits } from "~/domain/money";
import { shiftDecimal, type SourceOrder } from "~/domain/order-snapshot";
import type { CurrencyCode, MoneyBagInput, OrderCreateOrderInput, OrderCreateTaxLineInput } from "~/gateways/shopify/orders.server";
import { REDACTED } from "~/domain/template-content";
import { runTag, WRITE_BACK_TAG, type WriteBackAbandonReason } from "~/domain/write-back";
import type { RunForWriteBack } from "~/models/write-back.server";

/** The order to create, or why no order can be built for the run (for good: the write-back is abandoned). */
export type BuiltOrder = { ok: true; order: OrderCreateOrderInput } | { ok: false; reason: WriteBackAbandonReason };

/**
 * The orderCreate input for a paid run: its snapshot's lines (what the
 * customer was invoiced), each with its own product variant if the line has
 * one and `existingVariants` says Shopify still has it (else a custom line
 * with the invoiced description), tax lines with their exact amounts, the
 * invoice's discounts as one fixed discount, shipping as a shipping line,
 * financial status PAID.
 *
 * Lines of templates made before lines recorded their variant have none, and
 * are written back as custom lines.
 *
 * Amounts are in the run's currency (the presentment currency) and, for the
 * shop currency Shopify also requires, converted at the source order's own
 * exchange rate (its shop total / presentment total); a foreign-currency run
 * whose source order is gone (or whose total was zero) cannot be converted
 * and is refused: `exchange_rate_unavailable`.
 */
export function buildWriteBackOrder(run: RunForWriteBack, source: SourceOrder | null, existingVariants: ReadonlySet<string>): BuiltOrder {
  // Both codes came from Shopify (the source order's presentment currency, the shop's currency).
  const currency = run.currency as CurrencyCode;
  const shopCurrency = run.shop.currency as CurrencyCode;
  let toShop: (minor: MinorUnits) => MinorUnits = (minor) => minor;
  if (currency !== shopCurrency) {
    const totals = source?.totalPriceSet;
    if (!totals || totals.presentmentMoney.currencyCode !== currency || totals.shopMoney.currencyCode !== shopCurrency) {
      return { ok: false, reason: "exchange_rate_unavailable" };
    }
    const shopTotal = BigInt(parseDecimal(totals.shopMoney.amount, shopCurrency));
    const presentmentTotal = BigInt(parseDecimal(totals.presentmentMoney.amount, currency));
    if (presentmentTotal === 0n) return { ok: false, reason: "exchange_rate_unavailable" };
    toShop = (minor) => Number(divideHalfUp(BigInt(minor) * shopTotal, presentmentTotal));
  }
  const money = (minor: MinorUnits): MoneyBagInput => ({
    shopMoney: { amount: formatMinor(toShop(minor), shopCurrency), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatMinor(minor, currency), currencyCode: currency },
  });

  const lines = run.snapshot.lines;
  const taxesIncluded = lines.find((line) => line.taxes.length > 0)?.taxes[0]?.inclusive ?? run.template.taxesIncluded;
  // The same arithmetic as the invoice: each tax amount exactly as Stripe was asked to charge it.
  const draft = draftInvoice({
    currency,
    taxesIncluded,
    lines: lines.map(
      (line): TemplateLine => ({
        title: line.description,
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        taxLines: line.taxes.map(({ title, ratePercent }) => ({ title, ratePercent })),
      }),
    ),
  });
  const taxLinesOf = (index: number): OrderCreateTaxLineInput[] =>
    (draft.lines[index]?.taxes ?? []).map((tax) => ({ title: tax.title, rate: shiftDecimal(tax.ratePercent, -2), priceSet: money(tax.amount) }));

  const shippingTitle = run.template.shipping ? (JSON.parse(run.template.shipping) as { title: string }).title : null;
  const lastIndex = lines.length - 1;
  const isShipping = (index: number) => index === lastIndex && shippingTitle !== null && lines[index]?.description === shippingTitle && lines[index]?.quantity === 1;

  const lineItems: OrderCreateOrderInput["lineItems"] = [];
  let discount = 0;
  lines.forEach((line, index) => {
    if (isShipping(index)) return;
    discount += line.discountAmount;
    const variantId = line.variantId && existingVariants.has(line.variantId) ? line.variantId : null;
    lineItems.push({
      ...(variantId ? { variantId } : { title: line.description, requiresShipping: false }),
      quantity: line.quantity,
      priceSet: money(line.unitAmount),
      taxLines: taxLinesOf(index),
    });
  });
  const shippingLines = lines.flatMap((line, index) =>
    isShipping(index) ? [{ title: line.description, priceSet: money(line.unitAmount - line.discountAmount), taxLines: taxLinesOf(index) }] : [],
  );

  const customer = run.snapshot.customer;
  const knownCustomer = customer.email !== REDACTED;
  const invoice = run.invoiceNumber ?? run.invoiceId ?? run.id;
  return {
    ok: true,
    order: {
      currency: shopCurrency,
      presentmentCurrency: currency,
      ...(knownCustomer
        ? {
            customer: customer.shopifyCustomerId ? { toAssociate: { id: customer.shopifyCustomerId } } : { toUpsert: { email: customer.email } },
            email: customer.email,
          }
        : {}),
      financialStatus: "PAID",
      taxesIncluded,
      lineItems,
      ...(shippingLines.length > 0 ? { shippingLines } : {}),
      ...(discount > 0 ? { discountCode: { itemFixedDiscountCode: { code: "RITOURNELLE", amountSet: money(discount) } } } : {}),
      tags: [WRITE_BACK_TAG, runTag(run.id)],
      note: `Ritournelle: Stripe invoice ${invoice}, period of ${run.periodDate}.`,
    },
  };
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}
