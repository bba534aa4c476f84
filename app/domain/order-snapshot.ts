/**
 * A Shopify order → the snapshot a recurring template is made of: the
 * customer, the currency, the lines with their taxes and discounts, the
 * shipping. Pure: the order comes in already fetched (see
 * app/gateways/shopify/orders.server.ts, whose query returns exactly
 * {@link SourceOrder}).
 *
 * Decisions (and why):
 * - **Currency: the presentment currency**, with presentment amounts. That is
 *   what the customer saw, agreed to and paid (a US customer of a French shop
 *   paid USD 54.00, not EUR 49.68). Converting to the shop currency would
 *   invoice an amount the customer never saw, at an exchange rate frozen on
 *   the day of the order. Stripe settles the foreign currency to the
 *   merchant's own.
 * - **Unit price: the original unit price**; every discount that Shopify
 *   allocated to the line (line-level, automatic, or an order-level code
 *   spread across lines) becomes the line's `discountAmount`, so the invoice
 *   shows both the price and the discount, like the order did.
 * - **Taxes: the order's tax lines, per line**, with the rate as an exact
 *   decimal percentage string ("20", "5.5", "8.875") and the inclusive flag
 *   of the whole order (`taxesIncluded`): EU VAT stays inside the prices, US
 *   sales tax stays on top.
 * - **Shipping**: the first shipping line with a price becomes the template's
 *   shipping (its discount = original − discounted price); a second priced
 *   shipping line, which Shopify allows but is rare, becomes an ordinary line
 *   so nothing the customer paid is lost. Free shipping lines are dropped: a
 *   "0.00 shipping" line on every future invoice is noise.
 * - **Variant: each line keeps its product variant's id**, so a paid invoice
 *   is written back to Shopify as the same product even after the merchant
 *   renamed the line or the source order was deleted. Custom items and
 *   variants deleted since the order have none and are written back as custom
 *   lines.
 * - **B2B**: an order placed for a Shopify company location keeps the
 *   location, its company and the contact who placed it on the customer
 *   (`customer.company`): the Shopify invoice rail bills that location.
 * - Refusals ({@link OrderSnapshotError}) say what the merchant should fix:
 *   no customer (point-of-sale sale), no e-mail address (the invoice is sent
 *   by e-mail), a currency Stripe cannot invoice.
 */
import { DomainError } from "./errors";
import { MoneyError, parseDecimal, sum, type MinorUnits } from "./money";
import type { ShippingSnapshot, TemplateLine, TemplateTaxLine } from "./invoice-draft";
import type { BillingCompany } from "./billing";

// ---------------------------------------------------------------------------
// The order as read from the Admin API (shape of the gateway's query result)
// ---------------------------------------------------------------------------

export type SourceMoney = { amount: string; currencyCode: string };
export type SourceMoneyBag = { shopMoney: SourceMoney; presentmentMoney: SourceMoney };
export type SourceTaxLine = { title: string; rate: number | null; ratePercentage: number | null; priceSet: SourceMoneyBag };
export type SourceDiscountAllocation = { allocatedAmountSet: SourceMoneyBag };

export type SourceLineItem = {
  id: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  /** null for a custom line, or once the variant was deleted. */
  variant: { id: string } | null;
  originalUnitPriceSet: SourceMoneyBag;
  taxLines: SourceTaxLine[];
  discountAllocations: SourceDiscountAllocation[];
};

export type SourceShippingLine = {
  title: string;
  originalPriceSet: SourceMoneyBag;
  discountedPriceSet: SourceMoneyBag;
  taxLines: SourceTaxLine[];
};

export type SourceAddress = {
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCodeV2: string | null;
};

/** Who the order was for: the customer (D2C), or a company location (B2B) with the contact who placed it. */
export type SourcePurchasingEntity =
  | { __typename: "Customer" }
  | {
      __typename: "PurchasingCompany";
      company: { id: string; name: string };
      contact: { id: string } | null;
      location: {
        id: string;
        name: string;
        /** The location's own payment terms (absent in fixtures: none). */
        buyerExperienceConfiguration?: { paymentTermsTemplate: { paymentTermsType: string; dueInDays: number | null } | null } | null;
      };
    };

export type SourceOrder = {
  id: string;
  name: string;
  createdAt: string;
  currencyCode: string;
  presentmentCurrencyCode: string;
  taxesIncluded: boolean;
  email: string | null;
  customerLocale: string | null;
  customer: {
    id: string;
    displayName: string;
    locale: string | null;
    defaultEmailAddress: { emailAddress: string | null } | null;
  } | null;
  /** Absent in orders read before B2B was read (and in tests' fixtures): D2C. */
  purchasingEntity?: SourcePurchasingEntity | null;
  billingAddress: SourceAddress | null;
  lineItems: { nodes: SourceLineItem[]; pageInfo: { hasNextPage: boolean } };
  shippingLines: { nodes: SourceShippingLine[] };
  totalPriceSet: SourceMoneyBag;
};

// ---------------------------------------------------------------------------
// The snapshot (the content of a template's create input, see template-input.ts)
// ---------------------------------------------------------------------------

