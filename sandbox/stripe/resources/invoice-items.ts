// Invoice items: create (pending, or attached to a draft invoice), retrieve,
// update, delete, list — and the one derivation of an item from its
// parameters (pricing, tax rates, discounts), which `POST
// /v1/invoices/:id/add_lines` (./invoice-line-items.ts) uses for each of its
// lines. Pricing comes from `amount`, `unit_amount_decimal` or `price_data`
// (× quantity, rounded once); items on a finalized invoice only take
// metadata. Changes to an attached item emit the invoice's `invoice.updated` too.

import { invalidRequest, noSuch, paramError } from "../errors.js";
import { notEditable } from "../invoice-lifecycle.js";
import { renderInvoiceItem } from "../invoice-render.js";
import { invoiceLines } from "../invoice-totals.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { multiplyDecimals, normalizeDecimal, parseDecimal, roundHalfUp } from "../money.js";
import { validateParams, type Spec } from "../params.js";
import { newestFirst } from "../store.js";
import type { InvoiceItemRecord, InvoiceRecord } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { checkDiscounts, createDiscounts } from "./coupons.js";
import { getCustomer } from "./customers.js";
import { DISCOUNTS, METADATA, S, lower, mergeMetadata, newMetadata, nullIfEmpty } from "./fields.js";
import { getInvoice, withInvoiceUpdate } from "./invoices.js";
import { newProduct, type NewProduct } from "./products.js";
import { checkTaxRates } from "./tax-rates.js";

export const TAX_BEHAVIOR = { t: "string", enum: ["exclusive", "inclusive", "unspecified"] } as const;

/** Parameters an invoice item and an invoice line (add_lines) spell the same way. */
export const ITEM_FIELDS = {
  amount: { t: "int" },
  description: { t: "string", max: 500 },
  discountable: { t: "bool" },
  discounts: DISCOUNTS,
  metadata: METADATA,
  period: { t: "object", fields: { start: { t: "int", req: true }, end: { t: "int", req: true } } },
  pricing: { t: "object", fields: { price: S } },
  quantity: { t: "int", min: 0 },
  quantity_decimal: { t: "decimal", min: 0 },
  tax_rates: { t: "array", emptyable: true, of: S, max: 10 },
} as const satisfies Record<string, Spec>;

const INVOICE_ITEM_COMMON = {
  ...ITEM_FIELDS,
  price_data: {
    t: "object",
    fields: {
      currency: { t: "string", req: true },
      product: { t: "string", req: true },
      tax_behavior: TAX_BEHAVIOR,
      unit_amount: { t: "int" },
      unit_amount_decimal: { t: "decimal" },
    },
  },
  tax_behavior: TAX_BEHAVIOR,
  tax_code: S,
  unit_amount_decimal: { t: "decimal" },
} as const satisfies Record<string, Spec>;

/** The item parameters this file understands, whichever endpoint validated them. */
export interface ItemFields {
  amount?: number;
  description?: string;
  discountable?: boolean;
  discounts?: { coupon?: string; discount?: string }[] | null;
  metadata?: Record<string, string> | null;
  period?: { start: number; end: number };
  price_data?: {
    currency: string;
    product?: string;
    product_data?: NewProduct;
    unit_amount?: number;
    unit_amount_decimal?: string;
  };
  pricing?: { price?: string };
  quantity?: number;
  quantity_decimal?: string;
  tax_rates?: string[] | null;
  unit_amount_decimal?: string;
}

/**
 * How an endpoint names the item's parameters in errors: `amount` on
 * /v1/invoiceitems, `lines[3][amount]` on add_lines; `pricingGroup` lists the
 * mutually exclusive ways that endpoint takes a price.
 */
export interface ParamNames {
  at(name: string): string;
  pricingGroup: string;
}
const ITEM_PARAMS: ParamNames = { at: (name) => name, pricingGroup: "amount, price_data, pricing, unit_amount_decimal" };

export interface Pricing {
  amount: number;
  quantity: string;
  unitAmountDecimal: string;
  product: string | null;
  /** `price_data[product_data]`: the product to create when the item is committed. */
  productData: NewProduct | null;
  currency: string | null;
}

