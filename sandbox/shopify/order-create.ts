// orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput)
//
// Builds an order from the input the way Shopify derives its amounts (see
// seed.ts for the same rules), or returns userErrors. Codes and field paths
// follow live captures (API 2025-01) where we have them:
//   - no line items               field ["order","lineItems"], "Line items must have at least one line item"
//   - customer and customerId     field ["order"], REDUNDANT_CUSTOMER_FIELDS
//   - tax line without rate       field [...,"taxLines","0","rate"], TAX_LINE_RATE_MISSING
//   - processedAt in the future   field ["order","processedAt"], PROCESSED_AT_INVALID
// Other messages (unknown variant, quantity < 1, unknown customer, currency
// mismatch) are the stand-in's wording with code INVALID.

import { formatShopifyDecimal, parseDecimalToMinor, roundDiv, type Rate } from "./money";
import type {
  FinancialStatus,
  MoneyBag,
  SeedAddress,
  SeedCustomer,
  SeedDiscountAllocation,
  SeedDiscountApplication,
  SeedLineItem,
  SeedOrder,
  SeedShippingLine,
  SeedTaxLine,
} from "./seed";
import type { ShopState } from "./state";

export interface OrderCreateUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export type OrderCreateResult = { order: SeedOrder; userErrors: [] } | { order: null; userErrors: OrderCreateUserError[] };

type Input = Record<string, unknown>;

function obj(value: unknown): Input | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Input) : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A pair of amounts in minor units: shop currency and presentment currency. */
interface Pair {
  shop: number;
  pres: number;
}

const ZERO: Pair = { shop: 0, pres: 0 };
const add = (a: Pair, b: Pair): Pair => ({ shop: a.shop + b.shop, pres: a.pres + b.pres });
const sub = (a: Pair, b: Pair): Pair => ({ shop: a.shop - b.shop, pres: a.pres - b.pres });
const mul = (a: Pair, k: number): Pair => ({ shop: a.shop * k, pres: a.pres * k });

const COUNTRY_NAMES: Record<string, string> = {
  FR: "France",
  US: "United States",
  JP: "Japan",
  DE: "Germany",
  BE: "Belgium",
  CH: "Switzerland",
  GB: "United Kingdom",
  CA: "Canada",
  ES: "Spain",
  IT: "Italy",
};

function addressFromInput(input: Input | undefined): SeedAddress | null {
  if (!input) return null;
  const firstName = str(input.firstName) ?? null;
  const lastName = str(input.lastName) ?? null;
  const countryCode = str(input.countryCode) ?? null;
  return {
    firstName,
    lastName,
    name: [firstName, lastName].filter(Boolean).join(" ") || null,
    company: str(input.company) ?? null,
    address1: str(input.address1) ?? null,
    address2: str(input.address2) ?? null,
    city: str(input.city) ?? null,
    province: str(input.province) ?? null,
    provinceCode: str(input.provinceCode) ?? null,
    zip: str(input.zip) ?? null,
    country: (countryCode ? (COUNTRY_NAMES[countryCode] ?? countryCode) : str(input.country)) ?? null,
    countryCodeV2: countryCode,
    phone: str(input.phone) ?? null,
  };
}

