// Cursor pagination (`limit`, `starting_after`, `ending_before`, `has_more`)
// and search pagination (`page` / `next_page`), Stripe's v1 list envelopes.

import { invalidRequest, paramError, resourceNameForId } from "./errors.js";
import type { ApiListBody, SearchResultBody } from "./types.js";

export const LIST_PARAMS = {
  limit: { t: "int", min: 1, max: 100 },
  starting_after: { t: "string" },
  ending_before: { t: "string" },
} as const;

export const CREATED_FILTER = {
  t: "object",
  fields: { gt: { t: "int" }, gte: { t: "int" }, lt: { t: "int" }, lte: { t: "int" } },
} as const;

export interface PageParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

/** `items` must already be in list order (newest first for top-level resources). */
export function paginate<T, R>(
  items: T[],
  idOf: (item: T) => string,
  params: PageParams,
  url: string,
  render: (item: T) => R,
): ApiListBody<R> {
  const limit = params.limit ?? 10;
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw paramError("You may only specify one of these parameters: ending_before, starting_after.", "ending_before", "parameters_exclusive");
  }
  let slice: T[];
  let hasMore: boolean;
  const cursor = params.starting_after ?? params.ending_before;
  if (cursor !== undefined) {
    const idx = items.findIndex((i) => idOf(i) === cursor);
    if (idx === -1) {
      throw invalidRequest(`No such ${resourceNameForId(cursor)}: '${cursor}'`, {
        code: "resource_missing",
        param: params.starting_after !== undefined ? "starting_after" : "ending_before",
      });
    }
    if (params.starting_after !== undefined) {
      slice = items.slice(idx + 1, idx + 1 + limit);
      hasMore = idx + 1 + limit < items.length;
    } else {
      const start = Math.max(0, idx - limit);
      slice = items.slice(start, idx);
      hasMore = start > 0;
    }
  } else {
    slice = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  return { object: "list", data: slice.map(render), has_more: hasMore, url };
}

export function createdMatches(created: number, filter: number | { gt?: number; gte?: number; lt?: number; lte?: number } | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "number") return created === filter;
  if (filter.gt !== undefined && !(created > filter.gt)) return false;
  if (filter.gte !== undefined && !(created >= filter.gte)) return false;
  if (filter.lt !== undefined && !(created < filter.lt)) return false;
  if (filter.lte !== undefined && !(created <= filter.lte)) return false;
  return true;
}

export const SEARCH_PARAMS = {
  query: { t: "string", req: true },
  limit: { t: "int", min: 1, max: 100 },
  page: { t: "string" },
} as const;

export function searchPage<T, R>(
  items: T[],
  params: { limit?: number; page?: string; expand?: string[] },
  url: string,
  render: (item: T) => R,
): SearchResultBody<R> {
  const limit = params.limit ?? 10;
  let offset = 0;
  if (params.page !== undefined) {
    const decoded = Buffer.from(params.page, "base64url").toString("utf8");
    const m = /^offset:(\d+)$/.exec(decoded);
    if (!m) throw paramError(`Invalid page: ${params.page}`, "page");
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  const body: SearchResultBody<R> = {
    object: "search_result",
    data: slice.map(render),
    has_more: hasMore,
    url,
    next_page: hasMore ? Buffer.from(`offset:${offset + limit}`, "utf8").toString("base64url") : null,
  };
  if (params.expand?.includes("total_count")) body.total_count = items.length;
  return body;
}
