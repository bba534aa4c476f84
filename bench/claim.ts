// Bench section `claim` (issue 13, benchmark 1): due-claim time per tick with
// 10k, 100k and 1M templates (1 % due, batch 100), on SQLite and on
// PostgreSQL, with the plan of every statement the claim sends. The claim is
// a range scan of the (status, nextRunAt) index that stops after the batch,
// so its time must not grow with the table: target median(1M) ÷ median(10k)
// ≤ 1.5× on each database.
//
// Seeding is bulk SQL: one better-sqlite3 transaction of prepared inserts on
// SQLite (bench/fixtures.ts), one INSERT … SELECT FROM generate_series on
// PostgreSQL (bench/postgres.ts). The claim itself is measured in a child
// process (bench/claim-probe.ts) running the app's code on that database.
//
//   npm run bench -- claim
//   BENCH_CLAIM_SIZES=1000,10000 npm run bench -- claim   (a quick check at small sizes; the ratio is last ÷ first)
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { ClaimProbeResult } from "./claim-probe";
import { createBenchDatabase, insertShops, insertTemplates } from "./fixtures";
import { createBenchPostgresDatabase, insertPostgresShops, insertPostgresTemplates, withBenchCluster, withConnection } from "./postgres";
import { atMost, ratio, type Check } from "./targets";

/** The claim must not grow with the table: 100× the templates, at most this much slower. */
export const CLAIM_GROWTH_LIMIT = 1.5;
const DUE_SHARE = 0.01;
const BATCH = 100;

function sizes(): number[] {
  const raw = process.env.BENCH_CLAIM_SIZES;
  return raw ? raw.split(",").map((size) => Number(size.trim())) : [10_000, 100_000, 1_000_000];
}

/** Probe processes per size: the median of their medians is the size's figure. */
const PROBES = 3;

function probeOnce(databaseUrl: string): ClaimProbeResult {
  // 20 warm-up ticks: a fresh process's first claims run while V8 and Prisma's compiler still warm up.
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/claim-probe.ts", JSON.stringify({ batch: BATCH, ticks: 60, warmup: 20 })], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as ClaimProbeResult;
}

/**
 * The claim at the database's current size, in {@link PROBES} processes:
 * the one whose median is the median. One process's median moved from 6 to
 * 10 ms at 10k templates between two runs on one quiet machine (the ratio
 * 1M ÷ 10k from 0.99× to 1.88×); a middle one of three is steadier.
 */
function probe(databaseUrl: string): ClaimProbeResult {
  const results = Array.from({ length: PROBES }, () => probeOnce(databaseUrl)).sort((a, b) => a.medianMs - b.medianMs);
  return results[Math.floor(PROBES / 2)]!;
}

type Database = { name: string; url: string; load: (from: number, to: number, now: Date) => Promise<void> };

const label = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}M` : size >= 1000 ? `${size / 1000}k` : String(size));

/** Loads each size in turn (growing the same table) and measures the claim at each; prints the table and the plans at the largest. */
async function measure(database: Database): Promise<Check> {
  const rows: string[][] = [];
  const medians: number[] = [];
  let largest: ClaimProbeResult | undefined;
  let loaded = 0;
  for (const size of sizes()) {
    const started = performance.now();
    await database.load(loaded, size, new Date());
    const loadSeconds = (performance.now() - started) / 1000;
    loaded = size;
    largest = probe(database.url);
    medians.push(largest.medianMs);
    rows.push([size.toLocaleString("en"), Math.round(size * DUE_SHARE).toLocaleString("en"), String(largest.claimed), largest.medianMs.toFixed(2), largest.p95Ms.toFixed(2), loadSeconds.toFixed(1)]);
  }
  console.log(`\n### ${database.name}\n`);
  console.log(table(["templates", "due", "claimed/tick", "claim median ms", "claim p95 ms", "bulk load s"], rows));
  const growth = medians.at(-1)! / medians[0]!;
  const first = label(sizes()[0]!);
  const last = label(sizes().at(-1)!);
  console.log(`\nratio ${last} / ${first} (median): ${ratio(growth)} (target ≤ ${ratio(CLAIM_GROWTH_LIMIT)})`);
  console.log(`\nThe claim at ${last} templates on ${database.name} (the plan of each statement it sends):`);
  for (const { statement, plan } of largest!.plans) console.log(`  ${statement}\n${plan.map((line) => `    ${line}`).join("\n")}`);
  return atMost("claim", `${database.name}: claim median ${last} / ${first} templates`, growth, CLAIM_GROWTH_LIMIT, ratio);
}

export async function benchClaim(): Promise<Check[]> {
  console.log(`\n## Due-template claim per tick (batch ${BATCH}, ${DUE_SHARE * 100} % of templates due), SQLite and PostgreSQL\n`);
  const checks: Check[] = [];
  const sqlite = createBenchDatabase("claim");
  try {
    insertShops(sqlite.file);
    checks.push(await measure({ name: "SQLite", url: sqlite.url, load: async (from, to, now) => insertTemplates(sqlite.file, { from, to, now, dueShare: DUE_SHARE }) }));
  } finally {
    sqlite.dispose();
  }
  await withBenchCluster(async (clusterUrl) => {
    const postgres = await createBenchPostgresDatabase(clusterUrl, "claim");
    try {
      await withConnection(postgres.url, (client) => insertPostgresShops(client));
      const load = (from: number, to: number, now: Date) => withConnection(postgres.url, (client) => insertPostgresTemplates(client, { from, to, now, dueShare: DUE_SHARE }));
      checks.push(await measure({ name: "PostgreSQL", url: postgres.url, load }));
    } finally {
      await postgres.dispose();
    }
  });
  return checks;
}

function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padStart(widths[column]!)).join(" | ")} |`;
  return [line(headers), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
