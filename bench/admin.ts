// Admin pages at scale: one shop with 100 and with 10,000 recurring invoices
// (five runs each: 50,000 at 10,000, and one template with 120 runs), and the
// loaders of the templates index (first page, a filtered page, the last
// page), the home page and a template page. Each loader's p95 at 10,000
// must stay within 2× its p95 at 100: keyset pages, aggregates in SQL and
// the indexes below make them independent of the shop's size. The plans
// SQLite chooses for every statement at 10,000 are printed.
import { execFileSync } from "node:child_process";
import { ADMIN_SHOP, insertAdminShop } from "./admin-fixtures";
import { createBenchDatabase } from "./fixtures";
import { atMost, ratio, type Check } from "./targets";

/** p95 at 10,000 templates ÷ p95 at 100, at most. */
export const ADMIN_GROWTH_LIMIT = 2;
const SIZES = [100, 10_000];
const ROUNDS = 3;

/** Per loader, the median over rounds of p50 and of p95. */
function medianOf(rounds: Timings[]): Timings {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return Object.fromEntries(
    Object.keys(rounds[0]!).map((name) => [name, { p50: median(rounds.map((round) => round[name]!.p50)), p95: median(rounds.map((round) => round[name]!.p95)) }]),
  );
}

type Timings = Record<string, { p50: number; p95: number }>;
type Plans = Record<string, { statement: string; plan: string[] }[]>;

function probe<T>(mode: "time" | "plans", databaseUrl: string): T {
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/admin-probe.ts", mode, JSON.stringify({ samples: 80, warmup: 10 })], {
    // The services read the app's configuration (the billing-hold banner does): a bench's own, reaching no service.
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "bench-api-key",
      SHOPIFY_API_SECRET: "bench-api-secret",
      SHOPIFY_APP_URL: "https://ritournelle.bench",
      SCOPES: "read_orders,read_customers,write_orders,read_products",
    },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as T;
}

export async function benchAdminPages(): Promise<Check[]> {
  console.log("\n## Admin pages at scale: loader p95 with 100 and 10,000 templates in one shop\n");
  // Both shops loaded first, then measured in alternation, ROUNDS times: on a
  // loaded machine a burst of load then hits both sizes alike; each p95 is
  // the median of its rounds'.
  const databases = SIZES.map((size) => {
    const database = createBenchDatabase("admin");
    const loaded = insertAdminShop(database.file, { templates: size, now: new Date() });
    console.log(`${ADMIN_SHOP.domain}: ${(size + 1).toLocaleString("en")} templates, ${loaded.runs.toLocaleString("en")} runs, ${loaded.events.toLocaleString("en")} events`);
    return database;
  });
  let timings: Timings[];
  let plans: Plans;
  try {
    const rounds = Array.from({ length: ROUNDS }, () => databases.map((database) => probe<Timings>("time", database.url)));
    timings = SIZES.map((_, size) => medianOf(rounds.map((round) => round[size]!)));
    plans = probe<Plans>("plans", databases.at(-1)!.url);
  } finally {
    for (const database of databases) database.dispose();
  }
  const names = Object.keys(timings[0]!);
  const ms = (value: number) => value.toFixed(2);
  const rows = names.map((name) => {
    const [small, large] = [timings[0]![name]!, timings[1]![name]!];
    return [name, ms(small.p50), ms(small.p95), ms(large.p50), ms(large.p95), ratio(large.p95 / small.p95)];
  });
  const headers = ["loader (median of 3 rounds)", "p50 ms @100", "p95 ms @100", "p50 ms @10k", "p95 ms @10k", `p95 10k ÷ 100 (target ≤ ${ratio(ADMIN_GROWTH_LIMIT)})`];
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  console.log([line(headers), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n"));

  console.log("\nStatements each loader sends at 10,000 templates, with SQLite's EXPLAIN QUERY PLAN:");
  for (const [name, statements] of Object.entries(plans)) {
    console.log(`  ${name}`);
    for (const { statement, plan } of statements) console.log(`    ${statement}\n      → ${plan.join("; ")}`);
  }
  return names.map((name) => atMost("admin", `${name}: p95 10k ÷ 100 templates`, timings[1]![name]!.p95 / timings[0]![name]!.p95, ADMIN_GROWTH_LIMIT, ratio));
}
