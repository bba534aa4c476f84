// Invoices: create, retrieve, update, delete (drafts only), list, search and
// the lifecycle actions (finalize, send, void, mark_uncollectible, pay). Their
// lines (list, add_lines) are ./invoice-line-items.ts. Amounts and transitions
// live in ../invoice-totals.ts and ../invoice-lifecycle.ts; this file
// validates parameters and calls them.

import { invalidRequest, noSuch, paramError } from "../errors.js";
import * as lifecycle from "../invoice-lifecycle.js";
import { invoiceLines } from "../invoice-totals.js";
import { renderInvoice } from "../invoice-render.js";
import { CREATED_FILTER, LIST_PARAMS, SEARCH_PARAMS, createdMatches, paginate, searchPage } from "../list.js";
import { validateParams, type Spec } from "../params.js";
import { compileQuery, type SearchField } from "../search.js";
import { newestFirst } from "../store.js";
import type { InvoiceRecord } from "../types.js";
import { diffPrevious } from "../world.js";
import { data, emit, meta, now, pathId, searchable, type ApiContext, type Handler } from "./context.js";
import { makeDiscounts } from "./coupons.js";
import { getCustomer } from "./customers.js";
import { CUSTOM_FIELDS, DISCOUNTS, METADATA, S, lower, mergeMetadata, newMetadata, nullIfEmpty } from "./fields.js";
import { checkTaxRates } from "./tax-rates.js";

/** An invoice of the calling account: 404 for the id in the path, 400 naming `param` otherwise. */
export function getInvoice(ctx: ApiContext, id: string, param?: string): InvoiceRecord {
  const inv = data(ctx).invoices.get(id);
  if (!inv) throw noSuch("invoice", id, param);
  return inv;
}

/** The invoice as the API returns it, totals recomputed from its items. */
export function invoiceSnapshot(ctx: ApiContext, inv: InvoiceRecord) {
  return renderInvoice(ctx.world, ctx.account, inv);
}

/**
 * Emit `invoice.updated` if `change` altered what the invoice renders to
 * (after `then`, which emits the events of the object that changed).
 */
export function withInvoiceUpdate(ctx: ApiContext, inv: InvoiceRecord | null, change: () => void, then?: () => void): void {
  if (!inv) {
    change();
    then?.();
    return;
  }
  const before = invoiceSnapshot(ctx, inv);
  change();
  then?.();
  const after = invoiceSnapshot(ctx, inv);
  const previous = diffPrevious(before, after);
  if (Object.keys(previous).length > 0) emit(ctx, "invoice.updated", after, previous);
}

const INVOICE_EDITABLE = {
  auto_advance: { t: "bool" },
  automatic_tax: { t: "object", fields: { enabled: { t: "bool", req: true } } },
  automatically_finalizes_at: { t: "int" },
  collection_method: { t: "string", enum: ["charge_automatically", "send_invoice"] },
  custom_fields: CUSTOM_FIELDS,
  days_until_due: { t: "int", min: 0, max: 36500 },
  default_tax_rates: { t: "array", emptyable: true, of: S, max: 5 },
  description: { t: "string", max: 1500 },
  discounts: DISCOUNTS,
  due_date: { t: "int" },
  effective_at: { t: "int" },
  footer: { t: "string", max: 5000 },
  metadata: METADATA,
  number: { t: "string", max: 26 },
  payment_settings: {
    t: "object",
    fields: { payment_method_types: { t: "array", emptyable: true, of: S } },
  },
  statement_descriptor: { t: "string", max: 22 },
} as const satisfies Record<string, Spec>;

/** Stripe Tax isn't modelled: only `automatic_tax[enabled]=false` is accepted. */
function checkAutomaticTax(p: { automatic_tax?: { enabled: boolean } }): void {
  if (p.automatic_tax?.enabled) {
    throw invalidRequest("Stripe Tax has not been activated on your account (the stand-in does not model automatic tax).", {
      code: "stripe_tax_inactive",
      param: "automatic_tax[enabled]",
    });
  }
}

type InvoiceEditParams = ReturnType<typeof validateParams<typeof INVOICE_EDITABLE>>;

