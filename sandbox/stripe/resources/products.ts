// Products: create, retrieve, list. Modelled because an invoice item's
// `price_data` requires a `product`.

import { invalidRequest, noSuch } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import type { WireProduct } from "../types.js";
import { data, emit, meta, now, pathId, type Handler } from "./context.js";
import { METADATA, S, newMetadata } from "./fields.js";

export const create: Handler = (ctx) => {
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

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const p = data(ctx).products.get(pathId(ctx));
  if (!p) throw noSuch("product", pathId(ctx));
  return { body: structuredClone(p.obj) };
};

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, active: { t: "bool" }, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).products.values(), (x) => x.obj.created).filter(
    (x) => (p.active === undefined || x.obj.active === p.active) && createdMatches(x.obj.created, p.created),
  );
  return { body: paginate(items, (x) => x.obj.id, p, "/v1/products", (x) => structuredClone(x.obj)) };
};
