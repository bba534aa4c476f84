// The answer to GET /metrics, for the web route (app/routes/metrics.ts) and
// a worker process's own port (app/worker/metrics-server.ts).
//
// Protected by a bearer token (METRICS_TOKEN): the figures say how much a
// host bills and for how many shops. Without a token configured the web
// process serves no /metrics at all (404, as for any unknown path); a worker
// port is bound to the loopback interface by default and asks for the token
// too when one is set.
import { createHash, timingSafeEqual } from "node:crypto";
import { config } from "~/config.server";
import { logger } from "~/logger.server";
import { collectMetrics, METRICS_CONTENT_TYPE } from "./collect-metrics.server";

/** Whether `header` (the request's Authorization) carries `token` as a bearer, compared in constant time. */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * Inputs: the request's Authorization header; `withDatabase` (the web
 * process: the database gauges too); `requireToken` (false only for a
 * worker port bound to loopback without a token configured).
 * Effects: counting queries when `withDatabase`. Never throws: a database
 * failure answers 500 (Prometheus marks the scrape failed: `up == 0`).
 */
export async function metricsResponse(authorization: string | null, options: { withDatabase: boolean; requireToken: boolean }): Promise<Response> {
  const token = config().METRICS_TOKEN;
  if (!token && options.requireToken) return new Response("Not Found", { status: 404 });
  if (token && !bearerMatches(authorization, token)) {
    return new Response("Send the METRICS_TOKEN as `Authorization: Bearer <token>`.", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  }
  try {
    const body = await collectMetrics({ withDatabase: options.withDatabase });
    return new Response(body, { status: 200, headers: { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" } });
  } catch (error) {
    logger.error({ err: error }, "metrics: could not read the database gauges");
    return new Response("Metrics unavailable: the database did not answer.", { status: 500 });
  }
}
