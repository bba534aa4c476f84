// The /v1 endpoints the app uses, in Stripe's wire format. Each handler
// validates its parameters (unknown → `parameter_unknown`, missing →
// `parameter_missing`), works only inside the calling account, and records an
// Event for every state change.

import type Stripe from "stripe";
import { StripeApiError, invalidRequest, noSuch, paramError } from "./errors.js";
import {
  finalizeInvoice,
  invoiceLines,
  markUncollectible,
  notEditable,
  payInvoice,
  renderInvoice,
  renderInvoiceItem,
  renderLines,
  sendInvoice,
  voidInvoice,
} from "./invoices.js";
import { CREATED_FILTER, LIST_PARAMS, SEARCH_PARAMS, createdMatches, paginate, searchPage } from "./list.js";
import { multiplyDecimals, normalizeDecimal, parseDecimal, roundHalfUp } from "./money.js";
import { validateParams, type RawParams, type Spec } from "./params.js";
import { compileQuery, type SearchField } from "./search.js";
import { newestFirst, type AccountData } from "./store.js";
import type {
  AccountRecord,
  InvoiceItemRecord,
  InvoiceRecord,
  Meta,
  WireCoupon,
  WireCustomer,
  WireDiscount,
  WireProduct,
  WireTaxRate,
} from "./types.js";
import { diffPrevious, type RequestRef, type World } from "./world.js";

export interface ApiContext {
  world: World;
  account: AccountRecord;
  request: RequestRef;
  raw: RawParams;
  pathParams: string[];
  /** Connect application id when the platform acts on a connected account. */
  application: string | null;
  /** Objects written less than this long ago (wall ms) are not yet searchable. */
  searchLagMs: number;
}

export interface ApiResult {
  status?: number;
  body: object;
}

type Handler = (ctx: ApiContext) => ApiResult;

interface Route {
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  handler: Handler;
}

// ---------------------------------------------------------------------------
// Shared specs

const S = { t: "string" } as const;
const ADDRESS = {
  t: "object",
  emptyable: true,
  fields: { city: S, country: S, line1: S, line2: S, postal_code: S, state: S },
} as const;
const METADATA = { t: "metadata" } as const;
const DISCOUNTS = {
  t: "array",
  emptyable: true,
  max: 20,
  of: { t: "object", fields: { coupon: S, discount: S } },
} as const;
const CUSTOM_FIELDS = {
  t: "array",
  emptyable: true,
  max: 4,
  of: { t: "object", fields: { name: { t: "string", req: true, max: 40 }, value: { t: "string", req: true, max: 140 } } },
} as const;

function data(ctx: ApiContext): AccountData {
  return ctx.world.store.of(ctx.account.id);
}

function now(ctx: ApiContext): number {
  return ctx.world.clock.seconds();
}

function meta(ctx: ApiContext): Meta {
  return { seq: ctx.world.store.nextSeq(), wall: Date.now() };
}

function emit(ctx: ApiContext, type: Parameters<World["emit"]>[1], object: object, previous?: Record<string, unknown>): void {
  ctx.world.emit(ctx.account.id, type, object, previous ? { previous, request: ctx.request } : { request: ctx.request });
}

function pathId(ctx: ApiContext, i = 0): string {
  return ctx.pathParams[i] ?? "";
}

function searchable(ctx: ApiContext, m: Meta): boolean {
  return ctx.searchLagMs <= 0 || m.wall <= Date.now() - ctx.searchLagMs;
}

function address(a: { city?: string; country?: string; line1?: string; line2?: string; postal_code?: string; state?: string } | null | undefined): Stripe.Address | null {
  if (!a) return null;
  return {
    city: a.city || null,
    country: a.country || null,
    line1: a.line1 || null,
    line2: a.line2 || null,
    postal_code: a.postal_code || null,
    state: a.state || null,
  };
}

/** Create semantics: drop empty values. */
function newMetadata(m: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (v !== "") out[k] = v;
  return out;
}

/** Update semantics: merge; `""` deletes a key; `metadata=""` clears all. */
function mergeMetadata(current: Record<string, string>, m: Record<string, string> | null | undefined): Record<string, string> {
  if (m === undefined) return current;
  if (m === null) return {};
  const out = { ...current };
  for (const [k, v] of Object.entries(m)) {
    if (v === "") delete out[k];
    else out[k] = v;
  }
  return out;
}

