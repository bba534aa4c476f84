// An order's amounts, derived once from what was ordered — the one place the
// stand-in applies Shopify's order arithmetic. Both ways an order comes into
// being use it: orderCreate (order-create.ts reads the mutation's input into
// an OrderDraft) and the seeded shops (seed-build.ts reads the seed's order
// data into one).
//
// Integer minor units, shop and presentment currency each computed on its own
// side with the same rules, every division rounded half away from zero:
//   original        = unit price × quantity
//   line discount   = a manual or automatic discount on that line: percentage of
//                     the original, or a fixed amount (each its own application)
//   code discount   = the order's discount code, after line discounts:
//                     percentage of each line's remainder; or a fixed amount
//                     spread over the lines in proportion to their remainders (the
//                     last line takes what rounding leaves); or free shipping
//   net             = original − line discount − code discount
//   tax             = per tax line: the amount given, else rate × net (tax added)
//                     or net × rate / (1 + rate) (taxes included), on each line,
//                     on the order's subtotal (order-level tax lines) and on each
//                     shipping line after its discount
//   subtotal        = Σ net;  total = subtotal + Σ discounted shipping + tax unless included
//   order tax lines = the tax lines summed per (title, rate), in order of appearance
// Discount allocations list only non-zero amounts.

import { formatShopifyDecimal, roundDiv, taxExclusive, taxInclusive, type Rate } from "./money";
import type { MoneyBag, SeedDiscountAllocation, SeedDiscountApplication, SeedLineItem, SeedOrder, SeedProduct, SeedShippingLine, SeedTaxLine, SeedVariant } from "./seed";

/** A pair of amounts in minor units: shop currency and presentment currency. */
export interface Pair {
  shop: number;
  pres: number;
}

export const ZERO: Pair = { shop: 0, pres: 0 };
export const add = (a: Pair, b: Pair): Pair => ({ shop: a.shop + b.shop, pres: a.pres + b.pres });
export const sub = (a: Pair, b: Pair): Pair => ({ shop: a.shop - b.shop, pres: a.pres - b.pres });
export const mul = (a: Pair, k: number): Pair => ({ shop: a.shop * k, pres: a.pres * k });

export interface TaxLineDraft {
  title: string;
  /** The rate as a number (0.2 for 20 %). */
  rate: number;
  /** The rate as written ("0.2"): with the title, what groups tax lines on the order. */
  rateDecimal: string;
  /** The tax amount when it was given rather than computed. */
  priceSet?: Pair;
  channelLiable: boolean;
  /** Who computed the tax ("Shopify" at checkout; null when the caller supplied the lines). */
  source: string | null;
}

/** A tax line from its written rate (`"0.055"`); an unreadable rate counts as 0 (orderCreate reports it). */
export function taxLineDraft(title: string, rateDecimal: string, extra: Partial<Pick<TaxLineDraft, "priceSet" | "channelLiable" | "source">> = {}): TaxLineDraft {
  const draft: TaxLineDraft = {
    title,
    rate: Number(rateDecimal) || 0,
    rateDecimal,
    channelLiable: extra.channelLiable ?? false,
    source: extra.source ?? null,
  };
  if (extra.priceSet) draft.priceSet = extra.priceSet;
  return draft;
}

/** A discount on one line (orderCreate's input has none; checkout, POS and draft orders do). */
export interface LineDiscountDraft {
  kind: "manual" | "automatic";
  title: string;
  value: { percentage: number } | { amount: Pair };
}

export interface LineDraft {
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  variantId: string | null;
  productId: string | null;
  quantity: number;
  unit: Pair;
  requiresShipping: boolean;
  taxable: boolean;
  taxLines: TaxLineDraft[];
  discount?: LineDiscountDraft;
  customAttributes: { key: string; value: string }[];
}

/** What a line takes from its variant and product unless the order says otherwise. */
export function variantLine(
  variant: SeedVariant,
  product: SeedProduct | undefined,
): Pick<LineDraft, "title" | "variantTitle" | "sku" | "vendor" | "variantId" | "productId" | "requiresShipping" | "taxable"> {
  return {
    title: product?.title ?? variant.title,
    variantTitle: variant.title === "Default Title" ? null : variant.title,
    sku: variant.sku,
    vendor: product?.vendor ?? null,
    variantId: variant.id,
    productId: variant.productId,
    requiresShipping: variant.requiresShipping,
    taxable: variant.taxable,
  };
}

export interface ShippingLineDraft {
  title: string;
  code: string | null;
  source: string | null;
  price: Pair;
  taxLines: TaxLineDraft[];
}

export type DiscountCodeDraft =
  | { type: "fixed"; code: string; amount: Pair }
  | { type: "percentage"; code: string; percentage: number }
  | { type: "freeShipping"; code: string };

