// Events of the calling account: list and retrieve, as v1 offers them.
// Filters are exactly those of `GET /v1/events` — `type` (with `*`
// wildcards) or `types` (up to 20), `created`, `delivery_success`, and the
// cursors; there is no filter by object (no `related_object`, a v2 notion):
// to find an invoice's `invoice.sent`, list `type=invoice.sent` and match
// `data.object.id` (https://docs.stripe.com/api/events/list). Both list and
// retrieve reach back 30 days of the stand-in clock ("List events, going back
// up to 30 days"; retrieve "if it was created in the last 30 days").

import { noSuch, paramError } from "../errors.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import type { Stored, WireEvent } from "../types.js";
import { data, now, pathId, type ApiContext, type Handler } from "./context.js";
import { S } from "./fields.js";

export const EVENT_RETENTION_SECONDS = 30 * 86_400;

function retained(ctx: ApiContext, e: Stored<WireEvent>): boolean {
  return e.obj.created > now(ctx) - EVENT_RETENTION_SECONDS;
}

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
      retained(ctx, e) &&
      typeMatches(e.obj.type) &&
      createdMatches(e.obj.created, p.created) &&
      (p.delivery_success === undefined || (e.obj.pending_webhooks === 0) === p.delivery_success),
  );
  return { body: paginate(items, (e) => e.obj.id, p, "/v1/events", (e) => structuredClone(e.obj)) };
};

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const e = data(ctx).events.get(pathId(ctx));
  if (!e || !retained(ctx, e)) throw noSuch("event", pathId(ctx));
  return { body: structuredClone(e.obj) };
};
