// Calls a Remix loader or action the way Remix does, with a real Request.
// Remix treats a thrown Response as the answer; so do these helpers.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

type RouteFunction<T> = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<T>;

export async function callRoute<T>(
  fn: RouteFunction<T>,
  request: Request,
  params: Record<string, string> = {},
): Promise<T | Response> {
  try {
    return await fn({ request, params, context: {} });
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
