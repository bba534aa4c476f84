// The process's Prometheus metrics (prom-client), for `/metrics`.
//
// Two kinds, because several processes share one database:
// - counters and histograms of what *this process* did (Stripe calls, rate
//   limiter waits, due→sent lag, lease takeovers, webhook deliveries, worker
//   ticks): each process exposes its own, and Prometheus sums them across
//   processes (`sum by (…) (rate(…))`). The web process serves them on
//   `/metrics`; a worker process on its own port (`--metrics-port`,
//   app/worker/metrics-server.server.ts).
// - gauges read from the database when scraped (runs by state, write-backs by
//   state, the workers' last tick): the same for every process, so only the
//   web process's `/metrics` serves them, from a registry of their own
//   (app/services/health/collect-metrics.server.ts), never a worker's port —
//   summing them across processes would multiply them.
//
// Label values are bounded sets (states, HTTP status classes, outcomes):
// never an account, shop or run id, which would make one series per tenant.
import client from "prom-client";

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "ritournelle_process_" });
  const metric = <T>(make: (registers: client.Registry[]) => T): T => make([registry]);
  return {
    registry,
    dueToSentLag: metric(
      (registers) =>
        new client.Histogram({
          name: "ritournelle_due_to_sent_lag_seconds",
          help: "From a period's due instant to its invoice being sent, per invoice this process sent.",
          buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
          registers,
        }),
    ),
    stripeRequests: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_stripe_requests_total",
          help: "Stripe API calls this process made, by HTTP status (or `network` when no answer came) and account class (platform or connected).",
          labelNames: ["status", "account_class"] as const,
          registers,
        }),
    ),
    rateLimitWait: metric(
      (registers) =>
        new client.Histogram({
          name: "ritournelle_stripe_rate_limit_wait_seconds",
          help: "Time a Stripe call waited for its account's rate limiter before leaving.",
          labelNames: ["account_class"] as const,
          buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    ),
    rateLimitSlotsMissed: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_stripe_rate_limit_slots_missed_total",
          help: "Stripe request slots this process took and could not use in time, by reason: the database's answer came after the slot (reservation_late), the process woke after it (woke_late), or the request reached its socket after it (written_late). Each is a slot of the account's limit lost; many mean the process is short of CPU.",
          labelNames: ["account_class", "reason"] as const,
          registers,
        }),
    ),
    leaseTakeovers: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_run_lease_takeovers_total",
          help: "Runs this process claimed whose previous lease had expired unreleased (its worker died or stalled).",
          registers,
        }),
    ),
    templateLeasesSwept: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_template_leases_swept_total",
          help: "Planning leases this process's worker gave back because they had expired unreleased (a worker died between its claim and its plan).",
          registers,
        }),
    ),
    webhookDeliveries: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_webhook_deliveries_total",
          help: "Webhook deliveries this process answered, by source (stripe, shopify) and outcome.",
          labelNames: ["source", "outcome"] as const,
          registers,
        }),
    ),
    workerTicks: metric(
      (registers) =>
        new client.Counter({ name: "ritournelle_worker_ticks_total", help: "Worker ticks this process completed (failed ones included).", labelNames: ["result"] as const, registers }),
    ),
    runOutcomes: metric(
      (registers) =>
        new client.Counter({
          name: "ritournelle_run_outcomes_total",
          help: "Attempts this process's worker ended, by outcome (sent, retry_scheduled, failed, waiting, stopped, released…).",
          labelNames: ["outcome"] as const,
          registers,
        }),
    ),
  };
}

export type Metrics = ReturnType<typeof create>;

declare global {
  // On globalThis because the Remix build bundles its own copy of this
  // module: the web process's routes and its embedded worker must count into one registry.
  var __ritournelleMetrics: Metrics | undefined;
}

/** The process's metrics (one registry per process). */
export function metrics(): Metrics {
  return (globalThis.__ritournelleMetrics ??= create());
}

/** "platform" for calls as the platform itself, "connected" for calls on a merchant's account. */
export function accountClass(account: string | null): "platform" | "connected" {
  return account === null ? "platform" : "connected";
}
