// Calls a Remix loader or action the way Remix does, with a real Request.
// Remix treats a thrown Response as the answer; so do these helpers.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

export type RouteFunction<T> = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<T>;

export async function callRoute<T>(
  fn: RouteFunction<T>,
  request: Request,
  params: Record<string, string> = {},
  /** The load context the HTTP server provides (server/: the socket's `remoteAddress`). */
  context: Record<string, unknown> = {},
): Promise<T | Response> {
  try {
    return await fn({ request, params, context });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The route answered with a Response (redirect, error status, raw body). */
export function asResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(value)}`);
  return value;
}

/** {@link routeAnswer} with the answer's headers, and the Response itself when there is one (its raw body). */
export function routeAnswerWithHeaders<T = Record<string, unknown>>(
  value: unknown,
): { status: number; body: T; location: string | null; headers: Headers; response: Response | null } {
  if (value instanceof Response) return { status: value.status, body: null as T, location: value.headers.get("location"), headers: value.headers, response: value };
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "DataWithResponseInit") {
    const wrapped = value as { data: T; init: ResponseInit | null };
    return { status: wrapped.init?.status ?? 200, body: wrapped.data, location: null, headers: new Headers(wrapped.init?.headers), response: null };
  }
  return { status: 200, body: value as T, location: null, headers: new Headers(), response: null };
}

/**
 * What a route answered, as a browser would see it: a Response's status and
 * redirect, or `data(…, { status })`'s status and body, or a plain value (200).
 */
export function routeAnswer<T = Record<string, unknown>>(value: unknown): { status: number; body: T; location: string | null } {
  const { status, body, location } = routeAnswerWithHeaders<T>(value);
  return { status, body, location };
}
