// Builders for the seeded shops (seed-demo-shop.ts, seed-other-shop.ts):
// customers and addresses with the fields Shopify derives, and orders written
// as data — what the customer ordered (SeedOrderInput) — turned into order
// records by order-build.ts, the derivation orderCreate uses. This file only
// says which prices, taxes and discounts apply; its one piece of arithmetic
// converts a price the customer saw in another currency to the shop's (what a
// caller of orderCreate supplies as the two amounts of a priceSet).

import { convertMinor, parseDecimalToMinor, type Rate } from "./money";
import { deriveAmounts, taxLineDraft, variantLine, type DiscountCodeDraft, type LineDraft, type OrderDraft, type Pair } from "./order-build";
import type { FinancialStatus, SeedAddress, SeedCustomer, SeedOrder, SeedProduct, SeedVariant } from "./seed";
import type { SeedPurchasingCompany } from "./companies";

/** Scopes the seeded offline tokens carry. */
export const SEEDED_SCOPES = "read_orders,write_orders,read_customers,read_products";

/** An address with Shopify's derived `name`; unset fields null. */
export function addr(a: Partial<SeedAddress> & { firstName: string | null; lastName: string | null }): SeedAddress {
  return {
    company: null,
    address1: null,
    address2: null,
    city: null,
    province: null,
    provinceCode: null,
    zip: null,
    country: null,
    countryCodeV2: null,
    phone: null,
    ...a,
    name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
  };
}

/** A customer with Shopify's derived fields (display name, gid, verified e-mail). */
export function customer(
  legacy: number,
  c: Omit<SeedCustomer, "id" | "legacyResourceId" | "displayName" | "state" | "tags" | "taxExempt" | "verifiedEmail" | "note" | "updatedAt"> &
    Partial<Pick<SeedCustomer, "tags" | "note" | "taxExempt">>,
): SeedCustomer {
  return {
    id: `gid://shopify/Customer/${legacy}`,
    legacyResourceId: String(legacy),
    displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "Client",
    state: "DISABLED",
    tags: [],
    taxExempt: false,
    verifiedEmail: c.email !== null,
    note: null,
    updatedAt: c.createdAt,
    ...c,
  };
}

// ---------------------------------------------------------------------------
// Orders as data

/** Which taxes checkout applied: French VAT (prices include it), New York sales tax (added), none (export). */
export type TaxRegime = "FR" | "NY" | "EXPORT";

export type TaxClass = SeedProduct["taxClass"];

// New York City: 8.875 % itemised the way Shopify shows it.
const NEW_YORK_CITY = [
  { title: "New York State Tax", rate: "0.04" },
  { title: "New York City Tax", rate: "0.045" },
  { title: "Metropolitan Commuter Transportation District", rate: "0.00375" },
];

/** Tax lines per regime and product tax class, rates as Shopify writes them. */
export const REGIME_TAXES: Record<TaxRegime, Record<TaxClass, { title: string; rate: string }[]>> = {
  FR: {
    standard: [{ title: "FR TVA", rate: "0.2" }],
    reduced: [{ title: "FR TVA", rate: "0.055" }],
  },
  NY: { standard: NEW_YORK_CITY, reduced: NEW_YORK_CITY },
  EXPORT: { standard: [], reduced: [] },
};

export interface SeedLineInput {
  /** SKU of a seeded variant (a deleted one too: the order predates the deletion). */
  sku?: string;
  /** A custom line (no variant). */
  custom?: { title: string; sku?: string; requiresShipping?: boolean };
  quantity: number;
  /** Unit price in the presentment currency (minor units). Defaults to the variant price. */
  unitPrice?: number;
  /** Overrides the product's tax class (custom lines: standard). */
  taxClass?: TaxClass;
  /** A manual or automatic discount on this line only (EACH), in the presentment currency. */
  lineDiscount?: { kind: "manual" | "automatic"; title: string } & ({ percentage: number } | { amount: number });
}

/** A seeded order as the shop's checkout received it; minor units of the presentment currency. */
export interface SeedOrderInput {
  /** 1001 → name "#1001"; ids derive from it (see SeedCatalog). */
  number: number;
  createdAt: string;
  /** Defaults to createdAt (an imported order was processed before it was created). */
  processedAt?: string;
  /** A customer of the shop (gid); null for a sale without customer. */
  customer: string | null;
  /** Defaults to the customer's e-mail. */
  email?: string | null;
  /** Paid in another currency: prices below are in it, 1 unit = `rate` units of the shop currency. */
  presentment?: { currency: string; rate: Rate };
  regime: TaxRegime;
  lines: SeedLineInput[];
  /** Taxed like a standard-rate line. */
  shipping?: { title: string; code: string; source: string; price: number };
  /** An order-level code, allocated across all lines (ACROSS). */
  discountCode?: { code: string } & ({ percentage: number } | { amount: number });
  /** null: no payment recorded. */
  financialStatus: FinancialStatus | null;
  fulfillmentStatus?: "FULFILLED" | "UNFULFILLED";
  tags?: string[];
  note?: string;
  test?: boolean;
  /** Defaults to "web". */
  sourceName?: string;
  /** Why this order is in the seed (for humans and tests; not a Shopify field). */
  peculiarities: string[];
  /** B2B: placed by a company contact for a company location (companies.ts). */
  purchasingCompany?: SeedPurchasingCompany;
}

/** What a shop's orders are built against, and where their ids start. */
export interface SeedCatalog {
  currency: string;
  customers: SeedCustomer[];
  products: SeedProduct[];
  variants: SeedVariant[];
  /** Order legacy id = orderIdBase + number. */
  orderIdBase: number;
  /** Line item legacy id = lineIdBase + number × 10 + index; shipping line = lineIdBase + 5,000,000 + number. */
  lineIdBase: number;
}

