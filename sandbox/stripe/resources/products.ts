// Products: create, retrieve, list. Modelled because an invoice item's
// `price_data` requires a `product`, and an invoice line's `price_data` takes a
// `product` or creates one inline from `product_data`.

import { invalidRequest, noSuch } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import type { WireProduct } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { METADATA, S, newMetadata } from "./fields.js";

/** What a new product is made of: `POST /v1/products` or a line's `price_data[product_data]`. */
export interface NewProduct {
  id?: string;
  name: string;
  active?: boolean;
  description?: string;
  metadata?: Record<string, string> | null;
  unit_label?: string;
  url?: string;
  type?: WireProduct["type"];
  images?: string[];
  tax_code?: string;
}

/** `price_data[product_data]` of an invoice line (the SDK's `InvoiceAddLinesParams.Line.PriceData.ProductData`). */
export const PRODUCT_DATA = {
  t: "object",
  fields: {
    name: { t: "string", req: true },
    description: S,
    images: { t: "array", of: S, max: 8 },
    metadata: METADATA,
    tax_code: S,
    unit_label: S,
  },
} as const;

/** Stores a product and emits `product.created`. */
export function newProduct(ctx: ApiContext, p: NewProduct): WireProduct {
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
    images: p.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: newMetadata(p.metadata),
    name: p.name,
    package_dimensions: null,
    shippable: null,
    tax_code: p.tax_code ?? null,
    tax_details: null,
    type: p.type ?? "service",
    unit_label: p.unit_label ?? null,
    updated: now(ctx),
    url: p.url ?? null,
  };
  d.products.set(id, { obj, ...meta(ctx) });
  emit(ctx, "product.created", obj);
  return obj;
}

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
  return { body: structuredClone(newProduct(ctx, p)) };
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
