// The admin pages' loaders in a process of their own (bench/admin.ts), on
// the database DATABASE_URL names:
//   node --import tsx bench/admin-probe.ts time '{"samples":60}'   → p50/p95 per loader
//   node --import tsx bench/admin-probe.ts plans                   → each loader's statements with SQLite's plan
// Measures each loader's data work: the service the route's loader calls
// (listTemplates, loadDashboard, loadTemplatePage), without the session
// check that precedes it (the same cost at any size). Prints one JSON line.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { sqliteFileFromUrl } from "~/db-url";
import { ADMIN_SHOP, FEATURED_TEMPLATE } from "./admin-fixtures";
import { explainQueryPlan } from "./fixtures";

const [mode = "time", rawOptions = "{}"] = process.argv.slice(2);
const options = JSON.parse(rawOptions) as { samples?: number; warmup?: number };
const file = sqliteFileFromUrl(process.env.DATABASE_URL!);

// In "plans" mode the app's one client (db.server.ts keeps it on globalThis) logs its SQL.
const statements: { sql: string; params: unknown[] }[] = [];
let recording = false;
if (mode === "plans") {
  const logging = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }), log: [{ emit: "event", level: "query" }] });
  logging.$on("query", (event) => {
    if (recording && /^SELECT/.test(event.query)) statements.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] });
  });
  globalThis.__ritournellePrisma = logging;
}

const { default: prisma } = await import("~/db.server");
const { listTemplates, TEMPLATES_PAGE_SIZE } = await import("~/services/templates/list-page.server");
const { loadDashboard } = await import("~/services/dashboard/load-dashboard.server");
const { loadTemplatePage } = await import("~/services/templates/detail-page.server");

const shop = await prisma.shop.findUniqueOrThrow({ where: { id: ADMIN_SHOP.id } });
// The last page's link: the cursor of the row just before it, as the list's own "next" would carry it (read once, not timed).
const total = await prisma.recurringTemplate.count({ where: { shopId: shop.id } });
const lastPageSize = total % TEMPLATES_PAGE_SIZE || TEMPLATES_PAGE_SIZE;
const [beforeLast] = await prisma.recurringTemplate.findMany({
  where: { shopId: shop.id },
  orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  skip: total - lastPageSize - 1,
  take: 1,
});
const lastCursor = `${beforeLast!.createdAt.getTime()}_${beforeLast!.id}`;

const loaders: Record<string, () => Promise<unknown>> = {
  "templates index, first page": () => listTemplates(shop, { filter: "all" }),
  "templates index, paused": () => listTemplates(shop, { filter: "paused" }),
  "templates index, last page": async () => {
    const page = await listTemplates(shop, { filter: "all", after: lastCursor });
    if (page.next !== null || page.rows.length !== lastPageSize) throw new Error("the last page's cursor did not lead to the last page");
    return page;
  },
  home: () => loadDashboard(shop),
  "template page, 120 runs": async () => {
    const page = await loadTemplatePage(shop, FEATURED_TEMPLATE);
    if (page.runs.length !== 120) throw new Error(`the featured template shows ${page.runs.length} runs`);
    return page;
  },
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const result: Record<string, unknown> = {};
if (mode === "plans") {
  for (const [name, load] of Object.entries(loaders)) {
    await load(); // warm: the shop's own reads aside, what the loader sends
    statements.length = 0;
    recording = true;
    await load();
    recording = false;
    result[name] = statements.map(({ sql, params }) => ({
      statement: sql.replace(/`main`\./g, "").replace(/`/g, "").replace(/"/g, "").slice(0, 110) + "…",
      plan: explainQueryPlan(file, sql, params),
    }));
  }
} else {
  for (const [name, load] of Object.entries(loaders)) {
    for (let index = 0; index < (options.warmup ?? 10); index++) await load();
    const samples: number[] = [];
    for (let index = 0; index < (options.samples ?? 60); index++) {
      const started = performance.now();
      await load();
      samples.push(performance.now() - started);
    }
    result[name] = { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
  }
}
console.log(JSON.stringify(result));
await prisma.$disconnect();
