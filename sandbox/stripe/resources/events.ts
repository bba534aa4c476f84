// Events of the calling account: list (type / types with `.*` wildcards,
// created, delivery_success) and retrieve.

import { noSuch, paramError } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import { data, pathId, type Handler } from "./context.js";
import { S } from "./fields.js";

export const list: Handler = (ctx) => {
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

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const e = data(ctx).events.get(pathId(ctx));
  if (!e) throw noSuch("event", pathId(ctx));
  return { body: structuredClone(e.obj) };
};
