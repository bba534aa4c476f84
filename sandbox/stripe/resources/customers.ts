// Customers: create, retrieve (deleted ones answer `deleted: true`), update
// (metadata merges), delete, list, search.

import { noSuch, paramError } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, SEARCH_PARAMS, createdMatches, paginate, searchPage } from "../list.js";
import { validateParams, type Spec } from "../params.js";
import { compileQuery, type SearchField } from "../search.js";
import { newestFirst } from "../store.js";
import type { WireCustomer } from "../types.js";
import { diffPrevious } from "../world.js";
import { data, emit, meta, now, pathId, searchable, type ApiContext, type Handler } from "./context.js";
import { ADDRESS, CUSTOM_FIELDS, METADATA, S, address, mergeMetadata, newMetadata, nullIfEmpty } from "./fields.js";

/** A customer of the calling account: 404 for the id in the path, 400 naming `param` otherwise. */
export function getCustomer(ctx: ApiContext, id: string, param?: string): WireCustomer {
  const c = data(ctx).customers.get(id);
  if (!c) throw noSuch("customer", id, param);
  return c.obj;
}

const CUSTOMER_FIELDS = {
  address: ADDRESS,
  balance: { t: "int" },
  business_name: S,
  description: { t: "string", max: 350 },
  email: { t: "string", max: 512 },
  individual_name: S,
  invoice_prefix: S,
  invoice_settings: {
    t: "object",
    fields: {
      custom_fields: CUSTOM_FIELDS,
      default_payment_method: S,
      footer: S,
      rendering_options: { t: "object", emptyable: true, fields: { amount_tax_display: S, template: S } },
    },
  },
  metadata: METADATA,
  name: { t: "string", max: 256 },
  next_invoice_sequence: { t: "int", min: 1 },
  phone: { t: "string", max: 20 },
  preferred_locales: { t: "array", of: S },
  shipping: {
    t: "object",
    emptyable: true,
    fields: { address: { ...ADDRESS, req: true }, name: { t: "string", req: true }, phone: S },
  },
  tax_exempt: { t: "string", enum: ["none", "exempt", "reverse", ""] },
} as const satisfies Record<string, Spec>;

type CustomerParams = ReturnType<typeof validateParams<typeof CUSTOMER_FIELDS>>;

function applyCustomerParams(ctx: ApiContext, c: WireCustomer, p: CustomerParams, creating: boolean): void {
  if (p.invoice_prefix !== undefined && !/^[A-Z0-9]{3,12}$/.test(p.invoice_prefix)) {
    throw paramError("Invalid invoice_prefix: must be 3–12 uppercase letters or numbers", "invoice_prefix");
  }
  if (p.address !== undefined) c.address = address(p.address);
  if (p.balance !== undefined) c.balance = p.balance;
  if (p.business_name !== undefined) c.business_name = p.business_name;
  if (p.description !== undefined) c.description = nullIfEmpty(p.description);
  if (p.email !== undefined) c.email = nullIfEmpty(p.email);
  if (p.individual_name !== undefined) c.individual_name = p.individual_name;
  if (p.invoice_prefix !== undefined) c.invoice_prefix = p.invoice_prefix;
  if (p.invoice_settings !== undefined) {
    const s = p.invoice_settings;
    if (s.custom_fields !== undefined) c.invoice_settings.custom_fields = s.custom_fields;
    if (s.default_payment_method !== undefined) {
      throw noSuch("PaymentMethod", s.default_payment_method, "invoice_settings[default_payment_method]");
    }
    if (s.footer !== undefined) c.invoice_settings.footer = nullIfEmpty(s.footer);
    if (s.rendering_options !== undefined) {
      c.invoice_settings.rendering_options = s.rendering_options
        ? { amount_tax_display: s.rendering_options.amount_tax_display ?? null, template: s.rendering_options.template ?? null }
        : null;
    }
  }
  c.metadata = creating ? newMetadata(p.metadata) : mergeMetadata(c.metadata, p.metadata);
  if (p.name !== undefined) c.name = nullIfEmpty(p.name);
  if (p.next_invoice_sequence !== undefined) c.next_invoice_sequence = p.next_invoice_sequence;
  if (p.phone !== undefined) c.phone = nullIfEmpty(p.phone);
  if (p.preferred_locales !== undefined) c.preferred_locales = p.preferred_locales;
  if (p.shipping !== undefined) {
    c.shipping = p.shipping
      ? { address: address(p.shipping.address) ?? undefined, name: p.shipping.name, phone: p.shipping.phone ?? null }
      : null;
  }
  if (p.tax_exempt !== undefined) c.tax_exempt = p.tax_exempt === "" ? "none" : p.tax_exempt;
  void ctx;
}

export const create: Handler = (ctx) => {
  const p = validateParams(CUSTOMER_FIELDS, ctx.raw);
  const c: WireCustomer = {
    id: ctx.world.rng.id("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: now(ctx),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: ctx.world.rng.chars(8).toUpperCase().replace(/[^A-Z0-9]/g, "X"),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
  applyCustomerParams(ctx, c, p, true);
  data(ctx).customers.set(c.id, { obj: c, ...meta(ctx) });
  emit(ctx, "customer.created", c);
  return { body: structuredClone(c) };
};

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  if (data(ctx).deletedCustomers.has(pathId(ctx))) return { body: { id: pathId(ctx), object: "customer", deleted: true } };
  return { body: structuredClone(getCustomer(ctx, pathId(ctx))) };
};

export const del: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const d = data(ctx);
  const c = getCustomer(ctx, pathId(ctx));
  d.customers.delete(c.id);
  d.deletedCustomers.add(c.id);
  emit(ctx, "customer.deleted", c);
  return { body: { id: c.id, object: "customer", deleted: true } };
};

export const update: Handler = (ctx) => {
  const p = validateParams(CUSTOMER_FIELDS, ctx.raw);
  const stored = data(ctx).customers.get(pathId(ctx));
  if (!stored) throw noSuch("customer", pathId(ctx));
  const before = structuredClone(stored.obj);
  const next = structuredClone(stored.obj);
  applyCustomerParams(ctx, next, p, false);
  stored.obj = next;
  stored.wall = Date.now();
  const previous = diffPrevious(before, next);
  if (Object.keys(previous).length > 0) emit(ctx, "customer.updated", next, previous);
  return { body: structuredClone(next) };
};

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, email: S, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).customers.values(), (s) => s.obj.created).filter(
    (s) => (p.email === undefined || s.obj.email === p.email) && createdMatches(s.obj.created, p.created),
  );
  return { body: paginate(items, (s) => s.obj.id, p, "/v1/customers", (s) => structuredClone(s.obj)) };
};

const CUSTOMER_SEARCH: Record<string, SearchField<WireCustomer>> = {
  email: { kind: "text", get: (c) => c.email },
  name: { kind: "text", get: (c) => c.name ?? null },
  phone: { kind: "text", get: (c) => c.phone ?? null },
  created: { kind: "number", get: (c) => c.created },
};

export const search: Handler = (ctx) => {
  const p = validateParams(SEARCH_PARAMS, ctx.raw);
  const match = compileQuery(p.query, "customers", CUSTOMER_SEARCH, (c) => c.metadata);
  const items = newestFirst(data(ctx).customers.values(), (s) => s.obj.created).filter(
    (s) => searchable(ctx, s) && match(s.obj),
  );
  return { body: searchPage(items, p, "/v1/customers/search", (s) => structuredClone(s.obj)) };
};
