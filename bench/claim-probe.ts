// The due-claim measurement in a process of its own (the app's modules bind to
// DATABASE_URL when first imported), on SQLite or PostgreSQL:
//   DATABASE_URL=… node --import tsx bench/claim-probe.ts '{"batch":100,"ticks":30}'
// Times the app's own claim (claimDueTemplates) per tick and prints, as one
// JSON line, the median and p95 with the plan of each statement the claim sends.
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteFileFromUrl } from "~/db-url";
import prisma, { configureDatabase, databaseDialect } from "~/db.server";
import { claimDueTemplatesPostgresSql } from "~/models/hot-sql.server";
import { releaseTemplateLeases } from "~/models/template.server";
import { claimDueTemplates } from "~/worker/scheduler";
import { explainQueryPlan } from "./fixtures";

const options = JSON.parse(process.argv[2] ?? "{}") as { batch?: number; ticks?: number; warmup?: number };
const batch = options.batch ?? 100;

export type StatementPlan = { statement: string; plan: string[] };
export type ClaimProbeResult = { dialect: string; plans: StatementPlan[]; medianMs: number; p95Ms: number; claimed: number };

/** The plan of each statement the claim sends: PostgreSQL's EXPLAIN of its one UPDATE, SQLite's EXPLAIN QUERY PLAN of its three. */
async function plans(): Promise<StatementPlan[]> {
  if (databaseDialect === "postgres") {
    const statement = claimDueTemplatesPostgresSql(new Date(), batch, { owner: "bench", token: "explain", until: new Date(Date.now() + 60_000) });
    const rows = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${statement.text}`, ...statement.values);
    return [{ statement: statement.text.replace(/\s+/g, " ").slice(0, 70) + "…", plan: rows.map((row) => row["QUERY PLAN"]) }];
  }
  const file = sqliteFileFromUrl(process.env.DATABASE_URL!);
  const logging = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }), log: [{ emit: "event", level: "query" }] });
  const statements: { sql: string; params: unknown[] }[] = [];
  logging.$on("query", (event) => {
    if (/^(SELECT|UPDATE)/.test(event.query)) statements.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] });
  });
  const { ids, token } = await claimDueTemplates({ now: new Date(), owner: "bench", batchSize: batch, leaseMs: 60_000 }, logging);
  const claimStatements = statements.length;
  await releaseTemplateLeases(ids, token, logging);
  await logging.$disconnect();
  return statements
    .slice(0, claimStatements)
    .map(({ sql, params }) => ({ statement: sql.replace(/`main`\./g, "").replace(/`/g, "").slice(0, 70) + "…", plan: explainQueryPlan(file, sql, params) }));
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

await configureDatabase(prisma);
const samples: number[] = [];
let claimed = 0;
const warmup = options.warmup ?? 3;
for (let tick = 0; tick < warmup + (options.ticks ?? 30); tick++) {
  const started = performance.now();
  const { ids, token } = await claimDueTemplates({ now: new Date(), owner: "bench", batchSize: batch, leaseMs: 60_000 });
  const elapsed = performance.now() - started;
  await releaseTemplateLeases(ids, token); // not timed: the next tick claims the same batch again
  if (tick >= warmup) {
    samples.push(elapsed);
    claimed = ids.length;
  }
}
const result: ClaimProbeResult = { dialect: databaseDialect, plans: await plans(), medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), claimed };
console.log(JSON.stringify(result));
await prisma.$disconnect();
