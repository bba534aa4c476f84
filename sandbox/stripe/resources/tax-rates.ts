// Tax rates (manual rates; Stripe Tax is not modelled): create, retrieve,
// update (the percentage and inclusiveness are immutable, as on Stripe), list.
// Also the check every `tax_rates[]` / `default_tax_rates[]` param goes through.

import { invalidRequest, noSuch } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { normalizeDecimal } from "../money.js";
import { validateParams, type Spec } from "../params.js";
import { newestFirst } from "../store.js";
import type { WireTaxRate } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { METADATA, S, mergeMetadata, newMetadata, nullIfEmpty } from "./fields.js";

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

export const create: Handler = (ctx) => {
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

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const r = data(ctx).taxRates.get(pathId(ctx));
  if (!r) throw noSuch("tax_rate", pathId(ctx));
  return { body: structuredClone(r.obj) };
};

export const update: Handler = (ctx) => {
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

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, active: { t: "bool" }, inclusive: { t: "bool" }, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).taxRates.values(), (r) => r.obj.created).filter(
    (r) =>
      (p.active === undefined || r.obj.active === p.active) &&
      (p.inclusive === undefined || r.obj.inclusive === p.inclusive) &&
      createdMatches(r.obj.created, p.created),
  );
  return { body: paginate(items, (r) => r.obj.id, p, "/v1/tax_rates", (r) => structuredClone(r.obj)) };
};

/** An active tax rate of the calling account, for a parameter that applies it. */
function getTaxRate(ctx: ApiContext, id: string, param: string) {
  const r = data(ctx).taxRates.get(id);
  if (!r) throw noSuch("tax_rate", id, param);
  if (!r.obj.active) throw invalidRequest(`Tax rate ${id} is inactive and can't be applied.`, { param });
  return r;
}

/** Validates `tax_rates[]`-style params: undefined = not given, null/"" = clear. */
export function checkTaxRates(ctx: ApiContext, ids: string[] | null | undefined, param: string): string[] | undefined {
  if (ids === undefined) return undefined;
  if (ids === null) return [];
  ids.forEach((id, i) => getTaxRate(ctx, id, `${param}[${i}]`));
  return [...ids];
}
