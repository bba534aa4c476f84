// `expand[]`: replaces ids in a response body by the objects they name, through
// nested objects and lists (`lines.data.discounts`), at most four levels deep.
// Which segment names may be expanded at all is checked before execution
// (pipeline.ts); a path that leads to no expandable id answers 400 here.

import { invalidRequest } from "./errors.js";
import { renderInvoiceItem } from "./invoice-render.js";
import { data, type ApiContext } from "./resources/context.js";
import { renderCoupon } from "./resources/coupons.js";
import { invoiceSnapshot } from "./resources/invoices.js";

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