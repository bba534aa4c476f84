// orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput)
//
// Reads and checks the mutation's input, then builds the order with
// order-build.ts (the same derivation of amounts the seeded orders go
// through), or returns userErrors. Codes and field paths follow live captures
// (API 2025-01) where we have them:
//   - no line items               field ["order","lineItems"], "Line items must have at least one line item"
//   - customer and customerId     field ["order"], REDUNDANT_CUSTOMER_FIELDS
//   - tax line without rate       field [...,"taxLines","0","rate"], TAX_LINE_RATE_MISSING
//   - processedAt in the future   field ["order","processedAt"], PROCESSED_AT_INVALID
// Other messages (unknown variant, quantity < 1, unknown customer, currency
// mismatch) are the stand-in's wording with code INVALID.

import { parseDecimalToMinor } from "./money";
import {
  ZERO,
  deriveAmounts,
  taxLineDraft,
  variantLine,
  type DiscountCodeDraft,
  type LineDraft,
  type Pair,
  type ShippingLineDraft,
  type TaxLineDraft,
} from "./order-build";
import type { FinancialStatus, SeedAddress, SeedCustomer, SeedOrder } from "./seed";
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

export function addressFromInput(input: Input | undefined): SeedAddress | null {
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

/**
 * Creates the order in the shop's state (its orders, the created-orders log,
 * id and number counters, an upserted customer), or returns userErrors and
 * changes nothing.
 */
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

  // Tax lines (on a line, a shipping line or the order).
  const taxLinesOf = (value: unknown, path: (string | number)[]): TaxLineDraft[] =>
    arr(value).map((raw, i) => {
      const t = obj(raw) ?? {};
      const rateStr = str(t.rate) ?? (typeof t.rate === "number" ? String(t.rate) : "");
      if (rateStr.trim() === "" || Number.isNaN(Number(rateStr))) {
        err([...path, i, "rate"], "Tax line rate is missing.", "TAX_LINE_RATE_MISSING");
      }
      const priceSet = t.priceSet ? money(t.priceSet, [...path, i, "priceSet"]) : undefined;
      return taxLineDraft(str(t.title) ?? "", rateStr, { channelLiable: t.channelLiable === true, ...(priceSet ? { priceSet } : {}) });
    });

  // Line items.
  const lineInputs = arr(input.lineItems);
  if (lineInputs.length === 0) err(["order", "lineItems"], "Line items must have at least one line item", null);
  const lines: LineDraft[] = [];
  lineInputs.forEach((raw, i) => {
    const li = obj(raw) ?? {};
    const path = ["order", "lineItems", i];
    const quantity = typeof li.quantity === "number" ? li.quantity : 0;
    if (quantity < 1) err([...path, "quantity"], "Quantity must be greater than or equal to 1.");
    const variantId = str(li.variantId);
    let unit: Pair | undefined = li.priceSet ? money(li.priceSet, [...path, "priceSet"]) : undefined;
    let line: Omit<LineDraft, "quantity" | "unit" | "taxLines" | "customAttributes">;
    if (variantId) {
      const variant = shop.variants.find((v) => v.id === variantId && !v.deleted);
      if (!variant) {
        err([...path, "variantId"], "Variant does not exist.");
        return;
      }
      const fromVariant = variantLine(variant, shop.products.find((p) => p.id === variant.productId));
      line = {
        ...fromVariant,
        title: str(li.title) ?? fromVariant.title,
        variantTitle: str(li.variantTitle) ?? fromVariant.variantTitle,
        sku: str(li.sku) ?? fromVariant.sku,
        vendor: str(li.vendor) ?? fromVariant.vendor,
        requiresShipping: typeof li.requiresShipping === "boolean" ? li.requiresShipping : fromVariant.requiresShipping,
        taxable: typeof li.taxable === "boolean" ? li.taxable : fromVariant.taxable,
      };
      if (!unit && !li.priceSet) {
        const price = parseDecimalToMinor(variant.price, shopCurrency) ?? 0;
        if (presCurrency !== shopCurrency) err([...path, "priceSet"], "A price set is required when the presentment currency differs from the shop currency.");
        unit = { shop: price, pres: price };
      }
    } else {
      const title = str(li.title) ?? "";
      if (title.trim() === "") err([...path, "title"], "Title can't be blank.");
      if (!li.priceSet) err([...path, "priceSet"], "Price set is required for a custom line item.");
      line = {
        title,
        variantTitle: str(li.variantTitle) ?? null,
        sku: str(li.sku) ?? null,
        vendor: str(li.vendor) ?? null,
        variantId: null,
        productId: null,
        requiresShipping: li.requiresShipping === true,
        taxable: li.taxable !== false,
      };
    }
    lines.push({
      ...line,
      quantity,
      unit: unit ?? ZERO,
      taxLines: taxLinesOf(li.taxLines, [...path, "taxLines"]),
      customAttributes: arr(li.properties).map((p) => ({ key: str(obj(p)?.name) ?? "", value: str(obj(p)?.value) ?? "" })),
    });
  });

  const orderTaxes = taxLinesOf(input.taxLines, ["order", "taxLines"]);
  if (orderTaxes.length > 0 && lines.some((l) => l.taxLines.length > 0)) {
    err(["order", "taxLines"], "Tax lines can be specified on the order or on line items, but not both.");
  }

  // Shipping lines.
  const shippingLines: ShippingLineDraft[] = arr(input.shippingLines).map((raw, i) => {
    const s = obj(raw) ?? {};
    const path = ["order", "shippingLines", i];
    return {
      title: str(s.title) ?? "",
      code: str(s.code) ?? null,
      source: str(s.source) ?? null,
      price: money(s.priceSet, [...path, "priceSet"]) ?? ZERO,
      taxLines: taxLinesOf(s.taxLines, [...path, "taxLines"]),
    };
  });

  // Discount code.
  const discountInput = obj(input.discountCode);
  let discountCode: DiscountCodeDraft | undefined;
  if (discountInput) {
    const fixed = obj(discountInput.itemFixedDiscountCode);
    const percent = obj(discountInput.itemPercentageDiscountCode);
    const freeShipping = obj(discountInput.freeShippingDiscountCode);
    if (fixed) {
      const amount = money(fixed.amountSet, ["order", "discountCode", "itemFixedDiscountCode", "amountSet"]) ?? ZERO;
      discountCode = { type: "fixed", code: str(fixed.code) ?? "", amount };
    } else if (percent) {
      const percentage = typeof percent.percentage === "number" ? percent.percentage : 0;
      discountCode = { type: "percentage", code: str(percent.code) ?? "", percentage };
    } else if (freeShipping) {
      discountCode = { type: "freeShipping", code: str(freeShipping.code) ?? "" };
    }
  }

  if (errors.length > 0) return { order: null, userErrors: errors };

  // Amounts (order-build.ts), ids from the shop's counters.
  const orderLegacy = state.nextOrderLegacyId;
  const amounts = deriveAmounts(
    { shopCurrency, presentmentCurrency: presCurrency, taxesIncluded, lines, shippingLines, taxLines: orderTaxes, ...(discountCode ? { discountCode } : {}) },
    {
      lineItem: () => `gid://shopify/LineItem/${state.nextLineLegacyId++}`,
      shippingLine: (i) => `gid://shopify/ShippingLine/${orderLegacy * 10 + i}`,
    },
  );

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
    ...amounts,
    peculiarities: ["created through orderCreate"],
  };
  shop.orders.push(order);
  state.created.push({ order, input: orderInput, options: options ?? null, createdAt: iso });
  return { order, userErrors: [] };
}