/** Work out amount / quantity / unit price from whichever pricing params were given (null: none, and nothing to keep). */
export function resolvePricing(ctx: ApiContext, p: ItemFields, existing: InvoiceItemRecord | null, names: ParamNames = ITEM_PARAMS): Pricing | null {
  const at = names.at;
  const sources = [p.amount !== undefined, p.unit_amount_decimal !== undefined, p.price_data !== undefined, p.pricing !== undefined].filter(Boolean).length;
  if (sources > 1) {
    throw paramError(`You may only specify one of these parameters: ${names.pricingGroup}.`, at("amount"), "parameters_exclusive");
  }
  if (p.quantity !== undefined && p.quantity_decimal !== undefined) {
    throw paramError("You may only specify one of these parameters: quantity, quantity_decimal.", at("quantity"), "parameters_exclusive");
  }
  const qtyGiven = p.quantity !== undefined ? String(p.quantity) : p.quantity_decimal !== undefined ? normalizeDecimal(p.quantity_decimal) : undefined;
  if (p.pricing !== undefined) {
    throw noSuch("price", p.pricing.price ?? "", at("pricing[price]"));
  }
  if (p.amount !== undefined) {
    if (qtyGiven !== undefined && qtyGiven !== "1") {
      throw paramError("When `amount` is given, `quantity` must be 1 (pass a unit price and `quantity` instead).", at("quantity"));
    }
    return { amount: p.amount, quantity: "1", unitAmountDecimal: String(p.amount), product: null, productData: null, currency: null };
  }
  let unit: string | undefined;
  let product: string | null = existing?.product ?? null;
  let productData: NewProduct | null = null;
  let currency: string | null = null;
  if (p.unit_amount_decimal !== undefined) unit = normalizeDecimal(p.unit_amount_decimal);
  if (p.price_data !== undefined) {
    const pd = p.price_data;
    if ((pd.unit_amount === undefined) === (pd.unit_amount_decimal === undefined)) {
      throw paramError("Exactly one of price_data[unit_amount] and price_data[unit_amount_decimal] is required.", at("price_data[unit_amount]"), "parameter_missing");
    }
    if ((pd.product === undefined) === (pd.product_data === undefined)) {
      throw paramError("Exactly one of price_data[product] and price_data[product_data] is required.", at("price_data[product]"), "parameter_missing");
    }
    if (pd.product !== undefined) {
      if (!data(ctx).products.has(pd.product)) throw noSuch("product", pd.product, at("price_data[product]"));
      product = pd.product;
    } else {
      product = null;
      productData = pd.product_data ?? null;
    }
    unit = pd.unit_amount !== undefined ? String(pd.unit_amount) : normalizeDecimal(pd.unit_amount_decimal ?? "0");
    currency = lower(pd.currency);
  }
  if (unit === undefined) {
    if (!existing) return null;
    if (qtyGiven === undefined) return null;
    unit = existing.unitAmountDecimal;
  }
  const quantity = qtyGiven ?? existing?.quantity ?? "1";
  const exact = parseDecimal(multiplyDecimals(unit, quantity));
  return { amount: Number(roundHalfUp(exact.num, exact.den)), quantity, unitAmountDecimal: unit, product, productData, currency };
}

// https://docs.stripe.com/changelog/2016-02-22/no-more-than-250-invoice-items
// ("Returns an error on attempts to add more than 250 invoice items to an invoice").
export const MAX_ITEMS_PER_INVOICE = 250;

/** Refuses to take an invoice past 250 items. */
export function checkItemLimit(ctx: ApiContext, inv: InvoiceRecord, adding: number, param: string): void {
  const current = invoiceLines(data(ctx), inv.id).length;
  if (current + adding > MAX_ITEMS_PER_INVOICE) {
    throw invalidRequest(
      `An invoice can't have more than ${MAX_ITEMS_PER_INVOICE} invoice items: invoice ${inv.id} has ${current} and this request adds ${adding}.`,
      { param },
    );
  }
}

/** An item checked against everything it refers to, stored (with its discounts and inline product) only by `commit`. */
export interface PreparedItem {
  item: InvoiceItemRecord;
  commit(): void;
}