function nullIfEmpty(s: string | undefined): string | null {
  return s === undefined || s === "" ? null : s;
}

function lower(s: string): string {
  return s.toLowerCase();
}

// ---------------------------------------------------------------------------
// Lookups (404 for the id in the path, 400 naming the param otherwise)

function getCustomer(ctx: ApiContext, id: string, param?: string): WireCustomer {
  const c = data(ctx).customers.get(id);
  if (!c) throw noSuch("customer", id, param);
  return c.obj;
}

function getInvoice(ctx: ApiContext, id: string, param?: string): InvoiceRecord {
  const inv = data(ctx).invoices.get(id);
  if (!inv) throw noSuch("invoice", id, param);
  return inv;
}

function getTaxRate(ctx: ApiContext, id: string, param: string) {
  const r = data(ctx).taxRates.get(id);
  if (!r) throw noSuch("tax_rate", id, param);
  if (!r.obj.active) throw invalidRequest(`Tax rate ${id} is inactive and can't be applied.`, { param });
  return r;
}

function couponValid(ctx: ApiContext, c: WireCoupon): boolean {
  if (c.redeem_by !== null && c.redeem_by < now(ctx)) return false;
  if (c.max_redemptions !== null && c.times_redeemed >= c.max_redemptions) return false;
  return true;
}

/** Turn `discounts[]` params into Discount objects attached to an invoice or an invoice item. */
function makeDiscounts(
  ctx: ApiContext,
  specs: { coupon?: string; discount?: string }[],
  target: { invoice: string | null; invoiceItem: string | null; customer: string; currency: string },
): string[] {
  const d = data(ctx);
  const ids: string[] = [];
  specs.forEach((spec, i) => {
    if (spec.discount !== undefined) {
      if (!d.discounts.has(spec.discount)) throw noSuch("discount", spec.discount, `discounts[${i}][discount]`);
      ids.push(spec.discount);
      return;
    }
    if (spec.coupon === undefined) throw paramError("Each discount needs a `coupon` or a `discount`.", `discounts[${i}]`, "parameter_missing");
    const coupon = d.coupons.get(spec.coupon);
    if (!coupon) throw noSuch("coupon", spec.coupon, `discounts[${i}][coupon]`);
    if (!couponValid(ctx, coupon.obj)) {
      throw invalidRequest(`Coupon expired: ${spec.coupon}`, { code: "coupon_expired", param: `discounts[${i}][coupon]` });
    }
    if (coupon.obj.amount_off !== null && coupon.obj.currency !== target.currency) {
      throw invalidRequest(
        `The currency of coupon ${spec.coupon} (${coupon.obj.currency ?? "none"}) must match the currency of the invoice (${target.currency}).`,
        { param: `discounts[${i}][coupon]` },
      );
    }
  });
  // All valid: now create.
  for (const spec of specs) {
    if (spec.discount !== undefined || spec.coupon === undefined) continue;
    const coupon = d.coupons.get(spec.coupon);
    if (!coupon) continue;
    coupon.obj.times_redeemed += 1;
    const discount: WireDiscount = {
      id: ctx.world.rng.id("di"),
      object: "discount",
      checkout_session: null,
      customer: target.customer,
      customer_account: null,
      end: null,
      invoice: target.invoice,
      invoice_item: target.invoiceItem,
      promotion_code: null,
      source: { coupon: coupon.obj.id, type: "coupon" },
      start: now(ctx),
      subscription: null,
      subscription_item: null,
    };
    d.discounts.set(discount.id, { obj: discount, ...meta(ctx) });
    ids.push(discount.id);
  }
  return ids;
}

function invoiceSnapshot(ctx: ApiContext, inv: InvoiceRecord) {
  return renderInvoice(ctx.world, ctx.account, inv);
}

/**
 * Emit `invoice.updated` if `change` altered what the invoice renders to
 * (after `then`, which emits the events of the object that changed).
 */