/** Due-date rules shared by create and update. */
function resolveDue(
  collection: "send_invoice" | "charge_automatically",
  created: number,
  p: { days_until_due?: number; due_date?: number },
  current: { daysUntilDue: number | null; dueDate: number | null } | null,
): { daysUntilDue: number | null; dueDate: number | null } {
  if (p.days_until_due !== undefined && p.due_date !== undefined) {
    throw paramError("You may only specify one of these parameters: days_until_due, due_date.", "days_until_due", "parameters_exclusive");
  }
  if (collection === "charge_automatically") {
    if (p.days_until_due !== undefined || p.due_date !== undefined) {
      throw invalidRequest("`days_until_due` and `due_date` are only valid for invoices with `collection_method=send_invoice`.", {
        param: p.days_until_due !== undefined ? "days_until_due" : "due_date",
      });
    }
    return { daysUntilDue: null, dueDate: null };
  }
  if (p.days_until_due !== undefined) return { daysUntilDue: p.days_until_due, dueDate: created + p.days_until_due * 86_400 };
  if (p.due_date !== undefined) return { daysUntilDue: null, dueDate: p.due_date };
  if (current && (current.daysUntilDue !== null || current.dueDate !== null)) return current;
  throw paramError(
    "Missing required param: days_until_due. Invoices with `collection_method=send_invoice` need `days_until_due` or `due_date`.",
    "days_until_due",
    "parameter_missing",
  );
}

function checkInvoiceNumber(ctx: ApiContext, n: string, self: string | null): void {
  for (const inv of data(ctx).invoices.values()) {
    if (inv.number === n && inv.id !== self) {
      throw invalidRequest(`Invoice number ${n} is already in use.`, { param: "number" });
    }
  }
}

export const create: Handler = (ctx) => {
  const p = validateParams(
    {
      ...INVOICE_EDITABLE,
      customer: S,
      currency: S,
      pending_invoice_items_behavior: { t: "string", enum: ["exclude", "include"] },
      subscription: S,
    },
    ctx.raw,
  );
  if (p.subscription !== undefined) throw noSuch("subscription", p.subscription, "subscription");
  if (p.customer === undefined) throw paramError("Missing required param: customer.", "customer", "parameter_missing");
  checkAutomaticTax(p);
  const customer = getCustomer(ctx, p.customer, "customer");
  const created = now(ctx);
  const collection = p.collection_method ?? "charge_automatically";
  const due = resolveDue(collection, created, p, null);
  const currency = lower(p.currency ?? customer.currency ?? ctx.account.defaultCurrency);
  const defaultTaxRateIds = checkTaxRates(ctx, p.default_tax_rates, "default_tax_rates") ?? [];
  if (p.number !== undefined) checkInvoiceNumber(ctx, p.number, null);
  const id = ctx.world.rng.id("in");
  const discountIds = p.discounts ? makeDiscounts(ctx, p.discounts, { invoice: id, invoiceItem: null, customer: customer.id, currency }) : [];
  const autoAdvance = p.auto_advance ?? false;
  const inv: InvoiceRecord = {
    id,
    account: ctx.account.id,
    created,
    customer: customer.id,
    currency,
    collectionMethod: collection,
    daysUntilDue: due.daysUntilDue,
    dueDate: due.dueDate,
    autoAdvance,
    automaticallyFinalizesAt: p.automatically_finalizes_at ?? (autoAdvance ? created + 3600 : null),
    description: p.description ?? null,
    footer: p.footer ?? customer.invoice_settings.footer ?? null,
    customFields: p.custom_fields ?? customer.invoice_settings.custom_fields ?? null,
    metadata: newMetadata(p.metadata),
    defaultTaxRateIds,
    discountIds,
    paymentMethodTypes: p.payment_settings?.payment_method_types ?? null,
    status: "draft",
    number: p.number ?? null,
    statementDescriptor: p.statement_descriptor ?? null,
    effectiveAt: p.effective_at ?? null,
    transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    amountPaid: 0,
    amountPaidOffStripe: 0,
    creditedPrePayment: 0,
    creditedPostPayment: 0,
    attemptCount: 0,
    attempted: false,
    customerSnapshot: null,
    application: ctx.application,
    overdueNotified: false,
    uncollectibleReason: null,
    hostedUrl: null,
    pdfUrl: null,
    ...meta(ctx),
  };
  const d = data(ctx);
  d.invoices.set(id, inv);
  ctx.world.store.invoiceIndex.set(id, ctx.account.id);
  if ((p.pending_invoice_items_behavior ?? "exclude") === "include") {
    for (const item of d.invoiceItems.values()) {
      if (item.invoice === null && item.customer === customer.id && item.currency === currency) item.invoice = id;
    }
  }
  if (customer.currency === null) customer.currency = currency;
  const body = invoiceSnapshot(ctx, inv);
  emit(ctx, "invoice.created", body);
  return { body };
};