export function orderCreate(state: ShopState, now: number, orderInput: unknown, options: unknown): OrderCreateResult {
  const errors: OrderCreateUserError[] = [];
  const err = (field: (string | number)[] | null, message: string, code: string | null = "INVALID") =>
    errors.push({ field: field ? field.map(String) : null, message, code });
  const input = obj(orderInput) ?? {};
  const shop = state.shop;
  const shopCurrency = shop.currencyCode;
  const presCurrency = str(input.presentmentCurrency) ?? str(input.currency) ?? shopCurrency;
  const taxesIncluded = input.taxesIncluded === true;

  // Customer.
  const customerInput = obj(input.customer);
  if (customerInput && input.customerId !== undefined && input.customerId !== null) {
    err(["order"], "Cannot specify both customer and customerId.", "REDUNDANT_CUSTOMER_FIELDS");
  }
  let customer: SeedCustomer | undefined;
  let customerToCreate: SeedCustomer | undefined;
  const associate = obj(customerInput?.toAssociate);
  const upsert = obj(customerInput?.toUpsert);
  const byId = (id: string | undefined) => (id ? shop.customers.find((c) => c.id === id) : undefined);
  const byEmail = (email: string | undefined) =>
    email ? shop.customers.find((c) => c.email !== null && c.email.toLowerCase() === email.toLowerCase()) : undefined;
  if (associate) {
    customer = byId(str(associate.id)) ?? byEmail(str(associate.email));
    if (!customer) err(["order", "customer", "toAssociate"], "Customer does not exist.");
  } else if (upsert) {
    customer = byId(str(upsert.id)) ?? byEmail(str(upsert.email));
    if (!customer && upsert.id) err(["order", "customer", "toUpsert", "id"], "Customer does not exist.");
    if (!customer && !upsert.id) {
      const legacy = state.nextCustomerLegacyId;
      const firstName = str(upsert.firstName) ?? null;
      const lastName = str(upsert.lastName) ?? null;
      const email = str(upsert.email) ?? null;
      const created = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
      customerToCreate = {
        id: `gid://shopify/Customer/${legacy}`,
        legacyResourceId: String(legacy),
        firstName,
        lastName,
        displayName: [firstName, lastName].filter(Boolean).join(" ") || email || "Client",
        email,
        phone: str(upsert.phone) ?? null,
        locale: "fr",
        createdAt: created,
        updatedAt: created,
        state: "DISABLED",
        tags: arr(upsert.tags).filter((t): t is string => typeof t === "string"),
        taxExempt: upsert.taxExempt === true,
        verifiedEmail: false,
        note: str(upsert.note) ?? null,
        defaultAddress: addressFromInput(obj(arr(upsert.addresses)[0])),
      };
      customer = customerToCreate;
    }
  } else if (typeof input.customerId === "string") {
    customer = byId(input.customerId);
    if (!customer) err(["order", "customerId"], "Customer does not exist.");
  }

  // processedAt.
  const processedAtInput = str(input.processedAt);
  if (processedAtInput !== undefined) {
    const t = Date.parse(processedAtInput);
    if (Number.isNaN(t) || t > now) err(["order", "processedAt"], "Processed at must not be in the future.", "PROCESSED_AT_INVALID");
  }

  const money = (bagInput: unknown, path: (string | number)[]): Pair | undefined => {
    const b = obj(bagInput);
    const shopMoney = obj(b?.shopMoney);
    if (!b || !shopMoney) return undefined;
    const shopCode = str(shopMoney.currencyCode) ?? "";
    if (shopCode !== shopCurrency) {
      err([...path, "shopMoney", "currencyCode"], `Currency must be the shop currency (${shopCurrency}).`);
      return undefined;
    }
    const shopMinor = parseDecimalToMinor(str(shopMoney.amount) ?? "", shopCurrency);
    if (shopMinor === null) {
      err([...path, "shopMoney", "amount"], "Amount is invalid.");
      return undefined;
    }
    const presMoney = obj(b.presentmentMoney);
    if (!presMoney) {
      if (presCurrency !== shopCurrency) {
        err([...path, "presentmentMoney"], `Presentment money is required when the presentment currency (${presCurrency}) differs from the shop currency.`);
        return undefined;
      }
      return { shop: shopMinor, pres: shopMinor };
    }
    if (str(presMoney.currencyCode) !== presCurrency) {
      err([...path, "presentmentMoney", "currencyCode"], `Currency must be the presentment currency (${presCurrency}).`);
      return undefined;
    }
    const presMinor = parseDecimalToMinor(str(presMoney.amount) ?? "", presCurrency);
    if (presMinor === null) {
      err([...path, "presentmentMoney", "amount"], "Amount is invalid.");
      return undefined;
    }
    return { shop: shopMinor, pres: presMinor };
  };

  const bag = (p: Pair): MoneyBag => ({
    shopMoney: { amount: formatShopifyDecimal(p.shop, shopCurrency), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatShopifyDecimal(p.pres, presCurrency), currencyCode: presCurrency },
  });

  // Tax lines (on a line, a shipping line or the order).
  interface TaxWork {
    title: string;
    rate: number;
    rateDecimal: string;
    priceSet: Pair | undefined;
    channelLiable: boolean;
  }
  const taxLinesOf = (value: unknown, path: (string | number)[]): TaxWork[] =>
    arr(value).map((raw, i) => {
      const t = obj(raw) ?? {};
      const rateStr = str(t.rate) ?? (typeof t.rate === "number" ? String(t.rate) : "");
      if (rateStr.trim() === "" || Number.isNaN(Number(rateStr))) {
        err([...path, i, "rate"], "Tax line rate is missing.", "TAX_LINE_RATE_MISSING");
      }
      return {
        title: str(t.title) ?? "",
        rate: Number(rateStr) || 0,
        rateDecimal: rateStr,
        priceSet: t.priceSet ? money(t.priceSet, [...path, i, "priceSet"]) : undefined,
        channelLiable: t.channelLiable === true,
      };
    });

  // Line items.
  const lineInputs = arr(input.lineItems);
  if (lineInputs.length === 0) err(["order", "lineItems"], "Line items must have at least one line item", null);
  interface LineWork {
    input: Input;
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
    taxes: TaxWork[];
    discount: Pair;
  }
  const lines: LineWork[] = [];
  lineInputs.forEach((raw, i) => {
    const li = obj(raw) ?? {};
    const path = ["order", "lineItems", i];
    const quantity = typeof li.quantity === "number" ? li.quantity : 0;
    if (quantity < 1) err([...path, "quantity"], "Quantity must be greater than or equal to 1.");
    const variantId = str(li.variantId);
    let unit: Pair | undefined = li.priceSet ? money(li.priceSet, [...path, "priceSet"]) : undefined;
    let title = str(li.title) ?? "";
    let variantTitle = str(li.variantTitle) ?? null;
    let sku = str(li.sku) ?? null;
    let vendor = str(li.vendor) ?? null;
    let productId: string | null = null;
    let requiresShipping = li.requiresShipping === true;
    let taxable = li.taxable !== false;
    if (variantId) {
      const variant = shop.variants.find((v) => v.id === variantId && !v.deleted);
      if (!variant) {
        err([...path, "variantId"], "Variant does not exist.");
        return;
      }
      const product = shop.products.find((p) => p.id === variant.productId);
      title = str(li.title) ?? product?.title ?? variant.title;
      variantTitle = str(li.variantTitle) ?? (variant.title === "Default Title" ? null : variant.title);
      sku = str(li.sku) ?? variant.sku;
      vendor = str(li.vendor) ?? product?.vendor ?? null;
      productId = variant.productId;
      requiresShipping = typeof li.requiresShipping === "boolean" ? li.requiresShipping : variant.requiresShipping;
      taxable = typeof li.taxable === "boolean" ? li.taxable : variant.taxable;
      if (!unit && !li.priceSet) {
        const price = parseDecimalToMinor(variant.price, shopCurrency) ?? 0;
        if (presCurrency !== shopCurrency) err([...path, "priceSet"], "A price set is required when the presentment currency differs from the shop currency.");
        unit = { shop: price, pres: price };
      }
    } else {
      if (title.trim() === "") err([...path, "title"], "Title can't be blank.");
      if (!li.priceSet) err([...path, "priceSet"], "Price set is required for a custom line item.");
    }
    lines.push({
      input: li,
      title,
      variantTitle,
      sku,
      vendor,
      variantId: variantId ?? null,
      productId,
      quantity,
      unit: unit ?? ZERO,
      requiresShipping,
      taxable,
      taxes: taxLinesOf(li.taxLines, [...path, "taxLines"]),
      discount: ZERO,
    });
  });

  const orderTaxes = taxLinesOf(input.taxLines, ["order", "taxLines"]);
  if (orderTaxes.length > 0 && lines.some((l) => l.taxes.length > 0)) {
    err(["order", "taxLines"], "Tax lines can be specified on the order or on line items, but not both.");
  }

  // Shipping lines.
  interface ShipWork {
    title: string;
    code: string | null;
    source: string | null;
    price: Pair;
    taxes: TaxWork[];
    discount: Pair;
  }
  const ships: ShipWork[] = arr(input.shippingLines).map((raw, i) => {
    const s = obj(raw) ?? {};
    const path = ["order", "shippingLines", i];
    return {
      title: str(s.title) ?? "",
      code: str(s.code) ?? null,
      source: str(s.source) ?? null,
      price: money(s.priceSet, [...path, "priceSet"]) ?? ZERO,
      taxes: taxLinesOf(s.taxLines, [...path, "taxLines"]),
      discount: ZERO,
    };
  });

  // Discount code.
  const applications: SeedDiscountApplication[] = [];
  const discountInput = obj(input.discountCode);
  let codeApplication: SeedDiscountApplication | undefined;
  if (discountInput) {
    const fixed = obj(discountInput.itemFixedDiscountCode);
    const percent = obj(discountInput.itemPercentageDiscountCode);
    const freeShipping = obj(discountInput.freeShippingDiscountCode);
    const base = (value: SeedDiscountApplication["value"], code: string, targetType: "LINE_ITEM" | "SHIPPING_LINE"): SeedDiscountApplication => ({
      __typename: "DiscountCodeApplication",
      index: 0,
      code,
      title: null,
      description: null,
      allocationMethod: "ACROSS",
      targetSelection: "ALL",
      targetType,
      value,
    });
    if (fixed) {
      const amount = money(fixed.amountSet, ["order", "discountCode", "itemFixedDiscountCode", "amountSet"]) ?? ZERO;
      const bases = lines.map((l) => mul(l.unit, l.quantity));
      const total = bases.reduce(add, ZERO);
      let given = ZERO;
      lines.forEach((l, i) => {
        const b = bases[i] ?? ZERO;
        const share =
          i === lines.length - 1
            ? sub(amount, given)
            : { shop: total.shop ? roundDiv(amount.shop * b.shop, total.shop) : 0, pres: total.pres ? roundDiv(amount.pres * b.pres, total.pres) : 0 };
        l.discount = share;
        given = add(given, share);
      });
      codeApplication = base(
        { __typename: "MoneyV2", amount: formatShopifyDecimal(amount.pres, presCurrency), currencyCode: presCurrency },
        str(fixed.code) ?? "",
        "LINE_ITEM",
      );
    } else if (percent) {
      const pct = typeof percent.percentage === "number" ? percent.percentage : 0;
      const rate: Rate = { num: Math.round(pct * 1000), den: 100000 };
      for (const l of lines) {
        const b = mul(l.unit, l.quantity);
        l.discount = { shop: roundDiv(b.shop * rate.num, rate.den), pres: roundDiv(b.pres * rate.num, rate.den) };
      }
      codeApplication = base({ __typename: "PricingPercentageValue", percentage: pct }, str(percent.code) ?? "", "LINE_ITEM");
    } else if (freeShipping) {
      for (const s of ships) s.discount = s.price;
      codeApplication = base({ __typename: "PricingPercentageValue", percentage: 100 }, str(freeShipping.code) ?? "", "SHIPPING_LINE");
    }
    if (codeApplication) applications.push(codeApplication);
  }

  if (errors.length > 0) return { order: null, userErrors: errors };

  // Amounts.
  const taxOf = (amount: Pair, t: TaxWork): Pair => {
    if (t.priceSet) return t.priceSet;
    const rate: Rate = { num: Math.round(t.rate * 1_000_000), den: 1_000_000 };
    const f = (a: number) => (taxesIncluded ? roundDiv(a * rate.num, rate.den + rate.num) : roundDiv(a * rate.num, rate.den));
    return { shop: f(amount.shop), pres: f(amount.pres) };
  };
  const toTaxLine = (t: TaxWork, price: Pair): SeedTaxLine => ({
    title: t.title,
    rate: t.rate,
    ratePercentage: Math.round(t.rate * 100 * 1e6) / 1e6,
    priceSet: bag(price),
    channelLiable: t.channelLiable,
    source: null,
  });
  const allocation = (p: Pair): SeedDiscountAllocation[] =>
    codeApplication && (p.shop !== 0 || p.pres !== 0) ? [{ allocatedAmountSet: bag(p), discountApplicationIndex: 0 }] : [];

  let subtotal = ZERO;
  let taxTotal = ZERO;
  let discountTotal = ZERO;
  const aggregated = new Map<string, { t: TaxWork; price: Pair }>();
  const addAgg = (t: TaxWork, price: Pair) => {
    const key = `${t.title}|${t.rateDecimal}`;
    const cur = aggregated.get(key) ?? { t, price: ZERO };
    cur.price = add(cur.price, price);
    aggregated.set(key, cur);
  };
  const orderLegacy = state.nextOrderLegacyId;
  const lineItems: SeedLineItem[] = lines.map((l) => {
    const original = mul(l.unit, l.quantity);
    const net = sub(original, l.discount);
    const taxLines = l.taxes.map((t) => {
      const price = taxOf(net, t);
      taxTotal = add(taxTotal, price);
      addAgg(t, price);
      return toTaxLine(t, price);
    });
    subtotal = add(subtotal, net);
    discountTotal = add(discountTotal, l.discount);
    const id = state.nextLineLegacyId++;
    const perUnit = (p: Pair): Pair => ({ shop: roundDiv(p.shop, l.quantity), pres: roundDiv(p.pres, l.quantity) });
    return {
      id: `gid://shopify/LineItem/${id}`,
      title: l.title,
      name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title,
      variantTitle: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor,
      quantity: l.quantity,
      variantId: l.variantId,
      productId: l.productId,
      requiresShipping: l.requiresShipping,
      taxable: l.taxable,
      originalUnitPriceSet: bag(l.unit),
      originalTotalSet: bag(original),
      discountedUnitPriceSet: bag(l.unit),
      discountedUnitPriceAfterAllDiscountsSet: bag(sub(l.unit, perUnit(l.discount))),
      discountedTotalSet: bag(original),
      discountedTotalWithCodeDiscountsSet: bag(net),
      totalDiscountSet: bag(l.discount),
      taxLines,
      discountAllocations: allocation(l.discount),
      customAttributes: arr(l.input.properties).map((p) => ({ key: str(obj(p)?.name) ?? "", value: str(obj(p)?.value) ?? "" })),
    };
  });

  // Order-level tax lines (when given on the order rather than on lines).
  const orderTaxLines = orderTaxes.map((t) => {
    const price = taxOf(subtotal, t);
    taxTotal = add(taxTotal, price);
    addAgg(t, price);
    return toTaxLine(t, price);
  });
  void orderTaxLines;

  let shippingTotal = ZERO;
  let shippingDiscounted = ZERO;
  const shippingLines: SeedShippingLine[] = ships.map((s, i) => {
    const discounted = sub(s.price, s.discount);
    const taxLines = s.taxes.map((t) => {
      const price = taxOf(discounted, t);
      taxTotal = add(taxTotal, price);
      addAgg(t, price);
      return toTaxLine(t, price);
    });
    shippingTotal = add(shippingTotal, s.price);
    shippingDiscounted = add(shippingDiscounted, discounted);
    discountTotal = add(discountTotal, s.discount);
    return {
      id: `gid://shopify/ShippingLine/${orderLegacy * 10 + i}`,
      title: s.title,
      code: s.code,
      source: s.source,
      originalPriceSet: bag(s.price),
      discountedPriceSet: bag(discounted),
      taxLines,
      discountAllocations: allocation(s.discount),
    };
  });
  const total = add(add(subtotal, shippingDiscounted), taxesIncluded ? ZERO : taxTotal);

  // Financial status.
  const transactions = arr(input.transactions).map((t) => obj(t) ?? {});
  let financial: FinancialStatus | null = (str(input.financialStatus) as FinancialStatus | undefined) ?? null;
  if (!financial && transactions.length > 0) {
    const ok = transactions.filter((t) => (str(t.status) ?? "SUCCESS") === "SUCCESS");
    const kinds = new Set(ok.map((t) => str(t.kind) ?? "SALE"));
    if (kinds.has("SALE") || kinds.has("CAPTURE")) financial = "PAID";
    else if (kinds.has("AUTHORIZATION")) financial = "AUTHORIZED";
    else financial = "PENDING";
  }

  const iso = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
  if (customerToCreate) shop.customers.push(customerToCreate);
  const number = state.nextOrderNumber++;
  state.nextOrderLegacyId++;
  const email = str(input.email) ?? customer?.email ?? null;
  const order: SeedOrder = {
    id: `gid://shopify/Order/${orderLegacy}`,
    legacyResourceId: String(orderLegacy),
    name: str(input.name) ?? `#${number}`,
    number: number - 1000,
    createdAt: iso,
    processedAt: processedAtInput ? new Date(Date.parse(processedAtInput)).toISOString().replace(/\.\d{3}Z$/, "Z") : iso,
    updatedAt: iso,
    cancelledAt: null,
    closedAt: str(input.closedAt) ?? null,
    currencyCode: shopCurrency,
    presentmentCurrencyCode: presCurrency,
    taxesIncluded,
    taxExempt: false,
    test: input.test === true,
    displayFinancialStatus: financial,
    displayFulfillmentStatus: str(input.fulfillmentStatus) === "FULFILLED" ? "FULFILLED" : "UNFULFILLED",
    email,
    phone: str(input.phone) ?? null,
    customerId: customer?.id ?? null,
    customerLocale: customer?.locale ?? null,
    billingAddress: addressFromInput(obj(input.billingAddress)),
    shippingAddress: addressFromInput(obj(input.shippingAddress)),
    note: str(input.note) ?? null,
    tags: arr(input.tags)
      .filter((t): t is string => typeof t === "string")
      .map((t) => t.trim()),
    sourceName: str(input.sourceName) ?? null,
    poNumber: str(input.poNumber) ?? null,
    confirmationNumber: null,
    paymentGatewayNames: [...new Set(transactions.map((t) => str(t.gateway)).filter((g): g is string => !!g))],
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
    peculiarities: ["created through orderCreate"],
  };
  shop.orders.push(order);
  state.created.push({ order, input: orderInput, options: options ?? null, createdAt: iso });
  return { order, userErrors: [] };
}