function withInvoiceUpdate(ctx: ApiContext, inv: InvoiceRecord | null, change: () => void, then?: () => void): void {
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

// ---------------------------------------------------------------------------
// Accounts

function renderAccount(a: AccountRecord): Stripe.Account {
  return {
    id: a.id,
    object: "account",
    business_profile: {
      mcc: null,
      minority_owned_business_designation: null,
      name: a.businessName,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: a.email,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: "company",
    charges_enabled: true,
    country: a.country,
    created: a.created,
    default_currency: a.defaultCurrency,
    details_submitted: true,
    email: a.email,
    metadata: {},
    payouts_enabled: true,
    type: "standard",
  };
}

const retrieveOwnAccount: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: renderAccount(ctx.account) };
};

const retrieveAccount: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const id = pathId(ctx);
  const target = ctx.world.store.accounts.get(id);
  const self = ctx.account.id === id;
  const platformSeesConnected = ctx.account.isPlatform && target?.connected;
  if (!target || !(self || platformSeesConnected)) {
    throw new StripeApiError(403, {
      type: "invalid_request_error",
      code: "account_invalid",
      message: `The provided key does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
    });
  }
  return { body: renderAccount(target) };
};

// ---------------------------------------------------------------------------
// Customers

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

const createCustomer: Handler = (ctx) => {
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

const retrieveCustomer: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  if (data(ctx).deletedCustomers.has(pathId(ctx))) return { body: { id: pathId(ctx), object: "customer", deleted: true } };
  return { body: structuredClone(getCustomer(ctx, pathId(ctx))) };
};

const deleteCustomer: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const d = data(ctx);
  const c = getCustomer(ctx, pathId(ctx));
  d.customers.delete(c.id);
  d.deletedCustomers.add(c.id);
  emit(ctx, "customer.deleted", c);
  return { body: { id: c.id, object: "customer", deleted: true } };
};

const updateCustomer: Handler = (ctx) => {
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

const listCustomers: Handler = (ctx) => {
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

const searchCustomers: Handler = (ctx) => {
  const p = validateParams(SEARCH_PARAMS, ctx.raw);
  const match = compileQuery(p.query, "customers", CUSTOMER_SEARCH, (c) => c.metadata);
  const items = newestFirst(data(ctx).customers.values(), (s) => s.obj.created).filter(
    (s) => searchable(ctx, s) && match(s.obj),
  );
  return { body: searchPage(items, p, "/v1/customers/search", (s) => structuredClone(s.obj)) };
};

// ---------------------------------------------------------------------------
// Tax rates

const TAX_TYPES = [
  "amusement_tax", "communications_tax", "gst", "hst", "igst", "jct", "lease_tax", "pst", "qst",
  "retail_delivery_fee", "rst", "sales_tax", "service_tax", "vat",
] as const;

const TAX_RATE_UPDATE = {
  active: { t: "bool" },
  country: S,
  description: S,
  display_name: { t: "string", max: 50 },
  jurisdiction: { t: "string", max: 50 },
  metadata: METADATA,
  state: S,
  tax_type: { t: "string", enum: TAX_TYPES },
} as const satisfies Record<string, Spec>;

const createTaxRate: Handler = (ctx) => {
  const p = validateParams(
    {
      ...TAX_RATE_UPDATE,
      display_name: { t: "string", req: true, max: 50 },
      inclusive: { t: "bool", req: true },
      percentage: { t: "decimal", req: true, min: 0, max: 100, places: 4 },
    },
    ctx.raw,
  );
  const percentage = normalizeDecimal(p.percentage);
  const obj: WireTaxRate = {
    id: ctx.world.rng.id("txr"),
    object: "tax_rate",
    active: p.active ?? true,
    country: p.country ?? null,
    created: now(ctx),
    description: p.description ?? null,
    display_name: p.display_name,
    effective_percentage: Number(percentage),
    flat_amount: null,
    inclusive: p.inclusive,
    jurisdiction: p.jurisdiction ?? null,
    jurisdiction_level: null,
    livemode: false,
    metadata: newMetadata(p.metadata),
    percentage: Number(percentage),
    rate_type: "percentage",
    state: p.state ?? null,
    tax_type: p.tax_type ?? null,
  };
  data(ctx).taxRates.set(obj.id, { obj, percentage, ...meta(ctx) });
  emit(ctx, "tax_rate.created", obj);
  return { body: structuredClone(obj) };
};

const retrieveTaxRate: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const r = data(ctx).taxRates.get(pathId(ctx));
  if (!r) throw noSuch("tax_rate", pathId(ctx));
  return { body: structuredClone(r.obj) };
};

const updateTaxRate: Handler = (ctx) => {
  const p = validateParams(TAX_RATE_UPDATE, ctx.raw);
  const r = data(ctx).taxRates.get(pathId(ctx));
  if (!r) throw noSuch("tax_rate", pathId(ctx));
  const o = r.obj;
  if (p.active !== undefined) o.active = p.active;
  if (p.country !== undefined) o.country = nullIfEmpty(p.country);
  if (p.description !== undefined) o.description = nullIfEmpty(p.description);
  if (p.display_name !== undefined) o.display_name = p.display_name;
  if (p.jurisdiction !== undefined) o.jurisdiction = nullIfEmpty(p.jurisdiction);
  if (p.state !== undefined) o.state = nullIfEmpty(p.state);
  if (p.tax_type !== undefined) o.tax_type = p.tax_type;
  o.metadata = mergeMetadata(o.metadata ?? {}, p.metadata);
  return { body: structuredClone(o) };
};

const listTaxRates: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, active: { t: "bool" }, inclusive: { t: "bool" }, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).taxRates.values(), (r) => r.obj.created).filter(
    (r) =>
      (p.active === undefined || r.obj.active === p.active) &&
      (p.inclusive === undefined || r.obj.inclusive === p.inclusive) &&
      createdMatches(r.obj.created, p.created),
  );
  return { body: paginate(items, (r) => r.obj.id, p, "/v1/tax_rates", (r) => structuredClone(r.obj)) };
};

// ---------------------------------------------------------------------------
// Coupons

const createCoupon: Handler = (ctx) => {
  const p = validateParams(
    {
      id: S,
      percent_off: { t: "decimal", min: 0, max: 100, places: 2 },
      amount_off: { t: "int", min: 0 },
      currency: S,
      duration: { t: "string", enum: ["once", "forever", "repeating"] },
      duration_in_months: { t: "int", min: 1 },
      max_redemptions: { t: "int", min: 1 },
      metadata: METADATA,
      name: { t: "string", max: 40 },
      redeem_by: { t: "int" },
    },
    ctx.raw,
  );
  if ((p.percent_off === undefined) === (p.amount_off === undefined)) {
    throw paramError("Must specify exactly one of `percent_off` or `amount_off`.", "percent_off", "parameter_missing");
  }
  if (p.amount_off !== undefined && p.currency === undefined) {
    throw paramError("You must specify a currency when creating an amount_off coupon.", "currency", "parameter_missing");
  }
  if (p.percent_off !== undefined && Number(p.percent_off) <= 0) {
    throw paramError("Invalid percent_off: must be greater than 0", "percent_off");
  }
  const duration = p.duration ?? "once";
  if (duration === "repeating" && p.duration_in_months === undefined) throw paramError("Missing required param: duration_in_months.", "duration_in_months", "parameter_missing");
  const id = p.id ?? ctx.world.rng.chars(8);
  const d = data(ctx);
  if (d.coupons.has(id)) {
    throw invalidRequest("Coupon already exists.", { code: "resource_already_exists", param: "id" });
  }
  const percentOff = p.percent_off === undefined ? null : normalizeDecimal(p.percent_off);
  const obj: WireCoupon = {
    id,
    object: "coupon",
    amount_off: p.amount_off ?? null,
    created: now(ctx),
    currency: p.currency === undefined ? null : lower(p.currency),
    duration,
    duration_in_months: p.duration_in_months ?? null,
    livemode: false,
    max_redemptions: p.max_redemptions ?? null,
    metadata: newMetadata(p.metadata),
    name: p.name ?? null,
    percent_off: percentOff === null ? null : Number(percentOff),
    redeem_by: p.redeem_by ?? null,
    times_redeemed: 0,
    valid: true,
  };
  d.coupons.set(id, { obj, percentOff, ...meta(ctx) });
  emit(ctx, "coupon.created", obj);
  return { body: structuredClone(obj) };
};

function renderCoupon(ctx: ApiContext, c: WireCoupon): WireCoupon {
  return { ...structuredClone(c), valid: couponValid(ctx, c) };
}

const retrieveCoupon: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const c = data(ctx).coupons.get(pathId(ctx));
  if (!c) throw noSuch("coupon", pathId(ctx));
  return { body: renderCoupon(ctx, c.obj) };
};

const listCoupons: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).coupons.values(), (c) => c.obj.created).filter((c) => createdMatches(c.obj.created, p.created));
  return { body: paginate(items, (c) => c.obj.id, p, "/v1/coupons", (c) => renderCoupon(ctx, c.obj)) };
};

// ---------------------------------------------------------------------------
// Products (needed because invoice items' `price_data` requires `product`)

const createProduct: Handler = (ctx) => {
  const p = validateParams(
    {
      name: { t: "string", req: true },
      id: S,
      active: { t: "bool" },
      description: S,
      metadata: METADATA,
      unit_label: S,
      url: S,
      type: { t: "string", enum: ["good", "service"] },
    },
    ctx.raw,
  );
  const d = data(ctx);
  const id = p.id ?? ctx.world.rng.id("prod");
  if (d.products.has(id)) throw invalidRequest(`Product already exists.`, { code: "resource_already_exists", param: "id" });
  const obj: WireProduct = {
    id,
    object: "product",
    active: p.active ?? true,
    created: now(ctx),
    default_price: null,
    description: p.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: newMetadata(p.metadata),
    name: p.name,
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    tax_details: null,
    type: p.type ?? "service",
    unit_label: p.unit_label ?? null,
    updated: now(ctx),
    url: p.url ?? null,
  };
  d.products.set(id, { obj, ...meta(ctx) });
  emit(ctx, "product.created", obj);
  return { body: structuredClone(obj) };
};

const retrieveProduct: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const p = data(ctx).products.get(pathId(ctx));
  if (!p) throw noSuch("product", pathId(ctx));
  return { body: structuredClone(p.obj) };
};

const listProducts: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, active: { t: "bool" }, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).products.values(), (x) => x.obj.created).filter(
    (x) => (p.active === undefined || x.obj.active === p.active) && createdMatches(x.obj.created, p.created),
  );
  return { body: paginate(items, (x) => x.obj.id, p, "/v1/products", (x) => structuredClone(x.obj)) };
};

// ---------------------------------------------------------------------------
// Invoice items

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

function checkTaxRates(ctx: ApiContext, ids: string[] | null | undefined, param: string): string[] | undefined {
  if (ids === undefined) return undefined;
  if (ids === null) return [];
  ids.forEach((id, i) => getTaxRate(ctx, id, `${param}[${i}]`));
  return [...ids];
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

const createInvoiceItem: Handler = (ctx) => {
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

const retrieveInvoiceItem: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: renderInvoiceItem(data(ctx), getItem(ctx)) };
};

const updateInvoiceItem: Handler = (ctx) => {
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

const deleteInvoiceItem: Handler = (ctx) => {
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

const listInvoiceItems: Handler = (ctx) => {
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

// ---------------------------------------------------------------------------
// Invoices

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

const createInvoice: Handler = (ctx) => {
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

const retrieveInvoice: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: invoiceSnapshot(ctx, getPathInvoice(ctx)) };
};

const ALWAYS_EDITABLE = new Set(["metadata", "auto_advance", "expand"]);

function applyInvoiceEdits(ctx: ApiContext, inv: InvoiceRecord, p: InvoiceEditParams): () => void {
  if (inv.status !== "draft") {
    const blocked = Object.keys(p).find((k) => !ALWAYS_EDITABLE.has(k));
    if (blocked) throw notEditable(inv, blocked);
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

const updateInvoice: Handler = (ctx) => {
  const p = validateParams(INVOICE_EDITABLE, ctx.raw);
  const inv = getPathInvoice(ctx);
  const apply = applyInvoiceEdits(ctx, inv, p);
  withInvoiceUpdate(ctx, inv, apply);
  return { body: invoiceSnapshot(ctx, inv) };
};

const deleteInvoice: Handler = (ctx) => {
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

const listInvoices: Handler = (ctx) => {
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

const searchInvoices: Handler = (ctx) => {
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

const finalizeInvoiceRoute: Handler = (ctx) => {
  const p = validateParams({ auto_advance: { t: "bool" } }, ctx.raw);
  const inv = getPathInvoice(ctx);
  if (p.auto_advance !== undefined && inv.status === "draft") inv.autoAdvance = p.auto_advance;
  finalizeInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

const sendInvoiceRoute: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  sendInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

const voidInvoiceRoute: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  voidInvoice(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

const markUncollectibleRoute: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const inv = getPathInvoice(ctx);
  markUncollectible(op(ctx), inv);
  return { body: invoiceSnapshot(ctx, inv) };
};

const payInvoiceRoute: Handler = (ctx) => {
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
  payInvoice(op(ctx), inv, { outOfBand: true });
  return { body: invoiceSnapshot(ctx, inv) };
};

const listInvoiceLines: Handler = (ctx) => {
  const p = validateParams(LIST_PARAMS, ctx.raw);
  const inv = getPathInvoice(ctx);
  const lines = renderLines(data(ctx), inv);
  return { body: paginate(lines, (l) => l.id, p, `/v1/invoices/${inv.id}/lines`, (l) => l) };
};

// ---------------------------------------------------------------------------
// Events

const listEvents: Handler = (ctx) => {
  const p = validateParams(
    { ...LIST_PARAMS, type: S, types: { t: "array", of: S, max: 20 }, created: CREATED_FILTER, delivery_success: { t: "bool" } },
    ctx.raw,
  );
  if (p.type !== undefined && p.types !== undefined) {
    throw paramError("You may only specify one of these parameters: type, types.", "type", "parameters_exclusive");
  }
  const typeMatches = (t: string) => {
    const patterns = p.types ?? (p.type !== undefined ? [p.type] : null);
    if (!patterns) return true;
    return patterns.some((pat) => (pat.endsWith(".*") ? t.startsWith(pat.slice(0, -1)) : t === pat));
  };
  const items = newestFirst(data(ctx).events.values(), (e) => e.obj.created).filter(
    (e) =>
      typeMatches(e.obj.type) &&
      createdMatches(e.obj.created, p.created) &&
      (p.delivery_success === undefined || (e.obj.pending_webhooks === 0) === p.delivery_success),
  );
  return { body: paginate(items, (e) => e.obj.id, p, "/v1/events", (e) => structuredClone(e.obj)) };
};

const retrieveEvent: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const e = data(ctx).events.get(pathId(ctx));
  if (!e) throw noSuch("event", pathId(ctx));
  return { body: structuredClone(e.obj) };
};

// ---------------------------------------------------------------------------
// Routing

const ID = "([^/]+)";

function route(method: Route["method"], path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replace(/:id/g, ID)}$`), handler };
}

