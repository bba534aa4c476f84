// One bench measurement in a process of its own (so the database it points
// at — DATABASE_URL — and the memory it reports are its own):
//   node --import tsx bench/probe.ts <throughput|memory> '<json options>'
// Prints one JSON line with the result.
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteFileFromUrl } from "~/db-url";
import prisma, { configureDatabase } from "~/db.server";
import { releaseRunLeases } from "~/models/invoice-run.server";
import { claimWorkableRuns } from "~/worker/run-lanes";
import { Worker } from "~/worker/worker";
import { explainQueryPlan } from "./fixtures";
import { ZeroLatencyGateway } from "./zero-latency-gateway";

const [section = "", rawOptions = "{}"] = process.argv.slice(2);
const options = JSON.parse(rawOptions) as Record<string, number>;
const file = sqliteFileFromUrl(process.env.DATABASE_URL!);

export type StatementPlan = { statement: string; plan: string[] };

/** Runs `query` on a client that logs SQL, and returns SQLite's plan for every statement it sent. */
async function plansOf(query: (client: PrismaClient) => Promise<unknown>): Promise<StatementPlan[]> {
  const logging = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }), log: [{ emit: "event", level: "query" }] });
  const statements: { sql: string; params: unknown[] }[] = [];
  logging.$on("query", (event) => {
    if (/^(SELECT|UPDATE)/.test(event.query)) statements.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] });
  });
  await query(logging);
  await logging.$disconnect();
  return statements.map(({ sql, params }) => ({
    statement: sql.replace(/`main`\./g, "").replace(/`/g, "").slice(0, 70) + "…",
    plan: explainQueryPlan(file, sql, params),
  }));
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function throughput() {
  const gateway = new ZeroLatencyGateway();
  const worker = new Worker({ gateway, workerId: "bench", templateBatchSize: options.templateBatch ?? 100, runBatchSize: options.runBatch ?? 100 });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let planned = 0;
  let sent = 0;
  for (;;) {
    const report = await worker.runOnce();
    planned += report.templates.planned;
    sent += report.runs.sent;
    if (report.templates.claimed === 0 && report.runs.claimed === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { planned, sent, seconds, runsPerSecond: sent / seconds, providerCalls: gateway.calls, cpuMsPerRun: (user + system) / 1000 / Math.max(sent, 1) };
}

async function memory() {
  const batch = options.runBatch ?? 50;
  const claimOptions = { owner: "bench", batchSize: batch, leaseMs: 60_000 };
  const plans = await plansOf(async (client) => {
    const runs = await claimWorkableRuns({ ...claimOptions, now: new Date() }, client);
    await releaseRunLeases(runs, new Date(0), client);
  });
  const claimSamples: number[] = [];
  for (let sample = 0; sample < 20; sample++) {
    const started = performance.now();
    const runs = await claimWorkableRuns({ ...claimOptions, now: new Date() });
    claimSamples.push(performance.now() - started);
    await releaseRunLeases(runs, new Date(0));
  }
  const worker = new Worker({ gateway: new ZeroLatencyGateway(), workerId: "bench", runBatchSize: batch });
  await worker.runOnce(); // warm up: modules, prepared statements, JIT
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeapUsed = baseline.heapUsed;
  let sent = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
  }, 5);
  for (let tick = 0; tick < (options.ticks ?? 20); tick++) sent += (await worker.runOnce()).runs.sent;
  clearInterval(sampler);
  return { plans, runClaimMedianMs: percentile(claimSamples, 0.5), baselineRss: baseline.rss, peakRss, peakHeapUsed, sent };
}

await configureDatabase(prisma);
const sections: Record<string, () => Promise<unknown>> = { throughput, memory };
const run = sections[section];
if (!run) throw new Error(`unknown bench section "${section}"`);
console.log(JSON.stringify(await run()));
await prisma.$disconnect();