export interface OrderDraft {
  shopCurrency: string;
  presentmentCurrency: string;
  taxesIncluded: boolean;
  lines: LineDraft[];
  shippingLines: ShippingLineDraft[];
  /** Tax lines on the order rather than on its lines (computed on the subtotal). */
  taxLines: TaxLineDraft[];
  discountCode?: DiscountCodeDraft;
}

/** Ids for the records the derivation creates, asked for in order (line 0, 1, …). */
export interface OrderIds {
  lineItem(index: number): string;
  shippingLine(index: number): string;
}

export type OrderAmounts = Pick<
  SeedOrder,
  | "lineItems"
  | "shippingLines"
  | "discountApplications"
  | "discountCodes"
  | "subtotalPriceSet"
  | "totalPriceSet"
  | "totalTaxSet"
  | "totalShippingPriceSet"
  | "totalDiscountsSet"
  | "taxLines"
>;

/** `percentage` % of an amount (percentages with up to three decimals are exact). */
function percentOf(amount: Pair, percentage: number): Pair {
  const rate: Rate = { num: Math.round(percentage * 1000), den: 100000 };
  return { shop: roundDiv(amount.shop * rate.num, rate.den), pres: roundDiv(amount.pres * rate.num, rate.den) };
}

/** Splits `amount` over `bases` in proportion, side by side; the last share takes the rounding remainder. */
function spread(amount: Pair, bases: Pair[]): Pair[] {
  const total = bases.reduce(add, ZERO);
  let given = ZERO;
  return bases.map((b, i) => {
    const share =
      i === bases.length - 1
        ? sub(amount, given)
        : { shop: total.shop ? roundDiv(amount.shop * b.shop, total.shop) : 0, pres: total.pres ? roundDiv(amount.pres * b.pres, total.pres) : 0 };
    given = add(given, share);
    return share;
  });
}

