// Deterministic seed data for the Shopify Admin API stand-in.
//
// Two shops: `ritournelle-demo.myshopify.com` (EUR, Europe/Paris, French
// customers, tax-inclusive French VAT) and `other-shop.myshopify.com` (USD,
// America/New_York, tax-exclusive New York sales tax) for tenant-isolation
// tests. Both shops number their orders from #1001, on purpose: an order name
// alone never identifies an order across tenants.
//
// Every amount is computed here from a few inputs (unit prices, quantities,
// discounts, tax rates, exchange rates) in integer minor units, the way
// Shopify derives them, so that line totals, discounts, taxes and order totals
// add up exactly in both shop and presentment currencies. Tests assert those
// identities (seed.test.ts).

import {
  convertMinor,
  formatShopifyDecimal,
  rateToNumber,
  roundDiv,
  taxExclusive,
  taxInclusive,
  type Rate,
} from "./money";

// ---------------------------------------------------------------------------
// Types (shapes the resolvers read; Shopify field names where they exist)
// ---------------------------------------------------------------------------

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

export interface SeedAddress {
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCodeV2: string | null;
  phone: string | null;
}

export interface SeedCustomer {
  id: string;
  legacyResourceId: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  /** null: a customer known only by phone (Shopify allows it). */
  email: string | null;
  phone: string | null;
  locale: string;
  createdAt: string;
  updatedAt: string;
  state: "ENABLED" | "DISABLED" | "INVITED" | "DECLINED";
  tags: string[];
  taxExempt: boolean;
  verifiedEmail: boolean;
  note: string | null;
  defaultAddress: SeedAddress | null;
}

export interface SeedProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  /** Which tax rates apply (the seed's own notion, not a Shopify field). */
  taxClass: "standard" | "reduced";
}