/**
 * A new item from its parameters and resolved pricing: tax rates and discounts
 * are checked now (errors name `at(param)`), created by `commit`, which also
 * attaches the item to `target.invoice`.
 */
export function prepareNewItem(
  ctx: ApiContext,
  p: ItemFields,
  pricing: Pricing,
  target: { customer: string; currency: string; invoice: InvoiceRecord | null },
  { at }: ParamNames = ITEM_PARAMS,
): PreparedItem {
  const taxRateIds = checkTaxRates(ctx, p.tax_rates, at("tax_rates")) ?? [];
  if (p.discounts) checkDiscounts(ctx, p.discounts, target.currency, at("discounts"));
  const t = now(ctx);
  const item: InvoiceItemRecord = {
    id: ctx.world.rng.id("ii"),
    lineId: ctx.world.rng.id("il"),
    created: t,
    customer: target.customer,
    currency: target.currency,
    description: p.description ?? null,
    discountable: p.discountable ?? pricing.amount >= 0,
    discountIds: [],
    invoice: null,
    metadata: newMetadata(p.metadata),
    period: p.period ? { start: p.period.start, end: p.period.end } : { start: t, end: t },
    product: pricing.product,
    priceId: pricing.product ? ctx.world.rng.id("price") : null,
    quantity: pricing.quantity,
    unitAmountDecimal: pricing.unitAmountDecimal,
    amount: pricing.amount,
    taxRateIds,
    ...meta(ctx),
  };
  return {
    item,
    commit() {
      if (pricing.productData) {
        item.product = newProduct(ctx, pricing.productData).id;
        item.priceId = ctx.world.rng.id("price");
      }
      if (p.discounts) {
        item.discountIds = createDiscounts(ctx, p.discounts, { invoice: null, invoiceItem: item.id, customer: item.customer, currency: item.currency });
      }
      item.invoice = target.invoice?.id ?? null;
      data(ctx).invoiceItems.set(item.id, item);
    },
  };
}

/** Changes to an existing item, checked now and applied by `commit` (update, or a line's `invoice_item` on add_lines). */
export function prepareItemUpdate(ctx: ApiContext, item: InvoiceItemRecord, p: ItemFields, names: ParamNames = ITEM_PARAMS): PreparedItem {
  const at = names.at;
  const pricing = resolvePricing(ctx, p, item, names);
  if (pricing?.currency && pricing.currency !== item.currency) {
    throw invalidRequest("You can't change the currency of an invoice item.", { param: at("price_data[currency]") });
  }
  const taxRateIds = checkTaxRates(ctx, p.tax_rates, at("tax_rates"));
  if (p.discounts) checkDiscounts(ctx, p.discounts, item.currency, at("discounts"));
  return {
    item,
    commit() {
      if (pricing) {
        item.amount = pricing.amount;
        item.quantity = pricing.quantity;
        item.unitAmountDecimal = pricing.unitAmountDecimal;
        const product = pricing.productData ? newProduct(ctx, pricing.productData).id : pricing.product;
        if (product) {
          item.product = product;
          item.priceId = ctx.world.rng.id("price");
        }
      }
      if (p.description !== undefined) item.description = nullIfEmpty(p.description);
      if (p.discountable !== undefined) item.discountable = p.discountable;
      if (p.discounts !== undefined) {
        item.discountIds =
          p.discounts === null ? [] : createDiscounts(ctx, p.discounts, { invoice: null, invoiceItem: item.id, customer: item.customer, currency: item.currency });
      }
      if (p.period !== undefined) item.period = { start: p.period.start, end: p.period.end };
      if (taxRateIds !== undefined) item.taxRateIds = taxRateIds;
      item.metadata = mergeMetadata(item.metadata, p.metadata);
    },
  };
}

function attachableInvoice(ctx: ApiContext, invoiceId: string, customer: string, currency: string): InvoiceRecord {
  const inv = getInvoice(ctx, invoiceId, "invoice");
  if (inv.status !== "draft") throw notEditable(inv, "invoice");
  if (inv.customer !== customer) {
    throw invalidRequest(`The invoice item's customer (${customer}) must match the invoice's customer (${inv.customer}).`, { param: "invoice" });
  }
  if (inv.currency !== currency) {
    throw invalidRequest(`The currency of the invoice item (${currency}) must match the currency of the invoice (${inv.currency}).`, { param: "currency" });
  }
  return inv;
}