function getPathInvoice(ctx: ApiContext): InvoiceRecord {
  return getInvoice(ctx, pathId(ctx));
}

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: invoiceSnapshot(ctx, getPathInvoice(ctx)) };
};

const ALWAYS_EDITABLE = new Set(["metadata", "auto_advance", "expand"]);

function applyInvoiceEdits(ctx: ApiContext, inv: InvoiceRecord, p: InvoiceEditParams): () => void {
  if (inv.status !== "draft") {
    const blocked = Object.keys(p).find((k) => !ALWAYS_EDITABLE.has(k));
    if (blocked) throw lifecycle.notEditable(inv, blocked);
  }
  const collection = p.collection_method ?? inv.collectionMethod;
  const due =
    p.collection_method !== undefined || p.days_until_due !== undefined || p.due_date !== undefined
      ? resolveDue(collection, inv.created, p, p.collection_method !== undefined && p.collection_method !== inv.collectionMethod ? null : inv)
      : null;
  checkAutomaticTax(p);
  const taxRates = checkTaxRates(ctx, p.default_tax_rates, "default_tax_rates");
  if (p.number !== undefined) checkInvoiceNumber(ctx, p.number, inv.id);
  const discountIds =
    p.discounts === undefined
      ? undefined
      : p.discounts === null
        ? []
        : makeDiscounts(ctx, p.discounts, { invoice: inv.id, invoiceItem: null, customer: inv.customer, currency: inv.currency });
  return () => {
    if (p.auto_advance !== undefined) {
      inv.autoAdvance = p.auto_advance;
      if (inv.status === "draft") {
        inv.automaticallyFinalizesAt = p.auto_advance ? (inv.automaticallyFinalizesAt ?? ctx.world.clock.seconds() + 3600) : null;
      }
    }
    if (p.automatically_finalizes_at !== undefined) inv.automaticallyFinalizesAt = p.automatically_finalizes_at;
    inv.collectionMethod = collection;
    if (due) {
      inv.daysUntilDue = due.daysUntilDue;
      inv.dueDate = due.dueDate;
    }
    if (p.custom_fields !== undefined) inv.customFields = p.custom_fields;
    if (taxRates !== undefined) inv.defaultTaxRateIds = taxRates;
    if (p.description !== undefined) inv.description = nullIfEmpty(p.description);
    if (discountIds !== undefined) inv.discountIds = discountIds;
    if (p.effective_at !== undefined) inv.effectiveAt = p.effective_at;
    if (p.footer !== undefined) inv.footer = nullIfEmpty(p.footer);
    inv.metadata = mergeMetadata(inv.metadata, p.metadata);
    if (p.number !== undefined) inv.number = nullIfEmpty(p.number);
    if (p.payment_settings?.payment_method_types !== undefined) inv.paymentMethodTypes = p.payment_settings.payment_method_types;
    if (p.statement_descriptor !== undefined) inv.statementDescriptor = nullIfEmpty(p.statement_descriptor);
    inv.wall = Date.now();
  };
}

export const update: Handler = (ctx) => {
  const p = validateParams(INVOICE_EDITABLE, ctx.raw);
  const inv = getPathInvoice(ctx);
  const apply = applyInvoiceEdits(ctx, inv, p);
  withInvoiceUpdate(ctx, inv, apply);
  return { body: invoiceSnapshot(ctx, inv) };
};

export const del: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  if (inv.status !== "draft") {
    throw invalidRequest(`You can only delete draft invoices; invoice ${inv.id} is ${inv.status}. Void it instead.`, {
      code: "invoice_not_editable",
    });
  }
  const d = data(ctx);
  const snapshot = invoiceSnapshot(ctx, inv);
  for (const item of invoiceLines(d, inv.id)) d.invoiceItems.delete(item.id);
  d.invoices.delete(inv.id);
  ctx.world.store.invoiceIndex.delete(inv.id);
  emit(ctx, "invoice.deleted", snapshot);
  return { body: { id: inv.id, object: "invoice", deleted: true } };
};