export const ROUTES: Route[] = [
  route("GET", "/v1/account", retrieveOwnAccount),
  route("GET", "/v1/accounts/:id", retrieveAccount),
  route("POST", "/v1/customers", createCustomer),
  route("GET", "/v1/customers", listCustomers),
  route("GET", "/v1/customers/search", searchCustomers),
  route("GET", "/v1/customers/:id", retrieveCustomer),
  route("POST", "/v1/customers/:id", updateCustomer),
  route("DELETE", "/v1/customers/:id", deleteCustomer),
  route("POST", "/v1/tax_rates", createTaxRate),
  route("GET", "/v1/tax_rates", listTaxRates),
  route("GET", "/v1/tax_rates/:id", retrieveTaxRate),
  route("POST", "/v1/tax_rates/:id", updateTaxRate),
  route("POST", "/v1/coupons", createCoupon),
  route("GET", "/v1/coupons", listCoupons),
  route("GET", "/v1/coupons/:id", retrieveCoupon),
  route("POST", "/v1/products", createProduct),
  route("GET", "/v1/products", listProducts),
  route("GET", "/v1/products/:id", retrieveProduct),
  route("POST", "/v1/invoiceitems", createInvoiceItem),
  route("GET", "/v1/invoiceitems", listInvoiceItems),
  route("GET", "/v1/invoiceitems/:id", retrieveInvoiceItem),
  route("POST", "/v1/invoiceitems/:id", updateInvoiceItem),
  route("DELETE", "/v1/invoiceitems/:id", deleteInvoiceItem),
  route("POST", "/v1/invoices", createInvoice),
  route("GET", "/v1/invoices", listInvoices),
  route("GET", "/v1/invoices/search", searchInvoices),
  route("GET", "/v1/invoices/:id", retrieveInvoice),
  route("POST", "/v1/invoices/:id", updateInvoice),
  route("DELETE", "/v1/invoices/:id", deleteInvoice),
  route("POST", "/v1/invoices/:id/finalize", finalizeInvoiceRoute),
  route("POST", "/v1/invoices/:id/send", sendInvoiceRoute),
  route("POST", "/v1/invoices/:id/void", voidInvoiceRoute),
  route("POST", "/v1/invoices/:id/mark_uncollectible", markUncollectibleRoute),
  route("POST", "/v1/invoices/:id/pay", payInvoiceRoute),
  route("GET", "/v1/invoices/:id/lines", listInvoiceLines),
  route("GET", "/v1/events", listEvents),
  route("GET", "/v1/events/:id", retrieveEvent),
];

