// The text of `/metrics` (Prometheus exposition format): this process's
// counters (app/metrics.server.ts) and, for the web process, the gauges read
// from the database at each scrape (see the top of app/metrics.server.ts for
// why only the web process serves those).
import client from "prom-client";
import type { Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { RUN_STATES } from "~/domain/run-state";
import { WRITE_BACK_STATES } from "~/domain/write-back";
import { metrics } from "~/metrics.server";
import { countExpiredLeasesOverall, countRunsAwaitingWork, countRunsByState } from "~/models/invoice-run.server";
import { countExpiredTemplateLeases } from "~/models/template.server";
import { countWriteBacksByState } from "~/models/write-back.server";
import { workerLiveness } from "./worker-liveness.server";

function createDatabaseGauges() {
  const registry = new client.Registry();
  const registers = [registry];
  return {
    registry,
    runs: new client.Gauge({ name: "ritournelle_runs", help: "Invoice runs in the database, by state.", labelNames: ["state"] as const, registers }),
    writeBacks: new client.Gauge({ name: "ritournelle_write_backs", help: "Shopify order write-backs in the database, by state.", labelNames: ["state"] as const, registers }),
    backlog: new client.Gauge({
      name: "ritournelle_runs_awaiting_work",
      help: "Runs due for work now (planned, or issuing between two steps) that no live lease holds: the workers' backlog.",
      registers,
    }),
    expiredLeases: new client.Gauge({
      name: "ritournelle_run_leases_expired",
      help: "Runs still marked leased whose lease expired (their worker died or stalled): taken over at the next claim.",
      registers,
    }),
    expiredTemplateLeases: new client.Gauge({
      name: "ritournelle_template_leases_expired",
      help: "Templates still marked leased for planning whose lease expired (a worker died between its claim and its plans): the workers' sweep gives them back within one template lease.",
      registers,
    }),
    lastTick: new client.Gauge({
      name: "ritournelle_worker_last_tick_age_seconds",
      help: "Seconds since the most recent tick of any worker (from their heartbeats); absent when no worker runs.",
      registers,
    }),
    alive: new client.Gauge({ name: "ritournelle_workers_alive", help: "Workers whose heartbeat is fresh.", registers }),
  };
}

let gauges: ReturnType<typeof createDatabaseGauges> | undefined;

export const METRICS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The process's metrics, with the database's gauges when `withDatabase`
 * (the web process). Effects: a few counting queries when `withDatabase`.
 * Errors: the database's, thrown (the route answers 500; Prometheus marks the scrape failed).
 */
export async function collectMetrics(options: { withDatabase: boolean; clock?: Clock }): Promise<string> {
  const own = metrics().registry;
  if (!options.withDatabase) return own.metrics();
  gauges ??= createDatabaseGauges();
  const now = (options.clock ?? appClock).nowDate();
  const [runs, writeBacks, backlog, expired, expiredTemplates, liveness] = await Promise.all([
    countRunsByState(),
    countWriteBacksByState(),
    countRunsAwaitingWork(now),
    countExpiredLeasesOverall(now),
    countExpiredTemplateLeases(now),
    workerLiveness(options),
  ]);
  // Every known state, zero included: a series that vanishes cannot be alerted on.
  for (const state of RUN_STATES) gauges.runs.set({ state }, runs.get(state) ?? 0);
  for (const state of WRITE_BACK_STATES) gauges.writeBacks.set({ state }, writeBacks.get(state) ?? 0);
  gauges.backlog.set(backlog);
  gauges.expiredLeases.set(expired);
  gauges.expiredTemplateLeases.set(expiredTemplates);
  gauges.alive.set(liveness.alive);
  if (liveness.lastTickAgeSeconds === null) gauges.lastTick.reset();
  else gauges.lastTick.set(liveness.lastTickAgeSeconds);
  return (await own.metrics()) + (await gauges.registry.metrics());
}
