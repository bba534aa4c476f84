// Bench sections of the scheduling engine (issue 3); the due claim moved to bench/claim.ts (SQLite and PostgreSQL). Each loads a fresh
// SQLite database with raw better-sqlite3, then measures in a child process
// (bench/probe.ts) running the app's own code against it.
import { execFileSync } from "node:child_process";
import { createBenchDatabase, insertDueRuns, insertShops, insertTemplates } from "./fixtures";
import type { StatementPlan } from "./probe";
import { atMost, exactly, ratio, type Check } from "./targets";

function probe<T>(section: string, databaseUrl: string, options: Record<string, number>): T {
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/probe.ts", section, JSON.stringify(options)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as T;
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padStart(widths[column]!)).join(" | ")} |`;
  return [line(headers), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

const ms = (value: number) => value.toFixed(2);

function printPlans(title: string, plans: StatementPlan[]): void {
  console.log(`\n${title} (EXPLAIN QUERY PLAN of each statement, as Prisma sends it):`);
  for (const { statement, plan } of plans) console.log(`  ${statement}\n    → ${plan.join("; ")}`);
}
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Memory must not grow with the backlog: 100× the due runs, at most this much more peak RSS. */
const MEMORY_GROWTH_LIMIT = 1.2;

/** Plan + issue throughput: due templates → planned runs → sent invoices, with a provider that answers at once. */
export async function benchIssueThroughput(): Promise<Check[]> {
  console.log("\n## Plan + issue throughput (zero-latency provider, one worker)\n");
  const database = createBenchDatabase("throughput");
  try {
    insertShops(database.file);
    const templates = 2_000;
    insertTemplates(database.file, { from: 0, to: templates, now: new Date(), dueShare: 1 });
    const result = probe<{ planned: number; sent: number; seconds: number; runsPerSecond: number; providerCalls: number; cpuMsPerRun: number }>(
      "throughput",
      database.url,
      { templateBatch: 100, runBatch: 100 },
    );
    console.log(
      table(
        ["due templates", "runs planned", "invoices sent", "provider calls", "seconds", "runs/s (one worker)", "CPU ms per run"],
        [[templates, result.planned, result.sent, result.providerCalls, result.seconds.toFixed(1), result.runsPerSecond.toFixed(0), result.cpuMsPerRun.toFixed(2)]],
      ),
    );
    // No time target here (a zero-latency provider measures the engine's own cost,
    // machine-dependent): the section must issue every due run exactly once.
    return [exactly("plan + issue", "runs planned", result.planned, templates), exactly("plan + issue", "invoices sent", result.sent, templates)];
  } finally {
    database.dispose();
  }
}

/**
 * Peak worker memory while issuing 1,000 runs (20 ticks of 50) out of a
 * backlog of 1k and of 100k due runs: equal, because the worker only ever
 * holds one batch.
 */
export async function benchWorkerMemory(): Promise<Check[]> {
  console.log("\n## Worker memory with a backlog of due runs (20 ticks × batch 50)\n");
  const rows: (string | number)[][] = [];
  let plans: StatementPlan[] = [];
  const peaks: number[] = [];
  for (const backlog of [1_000, 100_000]) {
    const database = createBenchDatabase("memory");
    try {
      insertShops(database.file);
      insertDueRuns(database.file, { count: backlog, perTemplate: 10, now: new Date() });
      const result = probe<{ plans: StatementPlan[]; runClaimMedianMs: number; baselineRss: number; peakRss: number; peakHeapUsed: number; sent: number }>(
        "memory",
        database.url,
        { runBatch: 50, ticks: 20 },
      );
      plans = result.plans;
      peaks.push(result.peakRss);
      rows.push([backlog.toLocaleString("en"), result.sent, ms(result.runClaimMedianMs), mib(result.baselineRss), mib(result.peakRss), mib(result.peakHeapUsed)]);
    } finally {
      database.dispose();
    }
  }
  console.log(table(["due runs", "sent", "run claim median ms", "RSS before MiB", "peak RSS MiB", "peak heap MiB"], rows));
  const growth = peaks[1]! / peaks[0]!;
  console.log(`\nratio peak RSS 100k / 1k: ${ratio(growth)} (target ≤ ${ratio(MEMORY_GROWTH_LIMIT)})`);
  printPlans("The run claim with 100k due runs", plans);
  return [atMost("worker memory", "peak RSS 100k / 1k due runs", growth, MEMORY_GROWTH_LIMIT, ratio)];
}
