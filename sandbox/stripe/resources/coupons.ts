// Coupons (create, retrieve, list) and the Discount objects they become when
// an invoice or an invoice item's `discounts[]` names them.

import { invalidRequest, noSuch, paramError } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { normalizeDecimal } from "../money.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import type { WireCoupon, WireDiscount } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { METADATA, S, lower, newMetadata } from "./fields.js";

export const create: Handler = (ctx) => {
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

export function renderCoupon(ctx: ApiContext, c: WireCoupon): WireCoupon {
  return { ...structuredClone(c), valid: couponValid(ctx, c) };
}

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const c = data(ctx).coupons.get(pathId(ctx));
  if (!c) throw noSuch("coupon", pathId(ctx));
  return { body: renderCoupon(ctx, c.obj) };
};

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).coupons.values(), (c) => c.obj.created).filter((c) => createdMatches(c.obj.created, p.created));
  return { body: paginate(items, (c) => c.obj.id, p, "/v1/coupons", (c) => renderCoupon(ctx, c.obj)) };
};

function couponValid(ctx: ApiContext, c: WireCoupon): boolean {
  if (c.redeem_by !== null && c.redeem_by < now(ctx)) return false;
  if (c.max_redemptions !== null && c.times_redeemed >= c.max_redemptions) return false;
  return true;
}

type DiscountSpec = { coupon?: string; discount?: string };
type DiscountTarget = { invoice: string | null; invoiceItem: string | null; customer: string; currency: string };

/**
 * Validates `discounts[]` params without creating anything (so a request that
 * carries several of them — `add_lines` — can check every line first).
 * `param` names the parameter in errors: `discounts`, `lines[3][discounts]`.
 */
export function checkDiscounts(ctx: ApiContext, specs: DiscountSpec[], currency: string, param = "discounts"): void {
  const d = data(ctx);
  specs.forEach((spec, i) => {
    if (spec.discount !== undefined) {
      if (!d.discounts.has(spec.discount)) throw noSuch("discount", spec.discount, `${param}[${i}][discount]`);
      return;
    }
    if (spec.coupon === undefined) throw paramError("Each discount needs a `coupon` or a `discount`.", `${param}[${i}]`, "parameter_missing");
    const coupon = d.coupons.get(spec.coupon);
    if (!coupon) throw noSuch("coupon", spec.coupon, `${param}[${i}][coupon]`);
    if (!couponValid(ctx, coupon.obj)) {
      throw invalidRequest(`Coupon expired: ${spec.coupon}`, { code: "coupon_expired", param: `${param}[${i}][coupon]` });
    }
    if (coupon.obj.amount_off !== null && coupon.obj.currency !== currency) {
      throw invalidRequest(
        `The currency of coupon ${spec.coupon} (${coupon.obj.currency ?? "none"}) must match the currency of the invoice (${currency}).`,
        { param: `${param}[${i}][coupon]` },
      );
    }
  });
}

/** Discount objects for already-checked `discounts[]` params (existing discounts are reused as is). */
export function createDiscounts(ctx: ApiContext, specs: DiscountSpec[], target: DiscountTarget): string[] {
  const d = data(ctx);
  const ids: string[] = [];
  for (const spec of specs) {
    if (spec.discount !== undefined) {
      ids.push(spec.discount);
      continue;
    }
    const coupon = spec.coupon === undefined ? undefined : d.coupons.get(spec.coupon);
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

/** Turn `discounts[]` params into Discount objects attached to an invoice or an invoice item. */
export function makeDiscounts(ctx: ApiContext, specs: DiscountSpec[], target: DiscountTarget): string[] {
  checkDiscounts(ctx, specs, target.currency);
  return createDiscounts(ctx, specs, target);
}
