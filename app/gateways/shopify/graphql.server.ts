// The one way app code talks to the Shopify Admin GraphQL API: through the
// `admin` client that @shopify/shopify-app-remix hands to authenticated
// requests. Every document lives in a `#graphql` template literal so the
// contract test (tests/unit/graphql-contract.test.ts) can find it and validate
// it against the real Admin schema, and so Shopify's codegen preset can
// generate its result and variable types (./generated/, `npm run graphql-codegen`).
import type { AdminOperations } from "@shopify/admin-api-client";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

export type AdminGraphql = Pick<AdminApiContext, "graphql">;

/**
 * An Admin document with generated types: its exact text is a key of the
 * interfaces ./generated/admin.generated.d.ts adds to
 * @shopify/admin-api-client. A document edited without running
 * `npm run graphql-codegen` is no longer one, and does not compile (tsc: the
 * document "is not assignable to parameter of type '"#graphql…'": regenerate).
 */
export type AdminDocument = GeneratedKeys<AdminOperations>;
/** The literal keys only: @shopify/admin-api-client's interfaces also accept any string, typed `any`. */
type GeneratedKeys<T> = keyof { [K in keyof T as string extends K ? never : K extends string ? K : never]: T[K] };
/** The `data` of a document's answer, as generated from the schema. */
export type ResultOf<Document extends AdminDocument> = AdminOperations[Document]["return"];
/** The variables a document declares, as generated from the schema. */
export type VariablesOf<Document extends AdminDocument> = AdminOperations[Document]["variables"];

export class ShopifyGraphqlError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: unknown,
  ) {
    super(`Shopify rejected ${operation}: ${JSON.stringify(errors)}`);
    this.name = "ShopifyGraphqlError";
  }
}

/** Shopify kept answering THROTTLED after every allowed retry. Transient: try again later. */
export class ShopifyThrottledError extends ShopifyGraphqlError {
  constructor(
    operation: string,
    errors: unknown,
    readonly attempts: number,
  ) {
    super(operation, errors);
    this.name = "ShopifyThrottledError";
  }
}

/** `extensions.cost.throttleStatus` of an Admin API answer (leaky bucket, in cost points). */
export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
export type QueryCost = { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: ThrottleStatus };

export type RunAdminQueryOptions = {
  /** How to wait before a retry; tests inject one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after a THROTTLED answer before giving up (default 5). */
  maxThrottleRetries?: number;
};

const DEFAULT_THROTTLE_RETRIES = 5;
/** Used only when a THROTTLED answer carries no cost extension (Shopify always sends one). */
const FALLBACK_WAIT_MS = 1_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one document and returns `data`, or throws ShopifyGraphqlError with
 * Shopify's errors. Untyped: gateways call runAdminDocument, which gives the
 * document's generated types.
 *
 * Throttling is cost-aware: on a THROTTLED answer it waits exactly as long as
 * the bucket needs to refill the points the query asks for,
 * (requestedQueryCost − currentlyAvailable) / restoreRate seconds, then tries
 * again, at most `maxThrottleRetries` times (then ShopifyThrottledError).
 * Queries are read-only and a throttled mutation was never executed, so a
 * retry can never apply a mutation twice.
 *
 * Anything else the client throws (a Response asking the browser to
 * re-authenticate, a network error) propagates unchanged.
 */
export async function runAdminQuery<Data>(
  admin: AdminGraphql,
  operation: string,
  document: string,
  variables?: Record<string, unknown>,
  options: RunAdminQueryOptions = {},
): Promise<Data> {
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxThrottleRetries ?? DEFAULT_THROTTLE_RETRIES;
  for (let attempt = 0; ; attempt++) {
    const answer = await send<Data>(admin, document, variables);
    if (!answer.errors && answer.data) return answer.data;
    if (!isThrottled(answer.errors)) throw new ShopifyGraphqlError(operation, answer.errors ?? "no data");
    if (attempt >= maxRetries) throw new ShopifyThrottledError(operation, answer.errors, attempt + 1);
    await sleep(throttleWaitMs(answer.cost, attempt));
  }
}

/**
 * Runs one of the app's documents (see AdminDocument) with its generated
 * variable and result types; the operation name in errors is the document's.
 * Behaves as runAdminQuery.
 */
