// GET /metrics — Prometheus scrape of this web process (its counters) and of
// the database's gauges; bearer METRICS_TOKEN, 404 when none is configured.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { metricsResponse } from "~/services/health/metrics-response.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  metricsResponse(request.headers.get("authorization"), { withDatabase: true, requireToken: true });