export function findRoute(method: string, path: string): { handler: Handler; pathParams: string[] } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { handler: r.handler, pathParams: m.slice(1).map((s) => decodeURIComponent(s)) };
  }
  return null;
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    },
    { beforeExecution: true },
  );
}

// ---------------------------------------------------------------------------
// expand[]

function resolveExpandable(ctx: ApiContext, field: string, id: string): object | null {
  const d = data(ctx);
  switch (field) {
    case "customer":
      return d.customers.get(id)?.obj ?? null;
    case "invoice": {
      const inv = d.invoices.get(id);
      return inv ? invoiceSnapshot(ctx, inv) : null;
    }
    case "invoice_item": {
      const item = d.invoiceItems.get(id);
      return item ? renderInvoiceItem(d, item) : null;
    }
    case "discounts":
    case "discount":
      return d.discounts.get(id)?.obj ?? null;
    case "coupon": {
      const c = d.coupons.get(id);
      return c ? renderCoupon(ctx, c.obj) : null;
    }
    case "tax_rate":
      return d.taxRates.get(id)?.obj ?? null;
    case "product":
      return d.products.get(id)?.obj ?? null;
    default:
      return null;
  }
}

function expandPath(ctx: ApiContext, node: unknown, segments: string[], full: string): unknown {
  if (typeof node !== "object" || node === null) return node;
  const obj = node as Record<string, unknown>;
  const [seg, ...rest] = segments;
  if (seg === undefined) return node;
  if (!(seg in obj)) throw invalidRequest(`This property cannot be expanded (${full}).`, { param: "expand" });
  const value = obj[seg];
  const resolve = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    const r = resolveExpandable(ctx, seg, v);
    if (!r) throw invalidRequest(`This property cannot be expanded (${full}).`, { param: "expand" });
    return structuredClone(r);
  };
  if (rest.length === 0) {
    obj[seg] = Array.isArray(value) ? value.map(resolve) : value === null ? null : resolve(value);
    return node;
  }
  if (Array.isArray(value)) {
    obj[seg] = value.map((v) => expandPath(ctx, resolveMaybe(ctx, seg, v), rest, full));
  } else {
    obj[seg] = expandPath(ctx, resolveMaybe(ctx, seg, value), rest, full);
  }
  return node;
}

function resolveMaybe(ctx: ApiContext, field: string, v: unknown): unknown {
  if (typeof v !== "string") return v;
  const r = resolveExpandable(ctx, field, v);
  return r ? structuredClone(r) : v;
}

export function applyExpand(ctx: ApiContext, body: object, expand: string[] | undefined): object {
  if (!expand || expand.length === 0) return body;
  const out = structuredClone(body) as Record<string, unknown>;
  for (const path of expand) {
    if (path === "total_count" && out.object === "search_result") continue;
    const segments = path.split(".");
    if (segments.length > 4) throw invalidRequest("You cannot expand more than 4 levels of a property.", { param: "expand" });
    expandPath(ctx, out, segments, path);
  }
  return out;
}