export function runAdminDocument<Document extends AdminDocument>(
  admin: AdminGraphql,
  document: Document,
  variables?: VariablesOf<Document>,
  options?: RunAdminQueryOptions,
): Promise<ResultOf<Document>> {
  const operation = /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "anonymous operation";
  return runAdminQuery<ResultOf<Document>>(admin, operation, document, variables, options);
}

/**
 * Milliseconds until the bucket holds `requestedQueryCost` points again; at
 * least one restore tick, so a retry never fires into the same empty bucket.
 */
export function throttleWaitMs(cost: QueryCost | undefined, attempt: number): number {
  const status = cost?.throttleStatus;
  if (!cost || !status || !(status.restoreRate > 0)) return FALLBACK_WAIT_MS * 2 ** attempt;
  const missing = Math.max(cost.requestedQueryCost - status.currentlyAvailable, 1);
  return Math.ceil((missing / status.restoreRate) * 1000);
}

type Answer<Data> = { data?: Data; errors?: unknown; cost?: QueryCost };

/**
 * One request, with both shapes of failure folded into one answer: the
 * library's admin client throws GraphqlQueryError (its `body` holds
 * `errors.graphQLErrors` and `extensions`), a plain client returns the JSON.
 */
async function send<Data>(admin: AdminGraphql, document: string, variables?: Record<string, unknown>): Promise<Answer<Data>> {
  let body: { data?: Data; errors?: unknown; extensions?: { cost?: QueryCost } };
  try {
    const response = await admin.graphql(document, variables ? { variables } : undefined);
    body = (await response.json()) as typeof body;
  } catch (error) {
    const thrown = graphqlErrorBody(error);
    if (!thrown) throw error;
    return { errors: thrown.errors, cost: thrown.extensions?.cost };
  }
  return { data: body.data, errors: body.errors, cost: body.extensions?.cost };
}

function graphqlErrorBody(error: unknown): { errors: unknown; extensions?: { cost?: QueryCost } } | null {
  if (!error || typeof error !== "object" || !("body" in error)) return null;
  const body = (error as { body?: { errors?: { graphQLErrors?: unknown }; extensions?: { cost?: QueryCost } } }).body;
  if (!body?.errors?.graphQLErrors) return null;
  return { errors: body.errors.graphQLErrors, extensions: body.extensions };
}

function isThrottled(errors: unknown): boolean {
  return hasErrorCode(errors, "THROTTLED");
}

/**
 * Shopify answered 401 to the access token (expired, revoked, or replaced by a
 * newer pair): nothing of the request ran. The library's client throws an
 * HttpResponseError; matched by shape, as the app and the library may hold
 * different copies of @shopify/shopify-api's classes.
 */
export function isUnauthorized(error: unknown): boolean {
  if (!error || typeof error !== "object" || !("response" in error)) return false;
  const response = (error as { response?: { code?: unknown } }).response;
  return response?.code === 401;
}

/**
 * Shopify refused a field the shop's grant does not cover (ACCESS_DENIED):
 * the app asks for a scope the merchant has not approved yet. Final until
 * the merchant approves it; retrying does not help.
 */
/**
 * The HTTP status of an Admin request Shopify refused before running it
 * (4xx: 402 a frozen shop, 404 a closed one, 423 a locked one, 429
 * throttled…; https://shopify.dev/docs/api/usage/response-codes), or null
 * for anything else (a network error: the request may have run). The
 * library throws these as HttpResponseError, with `response.code`.
 */
export function httpRefusalStatus(error: unknown): number | null {
  if (!error || typeof error !== "object" || !("response" in error)) return null;
  const code = (error as { response?: { code?: unknown } }).response?.code;
  return typeof code === "number" && code >= 400 && code < 500 ? code : null;
}

/**
 * The request got no answer at all (the connection failed or dropped: the
 * request may or may not have run). The library's client throws an
 * HttpRequestError, "Http request error, no response available: …"; matched
 * by shape (name or message), as for isUnauthorized.
 */
export function isNoResponse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.constructor.name === "HttpRequestError" || error.message.startsWith("Http request error, no response available");
}

export function isAccessDenied(error: unknown): boolean {
  return error instanceof ShopifyGraphqlError && hasErrorCode(error.errors, "ACCESS_DENIED");
}

function hasErrorCode(errors: unknown, code: string): boolean {
  return (
    Array.isArray(errors) &&
    errors.some((error: { extensions?: { code?: unknown } } | null) => error?.extensions?.code === code)
  );
}
