// Invoice items: create (pending, or attached to a draft invoice), retrieve,
// update, delete, list. Pricing comes from `amount`, `unit_amount_decimal` or
// `price_data` (× quantity, rounded once); items on a finalized invoice only
// take metadata. Changes to an attached item emit the invoice's
// `invoice.updated` too.

import { invalidRequest, noSuch, paramError } from "../errors.js";
import { notEditable } from "../invoice-lifecycle.js";
import { renderInvoiceItem } from "../invoice-render.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { multiplyDecimals, normalizeDecimal, parseDecimal, roundHalfUp } from "../money.js";
import { validateParams, type Spec } from "../params.js";
import { newestFirst } from "../store.js";
import type { InvoiceItemRecord, InvoiceRecord } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { makeDiscounts } from "./coupons.js";
import { getCustomer } from "./customers.js";
import { DISCOUNTS, METADATA, S, lower, mergeMetadata, newMetadata, nullIfEmpty } from "./fields.js";
import { getInvoice, withInvoiceUpdate } from "./invoices.js";
import { checkTaxRates } from "./tax-rates.js";

const TAX_BEHAVIOR = { t: "string", enum: ["exclusive", "inclusive", "unspecified"] } as const;

const INVOICE_ITEM_COMMON = {
  amount: { t: "int" },
  description: { t: "string", max: 500 },
  discountable: { t: "bool" },
  discounts: DISCOUNTS,
  metadata: METADATA,
  period: { t: "object", fields: { start: { t: "int", req: true }, end: { t: "int", req: true } } },
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
  pricing: { t: "object", fields: { price: S } },
  quantity: { t: "int", min: 0 },
  quantity_decimal: { t: "decimal", min: 0 },
  tax_behavior: TAX_BEHAVIOR,
  tax_code: S,
  tax_rates: { t: "array", emptyable: true, of: S, max: 10 },
  unit_amount_decimal: { t: "decimal" },
} as const satisfies Record<string, Spec>;

type ItemParams = ReturnType<typeof validateParams<typeof INVOICE_ITEM_COMMON>>;

interface Pricing {
  amount: number;
  quantity: string;
  unitAmountDecimal: string;
  product: string | null;
  currency: string | null;
}

/** Work out amount / quantity / unit price from whichever pricing params were given. */
function resolvePricing(ctx: ApiContext, p: ItemParams, existing: InvoiceItemRecord | null): Pricing | null {
  const sources = [p.amount !== undefined, p.unit_amount_decimal !== undefined, p.price_data !== undefined, p.pricing !== undefined].filter(Boolean).length;
  if (sources > 1) {
    throw paramError("You may only specify one of these parameters: amount, price_data, pricing, unit_amount_decimal.", "amount", "parameters_exclusive");
  }
  if (p.quantity !== undefined && p.quantity_decimal !== undefined) {
    throw paramError("You may only specify one of these parameters: quantity, quantity_decimal.", "quantity", "parameters_exclusive");
  }
  const qtyGiven = p.quantity !== undefined ? String(p.quantity) : p.quantity_decimal !== undefined ? normalizeDecimal(p.quantity_decimal) : undefined;
  if (p.pricing !== undefined) {
    throw noSuch("price", p.pricing.price ?? "", "pricing[price]");
  }
  if (p.amount !== undefined) {
    if (qtyGiven !== undefined && qtyGiven !== "1") {
      throw paramError("When `amount` is given, `quantity` must be 1 (pass `unit_amount_decimal` and `quantity` instead).", "quantity");
    }
    return { amount: p.amount, quantity: "1", unitAmountDecimal: String(p.amount), product: null, currency: null };
  }
  let unit: string | undefined;
  let product: string | null = existing?.product ?? null;
  let currency: string | null = null;
  if (p.unit_amount_decimal !== undefined) unit = normalizeDecimal(p.unit_amount_decimal);
  if (p.price_data !== undefined) {
    const pd = p.price_data;
    if ((pd.unit_amount === undefined) === (pd.unit_amount_decimal === undefined)) {
      throw paramError("Exactly one of price_data[unit_amount] and price_data[unit_amount_decimal] is required.", "price_data[unit_amount]", "parameter_missing");
    }
    if (!data(ctx).products.has(pd.product)) throw noSuch("product", pd.product, "price_data[product]");
    unit = pd.unit_amount !== undefined ? String(pd.unit_amount) : normalizeDecimal(pd.unit_amount_decimal ?? "0");
    product = pd.product;
    currency = lower(pd.currency);
  }
  if (unit === undefined) {
    if (!existing) return null;
    if (qtyGiven === undefined) return null;
    unit = existing.unitAmountDecimal;
  }
  const quantity = qtyGiven ?? existing?.quantity ?? "1";
  const exact = parseDecimal(multiplyDecimals(unit, quantity));
  return { amount: Number(roundHalfUp(exact.num, exact.den)), quantity, unitAmountDecimal: unit, product, currency };
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
  if (invoice) attachableInvoice(ctx, invoice.id, customer.id, currency);
  const taxRateIds = checkTaxRates(ctx, p.tax_rates, "tax_rates") ?? [];
  const id = ctx.world.rng.id("ii");
  const t = now(ctx);
  const discountIds = p.discounts ? makeDiscounts(ctx, p.discounts, { invoice: null, invoiceItem: id, customer: customer.id, currency }) : [];
  const item: InvoiceItemRecord = {
    id,
    lineId: ctx.world.rng.id("il"),
    created: t,
    customer: customer.id,
    currency,
    description: p.description ?? null,
    discountable: p.discountable ?? pricing.amount >= 0,
    discountIds,
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
  const d = data(ctx);
  withInvoiceUpdate(
    ctx,
    invoice,
    () => {
      item.invoice = invoice?.id ?? null;
      d.invoiceItems.set(item.id, item);
      if (customer.currency === null) customer.currency = currency;
    },
    () => emit(ctx, "invoiceitem.created", renderInvoiceItem(d, item)),
  );
  return { body: renderInvoiceItem(d, item) };
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
  const pricing = resolvePricing(ctx, p, item);
  if (pricing?.currency && pricing.currency !== item.currency) {
    throw invalidRequest("You can't change the currency of an invoice item.", { param: "price_data[currency]" });
  }
  const taxRateIds = checkTaxRates(ctx, p.tax_rates, "tax_rates");
  const discountIds =
    p.discounts === undefined
      ? undefined
      : p.discounts === null
        ? []
        : makeDiscounts(ctx, p.discounts, { invoice: null, invoiceItem: item.id, customer: item.customer, currency: item.currency });
  withInvoiceUpdate(ctx, inv, () => {
    if (pricing) {
      item.amount = pricing.amount;
      item.quantity = pricing.quantity;
      item.unitAmountDecimal = pricing.unitAmountDecimal;
      if (pricing.product) {
        item.product = pricing.product;
        item.priceId = ctx.world.rng.id("price");
      }
    }
    if (p.description !== undefined) item.description = nullIfEmpty(p.description);
    if (p.discountable !== undefined) item.discountable = p.discountable;
    if (discountIds !== undefined) item.discountIds = discountIds;
    if (p.period !== undefined) item.period = { start: p.period.start, end: p.period.end };
    if (taxRateIds !== undefined) item.taxRateIds = taxRateIds;
    item.metadata = mergeMetadata(item.metadata, p.metadata);
  });
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