export interface SeedVariant {
  id: string;
  legacyResourceId: string;
  productId: string;
  title: string;
  sku: string;
  /** Price in the shop currency, Shopify Decimal string. */
  price: string;
  taxable: boolean;
  requiresShipping: boolean;
  /** Deleted variants resolve to null (productVariant(id:) and LineItem.variant). */
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SeedTaxLine {
  title: string;
  rate: number;
  ratePercentage: number;
  priceSet: MoneyBag;
  channelLiable: boolean;
  source: string | null;
}

export type SeedPricingValue =
  | { __typename: "PricingPercentageValue"; percentage: number }
  | { __typename: "MoneyV2"; amount: string; currencyCode: string };

export interface SeedDiscountApplication {
  __typename: "DiscountCodeApplication" | "ManualDiscountApplication" | "AutomaticDiscountApplication";
  index: number;
  code: string | null;
  title: string | null;
  description: string | null;
  allocationMethod: "ACROSS" | "EACH";
  targetSelection: "ALL" | "ENTITLED" | "EXPLICIT";
  targetType: "LINE_ITEM" | "SHIPPING_LINE";
  value: SeedPricingValue;
}

export interface SeedDiscountAllocation {
  allocatedAmountSet: MoneyBag;
  discountApplicationIndex: number;
}

export interface SeedLineItem {
  id: string;
  title: string;
  name: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  variantId: string | null;
  productId: string | null;
  requiresShipping: boolean;
  taxable: boolean;
  originalUnitPriceSet: MoneyBag;
  originalTotalSet: MoneyBag;
  /** Unit price after line-level discounts only (Shopify's discountedUnitPriceSet). */
  discountedUnitPriceSet: MoneyBag;
  /** Unit price after every discount, order-level ones included. */
  discountedUnitPriceAfterAllDiscountsSet: MoneyBag;
  /** discountedTotalSet(withCodeDiscounts: false). */
  discountedTotalSet: MoneyBag;
  /** discountedTotalSet(withCodeDiscounts: true). */
  discountedTotalWithCodeDiscountsSet: MoneyBag;
  totalDiscountSet: MoneyBag;
  taxLines: SeedTaxLine[];
  discountAllocations: SeedDiscountAllocation[];
  customAttributes: { key: string; value: string }[];
}

export interface SeedShippingLine {
  id: string;
  title: string;
  code: string | null;
  source: string | null;
  originalPriceSet: MoneyBag;
  discountedPriceSet: MoneyBag;
  taxLines: SeedTaxLine[];
  discountAllocations: SeedDiscountAllocation[];
}

export type FinancialStatus =
  | "AUTHORIZED"
  | "EXPIRED"
  | "PAID"
  | "PARTIALLY_PAID"
  | "PARTIALLY_REFUNDED"
  | "PENDING"
  | "REFUNDED"
  | "VOIDED";

export interface SeedOrder {
  id: string;
  legacyResourceId: string;
  /** "#1001" */
  name: string;
  number: number;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  closedAt: string | null;
  currencyCode: string;
  presentmentCurrencyCode: string;
  taxesIncluded: boolean;
  taxExempt: boolean;
  test: boolean;
  /** null when no payment was recorded (Shopify returns null then). */
  displayFinancialStatus: FinancialStatus | null;
  displayFulfillmentStatus: "FULFILLED" | "UNFULFILLED" | "PARTIALLY_FULFILLED";
  email: string | null;
  phone: string | null;
  customerId: string | null;
  customerLocale: string | null;
  billingAddress: SeedAddress | null;
  shippingAddress: SeedAddress | null;
  note: string | null;
  tags: string[];
  sourceName: string | null;
  poNumber: string | null;
  confirmationNumber: string | null;
  paymentGatewayNames: string[];
  lineItems: SeedLineItem[];
  shippingLines: SeedShippingLine[];
  discountApplications: SeedDiscountApplication[];
  discountCodes: string[];
  subtotalPriceSet: MoneyBag;
  totalPriceSet: MoneyBag;
  totalTaxSet: MoneyBag;
  totalShippingPriceSet: MoneyBag;
  totalDiscountsSet: MoneyBag;
  /** Aggregated per (title, rate), like Shopify's Order.taxLines. */
  taxLines: SeedTaxLine[];
  /** Why this order is in the seed (for humans and tests; not a Shopify field). */
  peculiarities: string[];
}

export interface SeedShopAddress {
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  provinceCode: string | null;
  zip: string;
  country: string;
  countryCodeV2: string;
  company: string | null;
  phone: string | null;
}

/** A staff member: the `associated_user` of online access tokens (session token `sub`). */
export interface SeedStaffMember {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  locale: string;
  accountOwner: boolean;
  collaborator: boolean;
}

export interface SeedShop {
  /** "ritournelle-demo.myshopify.com" */
  myshopifyDomain: string;
  id: string;
  name: string;
  email: string;
  contactEmail: string;
  currencyCode: string;
  ianaTimezone: string;
  primaryDomain: { id: string; host: string; url: string };
  shopAddress: SeedShopAddress;
  /** Offline Admin API token valid for this shop (X-Shopify-Access-Token). */
  accessToken: string;
  /** Comma-separated scopes granted to accessToken. */
  scopes: string;
  staff: SeedStaffMember[];
  customers: SeedCustomer[];
  products: SeedProduct[];
  variants: SeedVariant[];
  orders: SeedOrder[];
}

export interface Seed {
  shops: SeedShop[];
}

// ---------------------------------------------------------------------------
// Order builder: computes every amount from a compact spec
// ---------------------------------------------------------------------------

interface TaxSpec {
  title: string;
  rate: Rate;
}

type DiscountSpec = { title: string; percent: number } | { title: string; amount: number };

interface LineSpec {
  /** SKU of a seeded variant. */
  sku?: string;
  /** A custom line (no variant). */
  custom?: { title: string; sku?: string; requiresShipping?: boolean };
  quantity: number;
  /** Unit price in the presentment currency (minor units). Defaults to the variant price. */
  unitPrice?: number;
  /** Overrides the taxes of the order's regime. */
  taxes?: TaxSpec[];
  taxClass?: "standard" | "reduced";
  /** Line-level discount (manual or automatic, allocated to this line only). */
  lineDiscount?: DiscountSpec & { kind: "manual" | "automatic" };
}

interface OrderSpec {
  number: number;
  createdAt: string;
  processedAt?: string;
  customer: string | null;
  /** Defaults to the customer's email. */
  email?: string | null;
  presentment?: { currency: string; rate: Rate };
  /** Tax regime: FR VAT (inclusive), NY sales tax (exclusive) or none (export). */
  regime: "FR" | "NY" | "EXPORT";
  lines: LineSpec[];
  shipping?: { title: string; code: string; source: string; price: number };
  /** Order-level discount code, allocated across all lines. */
  codeDiscount?: { code: string; percent?: number; amount?: number };
  status: FinancialStatus | null;
  fulfillment?: "FULFILLED" | "UNFULFILLED";
  tags?: string[];
  note?: string;
  test?: boolean;
  sourceName?: string;
  peculiarities: string[];
}

interface ShopSpec {
  domain: string;
  orderIdBase: number;
  lineIdBase: number;
  currency: string;
  customers: SeedCustomer[];
  products: SeedProduct[];
  variants: SeedVariant[];
}

const FR_STANDARD: TaxSpec[] = [{ title: "FR TVA", rate: { num: 20, den: 100 } }];
const FR_REDUCED: TaxSpec[] = [{ title: "FR TVA", rate: { num: 55, den: 1000 } }];
// New York City: 8.875 % itemised the way Shopify shows it.
const NY_TAXES: TaxSpec[] = [
  { title: "New York State Tax", rate: { num: 4000, den: 100000 } },
  { title: "New York City Tax", rate: { num: 4500, den: 100000 } },
  { title: "Metropolitan Commuter Transportation District", rate: { num: 375, den: 100000 } },
];

function money(minor: number, currency: string): MoneyV2 {
  return { amount: formatShopifyDecimal(minor, currency), currencyCode: currency };
}

function bag(shopMinor: number, shopCurrency: string, presentmentMinor: number, presentmentCurrency: string): MoneyBag {
  return { shopMoney: money(shopMinor, shopCurrency), presentmentMoney: money(presentmentMinor, presentmentCurrency) };
}

function ratePercentage(rate: Rate): number {
  return Math.round(rateToNumber(rate) * 100 * 1e6) / 1e6;
}

function rateFloat(rate: Rate): number {
  return Math.round(rateToNumber(rate) * 1e9) / 1e9;
}

/** Splits `total` over `bases` proportionally; the last share takes the rounding remainder. */
function allocate(total: number, bases: number[]): number[] {
  const sum = bases.reduce((a, b) => a + b, 0);
  if (sum === 0) return bases.map(() => 0);
  const shares = bases.map((b) => roundDiv(total * b, sum));
  const drift = total - shares.reduce((a, b) => a + b, 0);
  if (shares.length > 0) shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + drift;
  return shares;
}

function variantOf(shop: ShopSpec, sku: string): { variant: SeedVariant; product: SeedProduct } {
  const variant = shop.variants.find((v) => v.sku === sku);
  if (!variant) throw new Error(`seed: unknown sku ${sku}`);
  const product = shop.products.find((p) => p.id === variant.productId);
  if (!product) throw new Error(`seed: no product for ${sku}`);
  return { variant, product };
}

function priceMinor(decimal: string): number {
  const [whole = "0", fraction = ""] = decimal.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

function regimeTaxes(regime: OrderSpec["regime"], taxClass: "standard" | "reduced"): TaxSpec[] {
  if (regime === "FR") return taxClass === "reduced" ? FR_REDUCED : FR_STANDARD;
  if (regime === "NY") return NY_TAXES;
  return [];
}

function buildOrder(shop: ShopSpec, spec: OrderSpec): SeedOrder {
  const shopCurrency = shop.currency;
  const presCurrency = spec.presentment?.currency ?? shopCurrency;
  const conv = (minor: number): number =>
    spec.presentment ? convertMinor(minor, presCurrency, shopCurrency, spec.presentment.rate) : minor;
  const mk = (shopMinor: number, presMinor: number) => bag(shopMinor, shopCurrency, presMinor, presCurrency);
  const taxesIncluded = spec.regime === "FR";
  const customer = spec.customer ? shop.customers.find((c) => c.id === spec.customer) : undefined;
  if (spec.customer && !customer) throw new Error(`seed: unknown customer ${spec.customer}`);

  const applications: SeedDiscountApplication[] = [];
  const orderLegacy = shop.orderIdBase + spec.number;

  // 1. Lines: prices, line-level discounts.
  interface Work {
    spec: LineSpec;
    title: string;
    variantTitle: string | null;
    sku: string | null;
    vendor: string | null;
    variantId: string | null;
    productId: string | null;
    requiresShipping: boolean;
    taxes: TaxSpec[];
    unit: number;
    unitShop: number;
    orig: number;
    origShop: number;
    d1: number;
    d1Shop: number;
    d1App: number | null;
    d2: number;
    d2Shop: number;
  }
  const work: Work[] = spec.lines.map((line) => {
    let title: string;
    let variantTitle: string | null = null;
    let sku: string | null;
    let vendor: string | null = null;
    let variantId: string | null = null;
    let productId: string | null = null;
    let requiresShipping: boolean;
    let taxClass: "standard" | "reduced" = line.taxClass ?? "standard";
    let unit: number;
    if (line.sku) {
      const { variant, product } = variantOf(shop, line.sku);
      title = product.title;
      variantTitle = variant.title === "Default Title" ? null : variant.title;
      sku = variant.sku;
      vendor = product.vendor;
      variantId = variant.id;
      productId = product.id;
      requiresShipping = variant.requiresShipping;
      taxClass = line.taxClass ?? product.taxClass;
      unit = line.unitPrice ?? priceMinor(variant.price);
      if (spec.presentment && line.unitPrice === undefined) throw new Error("seed: presentment lines need unitPrice");
    } else if (line.custom) {
      title = line.custom.title;
      sku = line.custom.sku ?? null;
      requiresShipping = line.custom.requiresShipping ?? false;
      if (line.unitPrice === undefined) throw new Error("seed: custom lines need unitPrice");
      unit = line.unitPrice;
    } else throw new Error("seed: a line needs sku or custom");
    const unitShop = conv(unit);
    const orig = unit * line.quantity;
    const origShop = unitShop * line.quantity;
    let d1 = 0;
    let d1App: number | null = null;
    if (line.lineDiscount) {
      const ld = line.lineDiscount;
      d1 = "percent" in ld ? roundDiv(orig * ld.percent, 100) : ld.amount;
      d1App = applications.length;
      applications.push({
        __typename: ld.kind === "manual" ? "ManualDiscountApplication" : "AutomaticDiscountApplication",
        index: d1App,
        code: null,
        title: ld.title,
        description: ld.kind === "manual" ? ld.title : null,
        allocationMethod: "EACH",
        targetSelection: ld.kind === "manual" ? "EXPLICIT" : "ENTITLED",
        targetType: "LINE_ITEM",
        value:
          "percent" in ld
            ? { __typename: "PricingPercentageValue", percentage: ld.percent }
            : { __typename: "MoneyV2", ...money(ld.amount, presCurrency) },
      });
    }
    return {
      spec: line,
      title,
      variantTitle,
      sku,
      vendor,
      variantId,
      productId,
      requiresShipping,
      taxes: line.taxes ?? regimeTaxes(spec.regime, taxClass),
      unit,
      unitShop,
      orig,
      origShop,
      d1,
      d1Shop: conv(d1),
      d1App,
      d2: 0,
      d2Shop: 0,
    };
  });

  // 2. Order-level discount code, allocated across lines.
  let codeApp: number | null = null;
  if (spec.codeDiscount) {
    const cd = spec.codeDiscount;
    codeApp = applications.length;
    const bases = work.map((w) => w.orig - w.d1);
    const shares =
      cd.percent !== undefined ? bases.map((b) => roundDiv(b * (cd.percent ?? 0), 100)) : allocate(cd.amount ?? 0, bases);
    work.forEach((w, i) => {
      w.d2 = shares[i] ?? 0;
      w.d2Shop = conv(w.d2);
    });
    applications.push({
      __typename: "DiscountCodeApplication",
      index: codeApp,
      code: cd.code,
      title: null,
      description: null,
      allocationMethod: "ACROSS",
      targetSelection: "ALL",
      targetType: "LINE_ITEM",
      value:
        cd.percent !== undefined
          ? { __typename: "PricingPercentageValue", percentage: cd.percent }
          : { __typename: "MoneyV2", ...money(cd.amount ?? 0, presCurrency) },
    });
  }

  // 3. Taxes per line, then the line records.
  const taxLine = (t: TaxSpec, pres: number, shopMinor: number): SeedTaxLine => ({
    title: t.title,
    rate: rateFloat(t.rate),
    ratePercentage: ratePercentage(t.rate),
    priceSet: mk(shopMinor, pres),
    channelLiable: false,
    source: "Shopify",
  });
  const taxOf = (amount: number, t: TaxSpec) => (taxesIncluded ? taxInclusive(amount, t.rate) : taxExclusive(amount, t.rate));

  let subtotal = 0;
  let subtotalShop = 0;
  let discounts = 0;
  let discountsShop = 0;
  let tax = 0;
  let taxShop = 0;
  const aggregated = new Map<string, { t: TaxSpec; pres: number; shop: number }>();
  const addAgg = (t: TaxSpec, pres: number, shopMinor: number) => {
    const key = `${t.title}|${t.rate.num}/${t.rate.den}`;
    const current = aggregated.get(key) ?? { t, pres: 0, shop: 0 };
    current.pres += pres;
    current.shop += shopMinor;
    aggregated.set(key, current);
  };

  const lineItems: SeedLineItem[] = work.map((w, i) => {
    const net = w.orig - w.d1 - w.d2;
    const netShop = w.origShop - w.d1Shop - w.d2Shop;
    const taxLines = w.taxes.map((t) => {
      const pres = taxOf(net, t);
      const shopMinor = conv(pres);
      tax += pres;
      taxShop += shopMinor;
      addAgg(t, pres, shopMinor);
      return taxLine(t, pres, shopMinor);
    });
    subtotal += net;
    subtotalShop += netShop;
    discounts += w.d1 + w.d2;
    discountsShop += w.d1Shop + w.d2Shop;
    const q = w.spec.quantity;
    const allocations: SeedDiscountAllocation[] = [];
    if (w.d1App !== null) allocations.push({ allocatedAmountSet: mk(w.d1Shop, w.d1), discountApplicationIndex: w.d1App });
    if (codeApp !== null) allocations.push({ allocatedAmountSet: mk(w.d2Shop, w.d2), discountApplicationIndex: codeApp });
    const name = w.variantTitle ? `${w.title} - ${w.variantTitle}` : w.title;
    return {
      id: `gid://shopify/LineItem/${shop.lineIdBase + spec.number * 10 + i}`,
      title: w.title,
      name,
      variantTitle: w.variantTitle,
      sku: w.sku,
      vendor: w.vendor,
      quantity: q,
      variantId: w.variantId,
      productId: w.productId,
      requiresShipping: w.requiresShipping,
      taxable: w.taxes.length > 0 || spec.regime === "EXPORT",
      originalUnitPriceSet: mk(w.unitShop, w.unit),
      originalTotalSet: mk(w.origShop, w.orig),
      discountedUnitPriceSet: mk(w.unitShop - roundDiv(w.d1Shop, q), w.unit - roundDiv(w.d1, q)),
      discountedUnitPriceAfterAllDiscountsSet: mk(
        w.unitShop - roundDiv(w.d1Shop + w.d2Shop, q),
        w.unit - roundDiv(w.d1 + w.d2, q),
      ),
      discountedTotalSet: mk(w.origShop - w.d1Shop, w.orig - w.d1),
      discountedTotalWithCodeDiscountsSet: mk(netShop, net),
      totalDiscountSet: mk(w.d1Shop + w.d2Shop, w.d1 + w.d2),
      taxLines,
      discountAllocations: allocations,
      customAttributes: [],
    };
  });

  // 4. Shipping.
  let shippingTotal = 0;
  let shippingTotalShop = 0;
  const shippingLines: SeedShippingLine[] = [];
  if (spec.shipping) {
    const s = spec.shipping;
    const sShop = conv(s.price);
    const taxes = regimeTaxes(spec.regime, "standard").map((t) => {
      const pres = taxOf(s.price, t);
      const shopMinor = conv(pres);
      tax += pres;
      taxShop += shopMinor;
      addAgg(t, pres, shopMinor);
      return taxLine(t, pres, shopMinor);
    });
    shippingTotal += s.price;
    shippingTotalShop += sShop;
    shippingLines.push({
      id: `gid://shopify/ShippingLine/${shop.lineIdBase + 5_000_000 + spec.number}`,
      title: s.title,
      code: s.code,
      source: s.source,
      originalPriceSet: mk(sShop, s.price),
      discountedPriceSet: mk(sShop, s.price),
      taxLines: taxes,
      discountAllocations: [],
    });
  }

  const total = subtotal + shippingTotal + (taxesIncluded ? 0 : tax);
  const totalShop = subtotalShop + shippingTotalShop + (taxesIncluded ? 0 : taxShop);
  const email = spec.email !== undefined ? spec.email : (customer?.email ?? null);
  const address = customer?.defaultAddress ?? null;
  const processedAt = spec.processedAt ?? spec.createdAt;
  const discountCodes = applications.filter((a) => a.code !== null).map((a) => a.code as string);

  return {
    id: `gid://shopify/Order/${orderLegacy}`,
    legacyResourceId: String(orderLegacy),
    name: `#${spec.number}`,
    number: spec.number - 1000,
    createdAt: spec.createdAt,
    processedAt,
    updatedAt: spec.createdAt,
    cancelledAt: null,
    closedAt: null,
    currencyCode: shopCurrency,
    presentmentCurrencyCode: presCurrency,
    taxesIncluded,
    taxExempt: false,
    test: spec.test ?? false,
    displayFinancialStatus: spec.status,
    displayFulfillmentStatus: spec.fulfillment ?? "UNFULFILLED",
    email,
    phone: customer?.phone ?? null,
    customerId: customer?.id ?? null,
    customerLocale: customer?.locale ?? null,
    billingAddress: address,
    shippingAddress: lineItems.some((l) => l.requiresShipping) ? address : null,
    note: spec.note ?? null,
    tags: spec.tags ?? [],
    sourceName: spec.sourceName ?? "web",
    poNumber: null,
    confirmationNumber: `R${String(orderLegacy).slice(-8, -4)}X${String(orderLegacy).slice(-4)}`,
    paymentGatewayNames: spec.status === null ? [] : spec.status === "PENDING" ? ["Virement bancaire"] : ["shopify_payments"],
    lineItems,
    shippingLines,
    discountApplications: applications,
    discountCodes,
    subtotalPriceSet: mk(subtotalShop, subtotal),
    totalPriceSet: mk(totalShop, total),
    totalTaxSet: mk(taxShop, tax),
    totalShippingPriceSet: mk(shippingTotalShop, shippingTotal),
    totalDiscountsSet: mk(discountsShop, discounts),
    taxLines: [...aggregated.values()].map((a) => taxLine(a.t, a.pres, a.shop)),
    peculiarities: spec.peculiarities,
  };
}

// ---------------------------------------------------------------------------
// The demo shop (EUR, Europe/Paris)
// ---------------------------------------------------------------------------

function addr(a: Partial<SeedAddress> & { firstName: string | null; lastName: string | null }): SeedAddress {
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

function customer(
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

export const DEMO_SHOP_DOMAIN = "ritournelle-demo.myshopify.com";
export const OTHER_SHOP_DOMAIN = "other-shop.myshopify.com";
export const DEMO_ACCESS_TOKEN = "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";
export const OTHER_ACCESS_TOKEN = "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";
const SEEDED_SCOPES = "read_orders,write_orders,read_customers,read_products";

const C = {
  camille: "gid://shopify/Customer/7410000000101",
  theo: "gid://shopify/Customer/7410000000102",
  elodie: "gid://shopify/Customer/7410000000103",
  jb: "gid://shopify/Customer/7410000000104",
  sophie: "gid://shopify/Customer/7410000000105",
  lucas: "gid://shopify/Customer/7410000000106",
  emily: "gid://shopify/Customer/7410000000107",
  haruto: "gid://shopify/Customer/7410000000108",
  nathalie: "gid://shopify/Customer/7410000000109",
  michael: "gid://shopify/Customer/8520000000201",
  olivia: "gid://shopify/Customer/8520000000202",
  camilleUs: "gid://shopify/Customer/8520000000203",
} as const;

function demoShop(): SeedShop {
  const customers: SeedCustomer[] = [
    customer(7410000000101, {
      firstName: "Camille",
      lastName: "Dubois",
      email: "camille.dubois@example.fr",
      phone: "+33612345678",
      locale: "fr",
      createdAt: "2025-11-03T10:12:00Z",
      defaultAddress: addr({
        firstName: "Camille",
        lastName: "Dubois",
        address1: "12 rue Oberkampf",
        address2: "Bâtiment B, 3e étage",
        city: "Paris",
        zip: "75011",
        country: "France",
        countryCodeV2: "FR",
        phone: "+33612345678",
      }),
    }),
    customer(7410000000102, {
      firstName: "Théo",
      lastName: "Lefèvre",
      email: "theo.lefevre@example.fr",
      phone: "+33478123456",
      locale: "fr",
      createdAt: "2025-11-15T08:30:00Z",
      tags: ["B2B"],
      defaultAddress: addr({
        firstName: "Théo",
        lastName: "Lefèvre",
        company: "Café Lumière SARL",
        address1: "8 place des Terreaux",
        city: "Lyon",
        zip: "69001",
        country: "France",
        countryCodeV2: "FR",
        phone: "+33478123456",
      }),
    }),
    customer(7410000000103, {
      firstName: "Élodie",
      lastName: "Martin-Roux",
      email: "elodie.martinroux@example.fr",
      phone: null,
      locale: "fr",
      createdAt: "2025-12-01T17:45:00Z",
      defaultAddress: addr({
        firstName: "Élodie",
        lastName: "Martin-Roux",
        address1: "27 cours de l'Intendance",
        city: "Bordeaux",
        zip: "33000",
        country: "France",
        countryCodeV2: "FR",
      }),
    }),
    customer(7410000000104, {
      firstName: "Jean-Baptiste",
      lastName: "Moreau",
      email: "jb.moreau@example.fr",
      phone: "+33240112233",
      locale: "fr",
      createdAt: "2025-12-04T09:00:00Z",
      tags: ["B2B"],
      defaultAddress: addr({
        firstName: "Jean-Baptiste",
        lastName: "Moreau",
        company: "Brasserie du Port",
        address1: "3 quai de la Fosse",
        city: "Nantes",
        zip: "44000",
        country: "France",
        countryCodeV2: "FR",
        phone: "+33240112233",
      }),
    }),
    customer(7410000000105, {
      firstName: "Sophie",
      lastName: "Garnier",
      email: "s.garnier@example.fr",
      phone: null,
      locale: "fr",
      createdAt: "2025-12-10T14:20:00Z",
      defaultAddress: addr({
        firstName: "Sophie",
        lastName: "Garnier",
        address1: "41 rue de la Monnaie",
        city: "Lille",
        zip: "59800",
        country: "France",
        countryCodeV2: "FR",
      }),
    }),
    customer(7410000000106, {
      firstName: "Lucas",
      lastName: "Bernard",
      email: null,
      phone: "+33788990011",
      locale: "fr",
      createdAt: "2025-12-18T11:05:00Z",
      note: "Client sans e-mail : contact par téléphone uniquement.",
      defaultAddress: addr({
        firstName: "Lucas",
        lastName: "Bernard",
        address1: "15 boulevard Longchamp",
        city: "Marseille",
        zip: "13001",
        country: "France",
        countryCodeV2: "FR",
        phone: "+33788990011",
      }),
    }),
    customer(7410000000107, {
      firstName: "Emily",
      lastName: "Carter",
      email: "emily.carter@example.com",
      phone: "+17185550142",
      locale: "en",
      createdAt: "2026-01-09T16:40:00Z",
      defaultAddress: addr({
        firstName: "Emily",
        lastName: "Carter",
        address1: "214 Bedford Avenue",
        address2: "Apt 3R",
        city: "Brooklyn",
        province: "New York",
        provinceCode: "NY",
        zip: "11249",
        country: "United States",
        countryCodeV2: "US",
        phone: "+17185550142",
      }),
    }),
    customer(7410000000108, {
      firstName: "Haruto",
      lastName: "Sato",
      email: "haruto.sato@example.jp",
      phone: null,
      locale: "ja",
      createdAt: "2026-01-20T02:10:00Z",
      defaultAddress: addr({
        firstName: "Haruto",
        lastName: "Sato",
        address1: "1-2-3 Jingumae",
        city: "Shibuya-ku",
        province: "Tokyo",
        provinceCode: "JP-13",
        zip: "150-0001",
        country: "Japan",
        countryCodeV2: "JP",
      }),
    }),
    customer(7410000000109, {
      firstName: "Nathalie",
      lastName: "Perrin",
      email: "nathalie.perrin@example.fr",
      phone: "+33388776655",
      locale: "fr",
      createdAt: "2026-01-25T13:00:00Z",
      defaultAddress: addr({
        firstName: "Nathalie",
        lastName: "Perrin",
        address1: "5 quai des Bateliers",
        city: "Strasbourg",
        zip: "67000",
        country: "France",
        countryCodeV2: "FR",
        phone: "+33388776655",
      }),
    }),
  ];

  const p = (legacy: number, title: string, handle: string, productType: string, taxClass: "standard" | "reduced"): SeedProduct => ({
    id: `gid://shopify/Product/${legacy}`,
    title,
    handle,
    vendor: "Atelier Ritournelle",
    productType,
    taxClass,
  });
  const products: SeedProduct[] = [
    p(9100000000001, "Location machine à espresso", "location-machine-espresso", "Location d'équipement", "standard"),
    p(9100000000002, "Contrat de maintenance", "contrat-maintenance", "Maintenance", "standard"),
    p(9100000000003, "Adhésion Club Ritournelle", "adhesion-club", "Adhésion", "standard"),
    p(9100000000004, "Abonnement café en grains", "abonnement-cafe", "Abonnement café", "reduced"),
    p(9100000000005, "Détartrant écologique", "detartrant-ecologique", "Consommable", "standard"),
    p(9100000000006, "Ancienne formule café", "ancienne-formule-cafe", "Abonnement café", "reduced"),
  ];
  const v = (
    legacy: number,
    product: number,
    title: string,
    sku: string,
    price: string,
    requiresShipping: boolean,
    deleted = false,
  ): SeedVariant => ({
    id: `gid://shopify/ProductVariant/${legacy}`,
    legacyResourceId: String(legacy),
    productId: `gid://shopify/Product/${product}`,
    title,
    sku,
    price,
    taxable: true,
    requiresShipping,
    deleted,
    createdAt: "2025-10-01T08:00:00Z",
    updatedAt: "2025-10-01T08:00:00Z",
  });
  const variants: SeedVariant[] = [
    v(45100000000011, 9100000000001, "Mensuel", "RENT-ESP-M", "49.00", true),
    v(45100000000012, 9100000000001, "Trimestriel", "RENT-ESP-Q", "135.00", true),
    v(45100000000021, 9100000000002, "Standard", "MAINT-STD", "29.90", false),
    v(45100000000022, 9100000000002, "Premium", "MAINT-PRM", "59.90", false),
    v(45100000000031, 9100000000003, "Annuelle", "MEMB-YEAR", "120.00", false),
    v(45100000000032, 9100000000003, "Mensuelle", "MEMB-MONTH", "12.00", false),
    v(45100000000041, 9100000000004, "1 kg", "COF-1KG", "24.00", true),
    v(45100000000042, 9100000000004, "2 kg", "COF-2KG", "44.00", true),
    v(45100000000051, 9100000000005, "Default Title", "DESC-ECO", "9.90", true),
    v(45100000000061, 9100000000006, "1 kg", "COF-OLD", "21.00", true, true),
  ];

  const spec: ShopSpec = {
    domain: DEMO_SHOP_DOMAIN,
    orderIdBase: 6201234560000,
    lineIdBase: 15432100000000,
    currency: "EUR",
    customers,
    products,
    variants,
  };
  const colissimo = { title: "Colissimo Domicile", code: "COLISSIMO_DOM", source: "shopify", price: 690 };
  const relay = { title: "Mondial Relay - Point Relais", code: "MONDIAL_RELAY", source: "shopify", price: 450 };
  const usdRate: Rate = { num: 92, den: 100 }; // 1 USD = 0.92 EUR
  const jpyRate: Rate = { num: 62, den: 10000 }; // 1 JPY = 0.0062 EUR

  const specs: OrderSpec[] = [
    {
      number: 1001,
      createdAt: "2026-01-05T09:15:00Z",
      customer: C.camille,
      regime: "FR",
      lines: [
        { sku: "RENT-ESP-M", quantity: 1 },
        { sku: "MAINT-STD", quantity: 1 },
      ],
      shipping: colissimo,
      status: "PAID",
      fulfillment: "FULFILLED",
      peculiarities: ["rental + maintenance plan", "VAT-inclusive 20 %", "taxed shipping"],
    },
    {
      number: 1002,
      createdAt: "2026-01-07T10:02:00Z",
      customer: C.theo,
      regime: "FR",
      lines: [
        {
          sku: "MEMB-YEAR",
          quantity: 2,
          lineDiscount: { kind: "manual", title: "Remise fidélité", amount: 2000 },
        },
      ],
      status: "PAID",
      tags: ["B2B"],
      peculiarities: ["membership ×2", "manual line-level discount (EXPLICIT/EACH) of 20.00", "no shipping line"],
    },
    {
      number: 1003,
      createdAt: "2026-01-08T18:40:00Z",
      customer: C.elodie,
      regime: "FR",
      lines: [{ sku: "COF-1KG", quantity: 2 }],
      shipping: relay,
      codeDiscount: { code: "BIENVENUE10", percent: 10 },
      status: "PAID",
      peculiarities: ["coffee subscription at 5.5 % reduced VAT", "discount code BIENVENUE10 (10 % ACROSS)", "shipping taxed at 20 %"],
    },
    {
      number: 1004,
      createdAt: "2026-01-12T08:05:00Z",
      customer: C.jb,
      regime: "FR",
      lines: [
        { sku: "RENT-ESP-Q", quantity: 1 },
        { sku: "MAINT-PRM", quantity: 1 },
        { sku: "DESC-ECO", quantity: 3 },
      ],
      shipping: { title: "Livraison express", code: "EXPRESS", source: "shopify", price: 1200 },
      status: "PAID",
      tags: ["B2B"],
      peculiarities: ["three lines", "quantity 3 on a consumable", "company billing address"],
    },
    {
      number: 1005,
      createdAt: "2026-01-14T12:30:00Z",
      customer: C.sophie,
      regime: "FR",
      lines: [
        { sku: "COF-2KG", quantity: 1 },
        { sku: "MEMB-MONTH", quantity: 1 },
      ],
      shipping: { title: "Colissimo Point Retrait", code: "COLISSIMO_PR", source: "shopify", price: 0 },
      status: "PAID",
      peculiarities: ["mixed VAT rates (5.5 % and 20 %) on one order", "free shipping line (0.0)"],
    },
    {
      number: 1006,
      createdAt: "2026-01-16T15:10:00Z",
      customer: C.lucas,
      regime: "FR",
      lines: [{ sku: "MAINT-STD", quantity: 1 }],
      status: "PENDING",
      peculiarities: ["customer without email: order.email and customer.defaultEmailAddress are null", "payment PENDING (bank transfer)"],
    },
    {
      number: 1007,
      createdAt: "2026-01-19T21:00:00Z",
      customer: C.emily,
      regime: "EXPORT",
      presentment: { currency: "USD", rate: usdRate },
      lines: [
        { sku: "RENT-ESP-M", quantity: 1, unitPrice: 5400 },
        { sku: "COF-1KG", quantity: 1, unitPrice: 2700 },
      ],
      shipping: { title: "International Priority", code: "INTL_PRIORITY", source: "shopify", price: 3500 },
      status: "PAID",
      peculiarities: ["presentment USD ≠ shop EUR (1 USD = 0.92 EUR)", "export: no tax lines", "US customer, locale en"],
    },
    {
      number: 1008,
      createdAt: "2026-01-22T01:45:00Z",
      customer: C.haruto,
      regime: "EXPORT",
      presentment: { currency: "JPY", rate: jpyRate },
      lines: [
        { sku: "MEMB-YEAR", quantity: 1, unitPrice: 19800 },
        { sku: "COF-2KG", quantity: 1, unitPrice: 7200 },
      ],
      shipping: { title: "EMS", code: "EMS", source: "shopify", price: 4500 },
      status: "PAID",
      peculiarities: ["presentment JPY (zero-decimal, amounts like \"19800.0\")", "export: no tax lines", "locale ja"],
    },
    {
      number: 1009,
      createdAt: "2026-01-26T09:30:00Z",
      customer: C.nathalie,
      regime: "FR",
      lines: [
        { sku: "MEMB-YEAR", quantity: 1 },
        { sku: "MAINT-STD", quantity: 1 },
      ],
      codeDiscount: { code: "CLUB20", amount: 2000 },
      status: "PAID",
      peculiarities: ["fixed-amount code CLUB20 (20.00) allocated proportionally across two lines"],
    },
    {
      number: 1010,
      createdAt: "2026-02-01T10:00:00Z",
      processedAt: "2025-12-20T16:00:00Z",
      customer: C.camille,
      regime: "FR",
      lines: [{ sku: "COF-OLD", quantity: 1 }],
      shipping: relay,
      status: "PAID",
      fulfillment: "FULFILLED",
      tags: ["import"],
      sourceName: "import",
      peculiarities: [
        "variant deleted since: lineItem.variant is null, productVariant(id:) is null",
        "imported: processedAt (2025-12-20) earlier than createdAt (2026-02-01)",
        "repeat customer (Camille Dubois)",
      ],
    },
    {
      number: 1011,
      createdAt: "2026-02-03T14:15:00Z",
      customer: C.theo,
      regime: "FR",
      lines: [
        { custom: { title: "Installation sur site", sku: "SERV-INSTALL" }, quantity: 1, unitPrice: 15000 },
        { sku: "RENT-ESP-M", quantity: 2 },
      ],
      shipping: colissimo,
      status: "PAID",
      tags: ["B2B"],
      peculiarities: ["custom line item without variant (variant null, product null)", "rental quantity 2"],
    },
    {
      number: 1012,
      createdAt: "2026-02-05T11:11:00Z",
      customer: C.elodie,
      regime: "FR",
      lines: [{ sku: "MAINT-PRM", quantity: 1 }],
      status: "AUTHORIZED",
      peculiarities: ["payment AUTHORIZED, not captured"],
    },
    {
      number: 1013,
      createdAt: "2026-02-09T08:45:00Z",
      customer: C.jb,
      regime: "FR",
      lines: [
        {
          sku: "MEMB-MONTH",
          quantity: 6,
          lineDiscount: { kind: "automatic", title: "Offre 6 mois -10 %", percent: 10 },
        },
      ],
      status: "PAID",
      peculiarities: ["automatic percentage discount (ENTITLED/EACH) on a quantity-6 line"],
    },
    {
      number: 1014,
      createdAt: "2026-02-12T16:20:00Z",
      customer: C.sophie,
      regime: "FR",
      lines: [
        { sku: "RENT-ESP-Q", quantity: 1 },
        { sku: "MAINT-STD", quantity: 1 },
      ],
      shipping: colissimo,
      status: "PAID",
      note: "Livrer après 14h, sonner à l'interphone « Garnier ».",
      peculiarities: ["order note with accents and French quotes"],
    },
    {
      number: 1015,
      createdAt: "2026-02-16T07:55:00Z",
      customer: C.nathalie,
      regime: "FR",
      lines: [{ sku: "COF-1KG", quantity: 3 }],
      shipping: relay,
      codeDiscount: { code: "CAFE15", percent: 15 },
      status: "PAID",
      peculiarities: ["code CAFE15 (15 %) on a quantity-3 line: per-unit after-discount price is rounded"],
    },
    {
      number: 1016,
      createdAt: "2026-02-20T10:30:00Z",
      customer: null,
      email: null,
      regime: "FR",
      lines: [{ sku: "DESC-ECO", quantity: 2 }],
      status: "PAID",
      fulfillment: "FULFILLED",
      sourceName: "pos",
      peculiarities: ["point-of-sale order without customer (customer null, email null, no billing address)"],
    },
    {
      number: 1017,
      createdAt: "2026-02-24T19:05:00Z",
      customer: C.emily,
      regime: "EXPORT",
      presentment: { currency: "USD", rate: usdRate },
      lines: [{ sku: "MEMB-MONTH", quantity: 1, unitPrice: 1300 }],
      status: "PAID",
      peculiarities: ["presentment USD, single membership line, no shipping"],
    },
    {
      number: 1018,
      createdAt: "2026-03-02T09:00:00Z",
      customer: C.camille,
      regime: "FR",
      lines: [
        { sku: "MAINT-PRM", quantity: 1 },
        { sku: "RENT-ESP-M", quantity: 1 },
      ],
      shipping: colissimo,
      codeDiscount: { code: "BIENVENUE10", percent: 10 },
      status: "PAID",
      test: true,
      peculiarities: ["test order (test: true)", "code discount across two lines"],
    },
    {
      number: 1019,
      createdAt: "2026-03-05T13:40:00Z",
      customer: C.theo,
      regime: "FR",
      lines: [
        {
          sku: "MEMB-YEAR",
          quantity: 5,
          lineDiscount: { kind: "manual", title: "Tarif équipe", amount: 5000 },
        },
      ],
      status: "PAID",
      tags: ["B2B", "Facture mensuelle"],
      peculiarities: ["bulk membership ×5 with manual discount 50.00 (10.00 per unit)"],
    },
    {
      number: 1020,
      createdAt: "2026-03-09T17:25:00Z",
      customer: C.elodie,
      regime: "FR",
      lines: [
        { sku: "COF-2KG", quantity: 1 },
        { sku: "DESC-ECO", quantity: 1 },
      ],
      shipping: relay,
      status: "PAID",
      peculiarities: ["most recent order"],
    },
  ];

  return {
    myshopifyDomain: DEMO_SHOP_DOMAIN,
    id: "gid://shopify/Shop/68100000001",
    name: "Atelier Ritournelle",
    email: "bonjour@atelier-ritournelle.example",
    contactEmail: "contact@atelier-ritournelle.example",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    primaryDomain: {
      id: "gid://shopify/Domain/97100000001",
      host: "atelier-ritournelle.example",
      url: "https://atelier-ritournelle.example",
    },
    shopAddress: {
      address1: "18 rue des Petites Écuries",
      address2: null,
      city: "Paris",
      province: null,
      provinceCode: null,
      zip: "75010",
      country: "France",
      countryCodeV2: "FR",
      company: "Atelier Ritournelle SAS",
      phone: "+33142000000",
    },
    accessToken: DEMO_ACCESS_TOKEN,
    scopes: SEEDED_SCOPES,
    staff: [
      { id: 118000001, firstName: "Marie", lastName: "Lambert", email: "marie.lambert@atelier-ritournelle.example", locale: "fr", accountOwner: true, collaborator: false },
      { id: 118000002, firstName: "Hugo", lastName: "Petit", email: "hugo.petit@atelier-ritournelle.example", locale: "fr", accountOwner: false, collaborator: false },
    ],
    customers,
    products,
    variants,
    orders: specs.map((s) => buildOrder(spec, s)),
  };
}

// ---------------------------------------------------------------------------
// The other shop (USD, America/New_York)
// ---------------------------------------------------------------------------

function otherShop(): SeedShop {
  const nyAddress = (firstName: string, lastName: string, address1: string, city: string, zip: string, phone: string | null) =>
    addr({
      firstName,
      lastName,
      address1,
      city,
      province: "New York",
      provinceCode: "NY",
      zip,
      country: "United States",
      countryCodeV2: "US",
      phone,
    });
  const customers: SeedCustomer[] = [
    customer(8520000000201, {
      firstName: "Michael",
      lastName: "Johnson",
      email: "m.johnson@example.com",
      phone: "+12125550187",
      locale: "en",
      createdAt: "2025-12-02T15:00:00Z",
      defaultAddress: nyAddress("Michael", "Johnson", "350 W 57th Street", "New York", "10019", "+12125550187"),
    }),
    customer(8520000000202, {
      firstName: "Olivia",
      lastName: "Brown",
      email: "olivia.brown@example.com",
      phone: null,
      locale: "en",
      createdAt: "2025-12-20T19:30:00Z",
      defaultAddress: nyAddress("Olivia", "Brown", "37-10 30th Avenue", "Astoria", "11103", null),
    }),
    customer(8520000000203, {
      firstName: "Camille",
      lastName: "Dubois",
      email: "camille.dubois@example.com",
      phone: null,
      locale: "en",
      createdAt: "2026-01-06T12:00:00Z",
      defaultAddress: nyAddress("Camille", "Dubois", "88 Greenwich Street", "New York", "10006", null),
    }),
  ];
  const products: SeedProduct[] = [
    { id: "gid://shopify/Product/9200000000001", title: "Espresso Machine Rental", handle: "espresso-machine-rental", vendor: "Brooklyn Brew Supply", productType: "Equipment rental", taxClass: "standard" },
    { id: "gid://shopify/Product/9200000000002", title: "Maintenance Plan", handle: "maintenance-plan", vendor: "Brooklyn Brew Supply", productType: "Maintenance", taxClass: "standard" },
    { id: "gid://shopify/Product/9200000000003", title: "Coffee Club Membership", handle: "coffee-club", vendor: "Brooklyn Brew Supply", productType: "Membership", taxClass: "standard" },
  ];
  const variant = (legacy: number, product: string, title: string, sku: string, price: string, requiresShipping: boolean): SeedVariant => ({
    id: `gid://shopify/ProductVariant/${legacy}`,
    legacyResourceId: String(legacy),
    productId: product,
    title,
    sku,
    price,
    taxable: true,
    requiresShipping,
    deleted: false,
    createdAt: "2025-11-01T14:00:00Z",
    updatedAt: "2025-11-01T14:00:00Z",
  });
  const variants: SeedVariant[] = [
    variant(46200000000011, "gid://shopify/Product/9200000000001", "Monthly", "BBS-RENT-M", "89.00", true),
    variant(46200000000021, "gid://shopify/Product/9200000000002", "Default Title", "BBS-MAINT", "35.00", false),
    variant(46200000000031, "gid://shopify/Product/9200000000003", "Default Title", "BBS-CLUB", "25.00", false),
  ];
  const spec: ShopSpec = {
    domain: OTHER_SHOP_DOMAIN,
    orderIdBase: 6309876540000,
    lineIdBase: 16543200000000,
    currency: "USD",
    customers,
    products,
    variants,
  };
  const specs: OrderSpec[] = [
    {
      number: 1001,
      createdAt: "2026-01-10T14:00:00Z",
      customer: C.michael,
      regime: "NY",
      lines: [
        { sku: "BBS-RENT-M", quantity: 1 },
        { sku: "BBS-MAINT", quantity: 1 },
      ],
      shipping: { title: "UPS Ground", code: "UPS_GROUND", source: "ups_shipping", price: 1500 },
      status: "PAID",
      peculiarities: ["same name #1001 as the demo shop (tenant isolation)", "NY sales tax 8.875 % itemised in three tax lines, tax-exclusive", "taxed shipping"],
    },
    {
      number: 1002,
      createdAt: "2026-01-18T20:10:00Z",
      customer: C.olivia,
      regime: "NY",
      lines: [{ sku: "BBS-CLUB", quantity: 2 }],
      codeDiscount: { code: "WELCOME5", amount: 500 },
      status: "PAID",
      peculiarities: ["fixed code WELCOME5 (5.00) before tax"],
    },
    {
      number: 1003,
      createdAt: "2026-02-02T16:45:00Z",
      customer: C.camilleUs,
      regime: "NY",
      lines: [{ sku: "BBS-RENT-M", quantity: 1 }],
      shipping: { title: "UPS Ground", code: "UPS_GROUND", source: "ups_shipping", price: 1500 },
      status: "PENDING",
      peculiarities: ["a different Camille Dubois than the demo shop's (tenant isolation for search)"],
    },
    {
      number: 1004,
      createdAt: "2026-02-21T13:20:00Z",
      customer: C.michael,
      regime: "NY",
      lines: [{ sku: "BBS-MAINT", quantity: 1 }],
      status: "PAID",
      peculiarities: ["single taxable service line"],
    },
  ];
  return {
    myshopifyDomain: OTHER_SHOP_DOMAIN,
    id: "gid://shopify/Shop/68100000002",
    name: "Brooklyn Brew Supply",
    email: "owner@brooklynbrew.example",
    contactEmail: "hello@brooklynbrew.example",
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    primaryDomain: {
      id: "gid://shopify/Domain/97100000002",
      host: OTHER_SHOP_DOMAIN,
      url: `https://${OTHER_SHOP_DOMAIN}`,
    },
    shopAddress: {
      address1: "120 Kent Avenue",
      address2: null,
      city: "Brooklyn",
      province: "New York",
      provinceCode: "NY",
      zip: "11249",
      country: "United States",
      countryCodeV2: "US",
      company: "Brooklyn Brew Supply LLC",
      phone: "+17185550100",
    },
    accessToken: OTHER_ACCESS_TOKEN,
    scopes: SEEDED_SCOPES,
    staff: [
      { id: 128000001, firstName: "Dana", lastName: "Whitfield", email: "dana@brooklynbrew.example", locale: "en", accountOwner: true, collaborator: false },
    ],
    customers,
    products,
    variants,
    orders: specs.map((s) => buildOrder(spec, s)),
  };
}

/** A fresh, deep, deterministic copy of the default seed (safe to mutate). */
export function createDefaultSeed(): Seed {
  return { shops: [demoShop(), otherShop()] };
}

/** The default seed, frozen in spirit: tests read it, the stand-in copies it. */
export const DEFAULT_SEED: Seed = createDefaultSeed();

/** Looks up a seeded shop; throws when absent (test helper). */
export function seedShop(seed: Seed, domain: string): SeedShop {
  const shop = seed.shops.find((s) => s.myshopifyDomain === domain);
  if (!shop) throw new Error(`no seeded shop ${domain}`);
  return shop;
}

/** Looks up a seeded order by shop and name ("#1001"); throws when absent. */
export function seedOrder(seed: Seed, domain: string, name: string): SeedOrder {
  const order = seedShop(seed, domain).orders.find((o) => o.name === name);
  if (!order) throw new Error(`no seeded order ${name} in ${domain}`);
  return order;
}
