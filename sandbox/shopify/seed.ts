// Deterministic seed data for the Shopify Admin API stand-in: the record
// types the resolvers read, and the default seed.
//
// Two shops: `ritournelle-demo.myshopify.com` (EUR, Europe/Paris, French
// customers, tax-inclusive French VAT; seed-demo-shop.ts, orders in
// seed-demo-orders.ts) and `other-shop.myshopify.com` (USD, America/New_York,
// tax-exclusive New York sales tax; seed-other-shop.ts) for tenant-isolation
// tests. Both shops number their orders from #1001, on purpose: an order name
// alone never identifies an order across tenants.
//
// Orders are written as data (what was ordered) and built by seed-build.ts
// through order-build.ts — the derivation orderCreate uses — so an amount is
// derived in one place only. Integer minor units throughout: line totals,
// discounts, taxes and order totals add up exactly in both shop and
// presentment currencies; seed.test.ts asserts those identities.

import type { SeedCompany, SeedPurchasingCompany } from "./companies";
import { demoShop } from "./seed-demo-shop";
import { otherShop } from "./seed-other-shop";

export { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "./seed-demo-shop";
export { OTHER_ACCESS_TOKEN, OTHER_SHOP_DOMAIN } from "./seed-other-shop";

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
  /** B2B: the order was placed for a company location (companies.ts); absent or null: D2C. */
  purchasingCompany?: SeedPurchasingCompany | null;
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
  /** The app's plan the shop starts on (managed pricing): "pro" = an active Pro subscription, not a test one. Default "free". */
  plan?: "free" | "pro";
  customers: SeedCustomer[];
  products: SeedProduct[];
  variants: SeedVariant[];
  orders: SeedOrder[];
  /** B2B companies (companies.ts); absent: none. */
  companies?: SeedCompany[];
}

export interface Seed {
  shops: SeedShop[];
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
