// A worker process's own HTTP port (WORKER_METRICS_PORT or --metrics-port):
//   GET /metrics  this process's counters (Stripe calls, limiter waits, lag,
//                 takeovers, ticks) — not the database gauges, which the web
//                 process serves once for all (app/metrics.server.ts);
//   GET /healthz  200 while this worker ticks, 503 once its last tick is
//                 older than the staleness bound (a liveness probe: restart it).
// Bound to WORKER_METRICS_HOST (127.0.0.1 by default); /metrics asks for
// METRICS_TOKEN when one is set.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "~/domain/clock";
import { metricsResponse } from "~/services/health/metrics-response.server";
import { WORKER_STALE_AFTER_MS } from "~/services/health/worker-liveness.server";

export type WorkerMetricsServer = { port: number; close(): Promise<void> };

export async function startWorkerMetricsServer(options: {
  host: string;
  port: number;
  clock: Clock;
  lastTickAt: () => Date | null;
  startedAt: Date;
}): Promise<WorkerMetricsServer> {
  const server = http.createServer((request, response) => {
    void answer(request).then(async (answered) => {
      response.writeHead(answered.status, Object.fromEntries(answered.headers));
      response.end(await answered.text());
    });
  });
  const answer = async (request: http.IncomingMessage): Promise<Response> => {
    const path = new URL(request.url ?? "/", "http://worker").pathname;
    if (request.method !== "GET") return new Response("Method Not Allowed", { status: 405 });
    if (path === "/metrics") return metricsResponse(request.headers.authorization ?? null, { withDatabase: false, requireToken: false });
    if (path === "/healthz") {
      const now = options.clock.nowDate().getTime();
      // Before its first tick, a worker counts from its start.
      const last = options.lastTickAt() ?? options.startedAt;
      const ok = now - last.getTime() < WORKER_STALE_AFTER_MS;
      const body = { ok, lastTickAt: options.lastTickAt()?.toISOString() ?? null, lastTickAgeSeconds: Math.max(0, (now - last.getTime()) / 1000) };
      return Response.json(body, { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
    }
    return new Response("Not Found", { status: 404 });
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