export function deriveAmounts(draft: OrderDraft, ids: OrderIds): OrderAmounts {
  const { shopCurrency, presentmentCurrency: presCurrency, taxesIncluded } = draft;
  const bag = (p: Pair): MoneyBag => ({
    shopMoney: { amount: formatShopifyDecimal(p.shop, shopCurrency), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatShopifyDecimal(p.pres, presCurrency), currencyCode: presCurrency },
  });
  const moneyValue = (p: Pair): SeedDiscountApplication["value"] => ({
    __typename: "MoneyV2",
    amount: formatShopifyDecimal(p.pres, presCurrency),
    currencyCode: presCurrency,
  });
  const applications: SeedDiscountApplication[] = [];

  // 1. Line discounts, each its own application, in line order.
  const lines = draft.lines.map((line) => {
    const original = mul(line.unit, line.quantity);
    let lineDiscount = ZERO;
    let lineApplication: number | null = null;
    if (line.discount) {
      const { kind, title, value } = line.discount;
      lineDiscount = "percentage" in value ? percentOf(original, value.percentage) : value.amount;
      lineApplication = applications.length;
      applications.push({
        __typename: kind === "manual" ? "ManualDiscountApplication" : "AutomaticDiscountApplication",
        index: lineApplication,
        code: null,
        title,
        description: kind === "manual" ? title : null,
        allocationMethod: "EACH",
        targetSelection: kind === "manual" ? "EXPLICIT" : "ENTITLED",
        targetType: "LINE_ITEM",
        value: "percentage" in value ? { __typename: "PricingPercentageValue", percentage: value.percentage } : moneyValue(value.amount),
      });
    }
    return { line, original, lineDiscount, lineApplication, codeDiscount: ZERO };
  });
  const ships = draft.shippingLines.map((shipping) => ({ shipping, discount: ZERO }));

  // 2. The discount code, on what line discounts left.
  const code = draft.discountCode;
  let codeApplication: SeedDiscountApplication | undefined;
  if (code) {
    const bases = lines.map((l) => sub(l.original, l.lineDiscount));
    let value: SeedDiscountApplication["value"];
    if (code.type === "fixed") {
      const shares = spread(code.amount, bases);
      lines.forEach((l, i) => (l.codeDiscount = shares[i] ?? ZERO));
      value = moneyValue(code.amount);
    } else if (code.type === "percentage") {
      lines.forEach((l, i) => (l.codeDiscount = percentOf(bases[i] ?? ZERO, code.percentage)));
      value = { __typename: "PricingPercentageValue", percentage: code.percentage };
    } else {
      for (const s of ships) s.discount = s.shipping.price;
      value = { __typename: "PricingPercentageValue", percentage: 100 };
    }
    codeApplication = {
      __typename: "DiscountCodeApplication",
      index: applications.length,
      code: code.code,
      title: null,
      description: null,
      allocationMethod: "ACROSS",
      targetSelection: "ALL",
      targetType: code.type === "freeShipping" ? "SHIPPING_LINE" : "LINE_ITEM",
      value,
    };
    applications.push(codeApplication);
  }

  // 3. Taxes, lines, shipping, totals.
  const taxOf = (amount: Pair, t: TaxLineDraft): Pair => {
    if (t.priceSet) return t.priceSet;
    const rate: Rate = { num: Math.round(t.rate * 1_000_000), den: 1_000_000 };
    const f = (a: number) => (taxesIncluded ? taxInclusive(a, rate) : taxExclusive(a, rate));
    return { shop: f(amount.shop), pres: f(amount.pres) };
  };
  const toTaxLine = (t: TaxLineDraft, price: Pair): SeedTaxLine => ({
    title: t.title,
    rate: t.rate,
    ratePercentage: Math.round(t.rate * 100 * 1e6) / 1e6,
    priceSet: bag(price),
    channelLiable: t.channelLiable,
    source: t.source,
  });
  const allocations = (parts: [Pair, number | null | undefined][]): SeedDiscountAllocation[] =>
    parts
      .filter((part): part is [Pair, number] => part[1] !== null && part[1] !== undefined && (part[0].shop !== 0 || part[0].pres !== 0))
      .map(([amount, index]) => ({ allocatedAmountSet: bag(amount), discountApplicationIndex: index }));

  let subtotal = ZERO;
  let taxTotal = ZERO;
  let discountTotal = ZERO;
  const aggregated = new Map<string, { t: TaxLineDraft; price: Pair }>();
  const taxed = (amount: Pair, taxLines: TaxLineDraft[]): SeedTaxLine[] =>
    taxLines.map((t) => {
      const price = taxOf(amount, t);
      taxTotal = add(taxTotal, price);
      const key = `${t.title}|${t.rateDecimal}`;
      const sum = aggregated.get(key) ?? { t, price: ZERO };
      sum.price = add(sum.price, price);
      aggregated.set(key, sum);
      return toTaxLine(t, price);
    });

  const lineItems: SeedLineItem[] = lines.map((l, i) => {
    const { line, original, lineDiscount, codeDiscount } = l;
    const discount = add(lineDiscount, codeDiscount);
    const net = sub(original, discount);
    const taxLines = taxed(net, line.taxLines);
    subtotal = add(subtotal, net);
    discountTotal = add(discountTotal, discount);
    const perUnit = (p: Pair): Pair => ({ shop: roundDiv(p.shop, line.quantity), pres: roundDiv(p.pres, line.quantity) });
    return {
      id: ids.lineItem(i),
      title: line.title,
      name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
      variantTitle: line.variantTitle,
      sku: line.sku,
      vendor: line.vendor,
      quantity: line.quantity,
      variantId: line.variantId,
      productId: line.productId,
      requiresShipping: line.requiresShipping,
      taxable: line.taxable,
      originalUnitPriceSet: bag(line.unit),
      originalTotalSet: bag(original),
      discountedUnitPriceSet: bag(sub(line.unit, perUnit(lineDiscount))),
      discountedUnitPriceAfterAllDiscountsSet: bag(sub(line.unit, perUnit(discount))),
      discountedTotalSet: bag(sub(original, lineDiscount)),
      discountedTotalWithCodeDiscountsSet: bag(net),
      totalDiscountSet: bag(discount),
      taxLines,
      discountAllocations: allocations([
        [lineDiscount, l.lineApplication],
        [codeDiscount, codeApplication?.index],
      ]),
      customAttributes: line.customAttributes,
    };
  });

  // Order-level tax lines count in the totals and in Order.taxLines only.
  taxed(subtotal, draft.taxLines);

  let shippingTotal = ZERO;
  let shippingDiscounted = ZERO;
  const shippingLines: SeedShippingLine[] = ships.map(({ shipping, discount }, i) => {
    const discounted = sub(shipping.price, discount);
    const taxLines = taxed(discounted, shipping.taxLines);
    shippingTotal = add(shippingTotal, shipping.price);
    shippingDiscounted = add(shippingDiscounted, discounted);
    discountTotal = add(discountTotal, discount);
    return {
      id: ids.shippingLine(i),
      title: shipping.title,
      code: shipping.code,
      source: shipping.source,
      originalPriceSet: bag(shipping.price),
      discountedPriceSet: bag(discounted),
      taxLines,
      discountAllocations: allocations([[discount, codeApplication?.index]]),
    };
  });
  const total = add(add(subtotal, shippingDiscounted), taxesIncluded ? ZERO : taxTotal);

  return {
    lineItems,
    shippingLines,
    discountApplications: applications,
    discountCodes: codeApplication?.code ? [codeApplication.code] : [],
    subtotalPriceSet: bag(subtotal),
    totalPriceSet: bag(total),
    totalTaxSet: bag(taxTotal),
    totalShippingPriceSet: bag(shippingTotal),
    totalDiscountsSet: bag(discountTotal),
    taxLines: [...aggregated.values()].map((a) => toTaxLine(a.t, a.price)),
  };
}