export const create: Handler = (ctx) => {
  const p = validateParams({ ...INVOICE_ITEM_COMMON, customer: S, currency: S, invoice: S, subscription: S }, ctx.raw);
  if (p.subscription !== undefined) throw noSuch("subscription", p.subscription, "subscription");
  if (p.customer === undefined) throw paramError("Missing required param: customer.", "customer", "parameter_missing");
  const customer = getCustomer(ctx, p.customer, "customer");
  const pricing = resolvePricing(ctx, p, null);
  if (!pricing) {
    throw paramError("You must specify one of `amount`, `unit_amount_decimal`, `price_data` or `pricing`.", "amount", "parameter_missing");
  }
  const invoice = p.invoice !== undefined ? getInvoice(ctx, p.invoice, "invoice") : null;
  const paramCurrency = p.currency === undefined ? null : lower(p.currency);
  if (paramCurrency && pricing.currency && paramCurrency !== pricing.currency) {
    throw invalidRequest("`currency` and `price_data[currency]` must match.", { param: "currency" });
  }
  const currency = paramCurrency ?? pricing.currency ?? invoice?.currency ?? customer.currency ?? ctx.account.defaultCurrency;
  if (invoice) {
    attachableInvoice(ctx, invoice.id, customer.id, currency);
    checkItemLimit(ctx, invoice, 1, "invoice");
  }
  const prepared = prepareNewItem(ctx, p, pricing, { customer: customer.id, currency, invoice });
  const d = data(ctx);
  withInvoiceUpdate(
    ctx,
    invoice,
    () => {
      prepared.commit();
      if (customer.currency === null) customer.currency = currency;
    },
    () => emit(ctx, "invoiceitem.created", renderInvoiceItem(d, prepared.item)),
  );
  return { body: renderInvoiceItem(d, prepared.item) };
};

function getItem(ctx: ApiContext): InvoiceItemRecord {
  const item = data(ctx).invoiceItems.get(pathId(ctx));
  if (!item) throw noSuch("invoiceitem", pathId(ctx));
  return item;
}

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: renderInvoiceItem(data(ctx), getItem(ctx)) };
};

export const update: Handler = (ctx) => {
  const p = validateParams(INVOICE_ITEM_COMMON, ctx.raw);
  const item = getItem(ctx);
  const d = data(ctx);
  const inv = item.invoice ? (d.invoices.get(item.invoice) ?? null) : null;
  const onlyMetadata = Object.keys(p).every((k) => k === "metadata" || k === "expand");
  if (inv && inv.status !== "draft" && !onlyMetadata) throw notEditable(inv);
  const prepared = prepareItemUpdate(ctx, item, p);
  withInvoiceUpdate(ctx, inv, () => prepared.commit());
  return { body: renderInvoiceItem(d, item) };
};

export const del: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const item = getItem(ctx);
  const d = data(ctx);
  const inv = item.invoice ? (d.invoices.get(item.invoice) ?? null) : null;
  if (inv && inv.status !== "draft") throw notEditable(inv);
  const snapshot = renderInvoiceItem(d, item);
  withInvoiceUpdate(
    ctx,
    inv,
    () => d.invoiceItems.delete(item.id),
    () => emit(ctx, "invoiceitem.deleted", snapshot),
  );
  return { body: { id: item.id, object: "invoiceitem", deleted: true } };
};

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, customer: S, invoice: S, pending: { t: "bool" }, created: CREATED_FILTER }, ctx.raw);
  const d = data(ctx);
  const items = newestFirst(d.invoiceItems.values(), (i) => i.created).filter(
    (i) =>
      (p.customer === undefined || i.customer === p.customer) &&
      (p.invoice === undefined || i.invoice === p.invoice) &&
      (p.pending === undefined || (i.invoice === null) === p.pending) &&
      createdMatches(i.created, p.created),
  );
  return { body: paginate(items, (i) => i.id, p, "/v1/invoiceitems", (i) => renderInvoiceItem(d, i)) };
};
