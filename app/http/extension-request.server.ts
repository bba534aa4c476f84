// Requests from the app's admin UI extensions (extensions/*). They come from
// Shopify's extension origin (extensions.shopifycdn.com), cross-origin, with
// the `Authorization: Bearer <session token>` header the admin adds to an
// extension's fetches to the app.
//
// authenticate.admin verifies that token (and exchanges it for the shop's
// access token when needed), answers the CORS preflight itself (OPTIONS →
// 204 with the CORS headers) and returns `cors`, which puts the CORS headers
// on an answer. What this wrapper adds, because these routes are an API and
// not pages: a request without a bearer token is a 401 the extension can
// read (JSON, CORS headers), not the document flow's redirect to the login
// page; and a rejected token's bare 401 gets the same readable body.
import type { OrderActionError } from "~/domain/order-action-contract";
import { authenticate } from "~/shopify.server";
import { RateLimited } from "./rate-limit.server";

const BEARER = /^Bearer\s+\S+$/i;

/** A JSON answer, with the CORS headers an extension needs to read it. */
export function corsJson(request: Request, body: unknown, status: number, headers: HeadersInit = {}): Response {
  const response = Response.json(body, { status, headers });
  return withCors(request, response);
}

/** The headers authenticate.admin's `cors` sets, for answers given before authentication. */
function withCors(request: Request, response: Response): Response {
  if (request.headers.get("Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return response;
}

/**
 * authenticate.admin for an extension's request.
 * @throws Response 204 for the CORS preflight; 401 (JSON `{ error: "unauthorized", message }`)
 *   without a bearer token or with one Shopify did not sign for this app.
 */
export async function authenticateExtensionRequest(request: Request, unauthorizedMessage: string) {
  const unauthorized: OrderActionError = { error: "unauthorized", message: unauthorizedMessage };
  if (request.method !== "OPTIONS" && !BEARER.test(request.headers.get("Authorization") ?? "")) {
    throw corsJson(request, unauthorized, 401);
  }
  try {
    return await authenticate.admin(request);
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 401) {
      // Keep the library's headers (CORS, and the retry hint App Bridge reads).
      throw corsJson(request, unauthorized, 401, thrown.headers);
    }
    throw thrown;
  }
}

/**
 * Runs `count` (a rate limit of app/http/public-rate-limits.server.ts); a
 * spent budget is thrown as a 429 the extension can read: CORS, Retry-After,
 * `{ error: "rate_limited", message }` with `message(seconds)`.
 */
export async function withinExtensionRateLimit(request: Request, message: (seconds: number) => string, count: () => Promise<void>): Promise<void> {
  try {
    await count();
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    const seconds = error.retryAfterSeconds;
    throw corsJson(request, { error: "rate_limited", message: message(seconds) }, 429, { "Retry-After": String(seconds) });
  }
}