export type CustomerSnapshotInput = {
  shopifyCustomerId?: string;
  name: string;
  email: string;
  locale?: string;
  address?: { line1?: string; line2?: string; city?: string; state?: string; postalCode?: string; country?: string };
  /** B2B: the company location the order was placed for (see BillingCompany). */
  company?: BillingCompany;
};

export type OrderSnapshot = {
  sourceOrderId: string;
  sourceOrderName: string;
  currency: string;
  customer: CustomerSnapshotInput;
  /** Each line carries its source line item's `variantId`, except custom items, deleted variants and shipping turned into a line. */
  lines: TemplateLine[];
  taxesIncluded: boolean;
  shipping: ShippingSnapshot | null;
  /** What the customer paid for the order, in `currency` (for comparison in the form). */
  orderTotal: MinorUnits;
  /**
   * B2B: the company location's own payment terms in days (net N → N; due on
   * receipt or on fulfillment → 0), when it has terms; the form's due delay
   * starts from them, so what the form shows is what each draft gets.
   */
  companyTermsDays?: number;
};

export type OrderSnapshotErrorCode = "no_customer" | "no_email" | "unsupported_currency" | "too_many_lines" | "invalid_amount";

/** The order cannot become a recurring invoice; `message` says what to fix, `code` lets the UI translate it. */
export class OrderSnapshotError extends DomainError {
  override readonly name = "OrderSnapshotError";