function variantOf(shop: SeedCatalog, sku: string): { variant: SeedVariant; product: SeedProduct } {
  const variant = shop.variants.find((v) => v.sku === sku);
  if (!variant) throw new Error(`seed: unknown sku ${sku}`);
  const product = shop.products.find((p) => p.id === variant.productId);
  if (!product) throw new Error(`seed: no product for ${sku}`);
  return { variant, product };
}

/** The order record for `input`: amounts from order-build.ts, the rest from the seed's data. */
export function buildSeedOrder(shop: SeedCatalog, input: SeedOrderInput): SeedOrder {
  const shopCurrency = shop.currency;
  const presentment = input.presentment;
  const presCurrency = presentment?.currency ?? shopCurrency;
  // A seed price is what the customer saw; the shop's side is it converted at the order's rate.
  const price = (minor: number): Pair => ({
    shop: presentment ? convertMinor(minor, presCurrency, shopCurrency, presentment.rate) : minor,
    pres: minor,
  });
  const taxes = (taxClass: TaxClass) => REGIME_TAXES[input.regime][taxClass].map((t) => taxLineDraft(t.title, t.rate, { source: "Shopify" }));
  const customer = input.customer ? shop.customers.find((c) => c.id === input.customer) : undefined;
  if (input.customer && !customer) throw new Error(`seed: unknown customer ${input.customer}`);

  const lines: LineDraft[] = input.lines.map((line) => {
    let base: Omit<LineDraft, "quantity" | "unit" | "taxLines" | "discount" | "customAttributes">;
    let unit: number;
    let taxClass: TaxClass;
    if (line.sku) {
      const { variant, product } = variantOf(shop, line.sku);
      base = variantLine(variant, product);
      if (presentment && line.unitPrice === undefined) throw new Error("seed: presentment lines need unitPrice");
      unit = line.unitPrice ?? parseDecimalToMinor(variant.price, shopCurrency) ?? 0;
      taxClass = line.taxClass ?? product.taxClass;
    } else if (line.custom) {
      if (line.unitPrice === undefined) throw new Error("seed: custom lines need unitPrice");
      base = {
        title: line.custom.title,
        variantTitle: null,
        sku: line.custom.sku ?? null,
        vendor: null,
        variantId: null,
        productId: null,
        requiresShipping: line.custom.requiresShipping ?? false,
        taxable: true,
      };
      unit = line.unitPrice;
      taxClass = line.taxClass ?? "standard";
    } else throw new Error("seed: a line needs sku or custom");
    const draft: LineDraft = { ...base, quantity: line.quantity, unit: price(unit), taxLines: taxes(taxClass), customAttributes: [] };
    const ld = line.lineDiscount;
    if (ld) draft.discount = { kind: ld.kind, title: ld.title, value: "percentage" in ld ? { percentage: ld.percentage } : { amount: price(ld.amount) } };
    return draft;
  });
  const code = input.discountCode;
  const discountCode: DiscountCodeDraft | undefined = code
    ? "percentage" in code
      ? { type: "percentage", code: code.code, percentage: code.percentage }
      : { type: "fixed", code: code.code, amount: price(code.amount) }
    : undefined;
  const draft: OrderDraft = {
    shopCurrency,
    presentmentCurrency: presCurrency,
    taxesIncluded: input.regime === "FR",
    lines,
    shippingLines: input.shipping
      ? [{ title: input.shipping.title, code: input.shipping.code, source: input.shipping.source, price: price(input.shipping.price), taxLines: taxes("standard") }]
      : [],
    taxLines: [],
    ...(discountCode ? { discountCode } : {}),
  };
  const amounts = deriveAmounts(draft, {
    lineItem: (i) => `gid://shopify/LineItem/${shop.lineIdBase + input.number * 10 + i}`,
    shippingLine: () => `gid://shopify/ShippingLine/${shop.lineIdBase + 5_000_000 + input.number}`,
  });

  const legacy = shop.orderIdBase + input.number;
  const address = customer?.defaultAddress ?? null;
  const status = input.financialStatus;
  return {
    id: `gid://shopify/Order/${legacy}`,
    legacyResourceId: String(legacy),
    name: `#${input.number}`,
    number: input.number - 1000,
    createdAt: input.createdAt,
    processedAt: input.processedAt ?? input.createdAt,
    updatedAt: input.createdAt,
    cancelledAt: null,
    closedAt: null,
    currencyCode: shopCurrency,
    presentmentCurrencyCode: presCurrency,
    taxesIncluded: draft.taxesIncluded,
    taxExempt: false,
    test: input.test ?? false,
    displayFinancialStatus: status,
    displayFulfillmentStatus: input.fulfillmentStatus ?? "UNFULFILLED",
    email: input.email !== undefined ? input.email : (customer?.email ?? null),
    phone: customer?.phone ?? null,
    customerId: customer?.id ?? null,
    customerLocale: customer?.locale ?? null,
    billingAddress: address,
    shippingAddress: lines.some((l) => l.requiresShipping) ? address : null,
    note: input.note ?? null,
    tags: [...(input.tags ?? [])],
    sourceName: input.sourceName ?? "web",
    poNumber: null,
    confirmationNumber: `R${String(legacy).slice(-8, -4)}X${String(legacy).slice(-4)}`,
    paymentGatewayNames: status === null ? [] : status === "PENDING" ? ["Virement bancaire"] : ["shopify_payments"],
    ...amounts,
    peculiarities: [...input.peculiarities],
    ...(input.purchasingCompany ? { purchasingCompany: { ...input.purchasingCompany } } : {}),
  };
}
