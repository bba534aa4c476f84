// What every /v1 resource handler receives and the accessors they share.
// A handler validates its parameters (unknown → `parameter_unknown`, missing →
// `parameter_missing`), works only inside the calling account, and records an
// Event for every state change. The pipeline (../pipeline.ts) builds the
// context after authentication, faults and idempotency; the router
// (../router.ts) picks the handler.

import type { RawParams } from "../params.js";
import type { AccountData } from "../store.js";
import type { AccountRecord, Meta } from "../types.js";
import type { RequestRef, World } from "../world.js";

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

export type Handler = (ctx: ApiContext) => ApiResult;

/** The calling account's objects. */
export function data(ctx: ApiContext): AccountData {
  return ctx.world.store.of(ctx.account.id);
}

/** Stand-in clock, unix seconds (Stripe's `created`). */
export function now(ctx: ApiContext): number {
  return ctx.world.clock.seconds();
}

/** Bookkeeping for a new stored object: insertion order and wall time (for search lag). */
export function meta(ctx: ApiContext): Meta {
  return { seq: ctx.world.store.nextSeq(), wall: Date.now() };
}

export function emit(ctx: ApiContext, type: Parameters<World["emit"]>[1], object: object, previous?: Record<string, unknown>): void {
  ctx.world.emit(ctx.account.id, type, object, previous ? { previous, request: ctx.request } : { request: ctx.request });
}

/** The i-th `:id` of the matched path ("" when absent). */
export function pathId(ctx: ApiContext, i = 0): string {
  return ctx.pathParams[i] ?? "";
}

/** Whether search already sees an object (Stripe's search index lags writes). */
export function searchable(ctx: ApiContext, m: Meta): boolean {
  return ctx.searchLagMs <= 0 || m.wall <= Date.now() - ctx.searchLagMs;
}