export const list: Handler = (ctx) => {
  const p = validateParams(
    {
      ...LIST_PARAMS,
      customer: S,
      status: { t: "string", enum: ["draft", "open", "paid", "uncollectible", "void"] },
      collection_method: { t: "string", enum: ["charge_automatically", "send_invoice"] },
      created: CREATED_FILTER,
      due_date: CREATED_FILTER,
      subscription: S,
    },
    ctx.raw,
  );
  const items = newestFirst(data(ctx).invoices.values(), (i) => i.created).filter(
    (i) =>
      (p.customer === undefined || i.customer === p.customer) &&
      (p.status === undefined || i.status === p.status) &&
      (p.collection_method === undefined || i.collectionMethod === p.collection_method) &&
      (p.subscription === undefined || false) &&
      createdMatches(i.created, p.created) &&
      (p.due_date === undefined || (i.dueDate !== null && createdMatches(i.dueDate, p.due_date))),
  );
  return { body: paginate(items, (i) => i.id, p, "/v1/invoices", (i) => invoiceSnapshot(ctx, i)) };
};

export const search: Handler = (ctx) => {
  const p = validateParams(SEARCH_PARAMS, ctx.raw);
  const rendered = new Map<string, ReturnType<typeof invoiceSnapshot>>();
  const view = (inv: InvoiceRecord) => {
    let r = rendered.get(inv.id);
    if (!r) {
      r = invoiceSnapshot(ctx, inv);
      rendered.set(inv.id, r);
    }
    return r;
  };
  const fields: Record<string, SearchField<InvoiceRecord>> = {
    created: { kind: "number", get: (i) => i.created },
    currency: { kind: "token", get: (i) => i.currency },
    customer: { kind: "token", get: (i) => i.customer },
    number: { kind: "token", get: (i) => i.number },
    receipt_number: { kind: "token", get: () => null },
    status: { kind: "token", get: (i) => i.status },
    subscription: { kind: "token", get: () => null },
    total: { kind: "number", get: (i) => view(i).total },
    last_finalization_error_code: { kind: "token", get: () => null },
    last_finalization_error_type: { kind: "token", get: () => null },
  };
  const match = compileQuery(p.query, "invoices", fields, (i) => i.metadata);
  const items = newestFirst(data(ctx).invoices.values(), (i) => i.created).filter((i) => searchable(ctx, i) && match(i));
  return { body: searchPage(items, p, "/v1/invoices/search", (i) => view(i)) };
};

function op(ctx: ApiContext) {
  return { world: ctx.world, account: ctx.account, request: ctx.request };
}

export const finalizeInvoice: Handler = (ctx) => {
  const p = validateParams({ auto_advance: { t: "bool" } }, ctx.raw);
  const inv = getPathInvoice(ctx);
  if (p.auto_advance !== undefined && inv.status === "draft") inv.autoAdvance = p.auto_advance;
  lifecycle.finalizeInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

export const sendInvoice: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  lifecycle.sendInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

export const voidInvoice: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  lifecycle.voidInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

export const markUncollectible: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  lifecycle.markUncollectible(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

export const pay: Handler = (ctx) => {
  const p = validateParams(
    {
      paid_out_of_band: { t: "bool" },
      forgive: { t: "bool" },
      mandate: S,
      off_session: { t: "bool" },
      payment_method: S,
      source: S,
    },
    ctx.raw,
  );
  const inv = getPathInvoice(ctx);
  if (p.payment_method !== undefined) throw noSuch("PaymentMethod", p.payment_method, "payment_method");
  if (p.source !== undefined) throw noSuch("source", p.source, "source");
  if (!p.paid_out_of_band && (inv.status === "open" || inv.status === "uncollectible")) {
    throw invalidRequest(
      "This customer has no attached payment source or default payment method. Pass `paid_out_of_band=true` to record a payment made outside Stripe, or let the customer pay on the hosted invoice page.",
      { code: "invoice_no_payment_method_types" },
    );
  }
  lifecycle.payInvoice(op(ctx), inv, { outOfBand: true });
  return { body: invoiceSnapshot(ctx, inv) };
};