  constructor(
    readonly code: OrderSnapshotErrorCode,
    message: string,
    /** The order's name ("#1006") and, for currencies, the code: values for the translated message. */
    readonly values: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Currencies Stripe can charge (its "presentment currencies",
 * https://docs.stripe.com/currencies). Lives here because refusing an order
 * early, with a reason, beats a failed invoice weeks later.
 */
export const STRIPE_PRESENTMENT_CURRENCIES: ReadonlySet<string> = new Set([
  "USD", "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
  "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
  "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GIP", "GMD", "GNF",
  "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR",
  "KMF", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
  "MOP", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
  "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SEK", "SGD", "SHP",
  "SLE", "SOS", "SRD", "STD", "SZL", "THB", "TJS", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "UYU",
  "UZS", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW",
]);

/** A Shopify product variant's GID, the only shape a line's `variantId` may take. */
export const PRODUCT_VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d+$/;

/**
 * Maps an order to a template snapshot.
 * @throws OrderSnapshotError when the order cannot be invoiced as it is.
 */
export function snapshotFromOrder(order: SourceOrder): OrderSnapshot {
  const currency = order.presentmentCurrencyCode;
  if (!STRIPE_PRESENTMENT_CURRENCIES.has(currency)) {
    throw new OrderSnapshotError(
      "unsupported_currency",
      `Order ${order.name} was paid in ${currency}, a currency Stripe cannot invoice. Recreate the order in a currency Stripe supports (for example your shop currency, ${order.currencyCode}).`,
      { order: order.name, currency, shopCurrency: order.currencyCode },
    );
  }
  if (!order.customer) {
    throw new OrderSnapshotError(
      "no_customer",
      `Order ${order.name} has no customer, so there is nobody to invoice. Add a customer with an e-mail address to the order in Shopify, then try again.`,
      { order: order.name },
    );
  }
  const email = (order.customer.defaultEmailAddress?.emailAddress ?? order.email ?? "").trim();
  if (email === "") {
    throw new OrderSnapshotError(
      "no_email",
      `The customer of order ${order.name} has no e-mail address, and invoices are sent by e-mail. Add an e-mail address to the customer in Shopify, then try again.`,
      { order: order.name },
    );
  }
  if (order.lineItems.pageInfo.hasNextPage) {
    throw new OrderSnapshotError(
      "too_many_lines",
      `Order ${order.name} has more lines than a recurring invoice can hold (${order.lineItems.nodes.length}). Split it into smaller orders.`,
      { order: order.name, max: String(order.lineItems.nodes.length) },
    );
  }

  const amount = (bag: SourceMoneyBag) => presentmentMinor(bag, currency, order.name);
  const lines: TemplateLine[] = [];
  for (const item of order.lineItems.nodes) {
    if (item.quantity < 1) continue; // fully removed by an order edit
    lines.push({
      title: item.title,
      ...(item.variantTitle ? { variantTitle: item.variantTitle } : {}),
      ...(item.sku ? { sku: item.sku } : {}),
      ...(item.variant ? { variantId: item.variant.id } : {}),
      quantity: item.quantity,
      unitAmount: amount(item.originalUnitPriceSet),
      discountAmount: sum(item.discountAllocations.map((allocation) => amount(allocation.allocatedAmountSet))),
      taxLines: item.taxLines.map(taxLineOf),
    });
  }

  let shipping: ShippingSnapshot | null = null;
  for (const line of order.shippingLines.nodes) {
    const original = amount(line.originalPriceSet);
    if (original === 0) continue;
    const snapshot: ShippingSnapshot = {
      title: line.title,
      amount: original,
      discountAmount: original - amount(line.discountedPriceSet),
      taxLines: line.taxLines.map(taxLineOf),
    };
    if (!shipping) {
      shipping = snapshot;
    } else {
      lines.push({ title: snapshot.title, quantity: 1, unitAmount: snapshot.amount, discountAmount: snapshot.discountAmount, taxLines: snapshot.taxLines });
    }
  }

  return {
    sourceOrderId: order.id,
    sourceOrderName: order.name,
    currency,
    customer: customerOf(order, email),
    lines,
    taxesIncluded: order.taxesIncluded,
    shipping,
    orderTotal: amount(order.totalPriceSet),
    ...companyTermsOf(order.purchasingEntity),
  };
}

function companyTermsOf(entity: SourceOrder["purchasingEntity"]): { companyTermsDays?: number } {
  if (entity?.__typename !== "PurchasingCompany" || !entity.contact) return {};
  const terms = entity.location.buyerExperienceConfiguration?.paymentTermsTemplate;
  if (!terms) return {};
  if (terms.paymentTermsType === "NET" && terms.dueInDays !== null) return { companyTermsDays: terms.dueInDays };
  return terms.paymentTermsType === "RECEIPT" || terms.paymentTermsType === "FULFILLMENT" ? { companyTermsDays: 0 } : {};
}

function customerOf(order: SourceOrder, email: string): CustomerSnapshotInput {
  const customer = order.customer!;
  const billing = order.billingAddress;
  const snapshot: CustomerSnapshotInput = {
    shopifyCustomerId: customer.id,
    name: customer.displayName.trim() || billing?.name?.trim() || email,
    email,
  };
  const locale = customer.locale ?? order.customerLocale;
  if (locale) snapshot.locale = locale;
  const company = companyOf(order.purchasingEntity);
  if (company) snapshot.company = company;
  if (billing) {
    const address = compact({
      line1: billing.company && billing.address1 ? `${billing.company}, ${billing.address1}` : (billing.address1 ?? billing.company),
      line2: billing.address2,
      city: billing.city,
      state: billing.provinceCode,
      postalCode: billing.zip,
      country: billing.countryCodeV2,
    });
    if (Object.keys(address).length > 0) snapshot.address = address;
  }
  return snapshot;
}

/**
 * The company location of a B2B order, with the contact who placed it. An
 * order for a location without a contact (Shopify allows it) cannot be billed
 * to the location again — a draft order for a company needs its contact
 * (PurchasingCompanyInput) — so its template bills the customer, as a D2C one.
 */
function companyOf(entity: SourceOrder["purchasingEntity"]): BillingCompany | undefined {
  if (entity?.__typename !== "PurchasingCompany" || !entity.contact) return undefined;
  return {
    companyId: entity.company.id,
    companyName: entity.company.name,
    contactId: entity.contact.id,
    locationId: entity.location.id,
    locationName: entity.location.name,
  };
}

function compact<T extends Record<string, string | null | undefined>>(record: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "string" && value.trim() !== "") out[key as keyof T] = value.trim();
  }
  return out;
}

function presentmentMinor(bag: SourceMoneyBag, currency: string, orderName: string): MinorUnits {
  const money = bag.presentmentMoney;
  try {
    if (money.currencyCode !== currency) throw new MoneyError("unknown_currency", `expected ${currency}, got ${money.currencyCode}`);
    return parseDecimal(money.amount, currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    throw new OrderSnapshotError(
      "invalid_amount",
      `Order ${orderName} has an amount Ritournelle cannot read exactly (${money.amount} ${money.currencyCode}): ${error.message}`,
      { order: orderName },
    );
  }
}

function taxLineOf(tax: SourceTaxLine): TemplateTaxLine {
  return { title: tax.title, ratePercent: ratePercentOf(tax) };
}

/**
 * The tax rate as an exact decimal percentage string. Shopify sends `rate` as
 * a JSON number (0.08875); its shortest decimal spelling, which is what JSON
 * carried, is shifted two places in the string, so no float arithmetic can
 * turn 8.875 % into 8.874999… %.
 */
export function ratePercentOf(tax: Pick<SourceTaxLine, "rate" | "ratePercentage">): string {
  if (tax.rate !== null && Number.isFinite(tax.rate) && tax.rate >= 0) return shiftDecimal(String(tax.rate), 2);
  if (tax.ratePercentage !== null && Number.isFinite(tax.ratePercentage) && tax.ratePercentage >= 0) {
    return shiftDecimal(String(tax.ratePercentage), 0);
  }
  return "0";
}

/** "0.08875" shifted by 2 → "8.875"; handles exponent spellings ("1e-7"). Non-negative input. */
export function shiftDecimal(spelled: string, places: number): string {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(spelled);
  if (!match) throw new MoneyError("invalid_rate", `"${spelled}" is not a decimal number.`, spelled);
  const [, whole = "0", fraction = "", exponent = "0"] = match;
  const digits = whole + fraction;
  const point = whole.length + places + Number(exponent);
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits.padEnd(point, "0");
  const at = Math.max(point, 1);
  const integer = padded.slice(0, at).replace(/^0+(?=\d)/, "");
  const decimals = padded.slice(at).replace(/0+$/, "");
  return decimals ? `${integer}.${decimals}` : integer;
}
