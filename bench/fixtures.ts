// Bench data: a migrated SQLite file, bulk-loaded with raw better-sqlite3 in
// one transaction (Prisma would take minutes for a million rows). Rows are
// valid for the app: JSON snapshots parse, dates use the adapter's format.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";

export type BenchDatabase = { file: string; url: string; dispose: () => void };

/** A fresh database with the committed migrations applied. */
export function createBenchDatabase(name: string): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ritournelle-bench-${name}-`));
  const file = path.join(dir, "bench.sqlite");
  const url = `file:${file}`;
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.close();
  return { file, url, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** How @prisma/adapter-better-sqlite3 stores a DateTime (ISO 8601 text). */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

const SHOPS = 100;
const CUSTOMER = JSON.stringify({ name: "Bench Customer", email: "bench@example.com", locale: "fr" });
const LINES = JSON.stringify([{ title: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }]);
const RUN_SNAPSHOT = JSON.stringify({
  customer: { name: "Bench Customer", email: "bench@example.com", locale: "fr" },
  lines: [{ description: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxes: [{ title: "TVA", ratePercent: "20", inclusive: true }] }],
  daysUntilDue: 14,
  signatureRequested: false,
});

export function insertShops(file: string): void {
  const db = new Database(file);
  const now = sqliteDate(new Date());
  const insert = db.prepare(
    `INSERT INTO "Shop" (id, domain, timeZone, currency, locale, installedAt, settings, createdAt, updatedAt, billingAccountId)
     VALUES (?, ?, 'UTC', 'EUR', 'fr', ?, '{}', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let shop = 0; shop < SHOPS; shop++) insert.run(`shop${shop}`, `bench-${shop}.myshopify.com`, now, now, now, `acct_${shop}`);
  })();
  db.close();
}

/**
 * Inserts templates `from` … `to − 1`, monthly, anchored so that a share
 * `dueShare` of them is due at `now` and the rest falls over the next 30 days.
 */
export function insertTemplates(file: string, options: { from: number; to: number; now: Date; dueShare: number }): void {
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO "RecurringTemplate" (id, shopId, customer, customerEmail, currency, lines, taxesIncluded, periodTotal,
       scheduleEvery, scheduleUnit, scheduleAnchor, scheduleTimeOfDay, scheduleTimeZone, nextRunAt, activeSince,
       status, daysUntilDue, signatureRequested, createdAt, updatedAt)
     VALUES (?, ?, ?, 'bench@example.com', 'EUR', ?, 1, 1000, 1, 'month', ?, ?, 'UTC', ?, ?, 'active', 14, 0, ?, ?)`,
  );
  const created = sqliteDate(options.now);
  const dueEvery = Math.round(1 / options.dueShare);
  db.transaction(() => {
    for (let index = options.from; index < options.to; index++) {
      // Deterministic spread: every dueEvery-th template is due up to a day ago, the others up to 30 days ahead.
      const offsetMinutes = index % dueEvery === 0 ? -(index % 1440) - 1 : 1 + (index % (30 * 1440));
      const runAt = new Date(options.now.getTime() + offsetMinutes * 60_000);
      const anchor = runAt.toISOString().slice(0, 10);
      const timeOfDay = runAt.toISOString().slice(11, 16);
      insert.run(`tpl${index}`, `shop${index % SHOPS}`, CUSTOMER, LINES, anchor, timeOfDay, sqliteDate(runAt), created, created, created);
    }
  })();
  db.close();
}

/**
 * A backlog of `count` runs due for the pipeline, `perTemplate` periods per
 * template; their templates are not due (so only the pipeline has work).
 */
export function insertDueRuns(file: string, options: { count: number; perTemplate: number; now: Date }): void {
  const templates = Math.ceil(options.count / options.perTemplate);
  const future = new Date(options.now.getTime() + 30 * 86_400_000);
  const db = new Database(file);
  const insertTemplate = db.prepare(
    `INSERT INTO "RecurringTemplate" (id, shopId, customer, customerEmail, currency, lines, taxesIncluded, periodTotal,
       scheduleEvery, scheduleUnit, scheduleAnchor, scheduleTimeOfDay, scheduleTimeZone, nextRunAt, activeSince,
       status, daysUntilDue, signatureRequested, createdAt, updatedAt, nextPeriodIndex)
     VALUES (?, ?, ?, 'bench@example.com', 'EUR', ?, 1, 1000, 1, 'day', '2020-01-01', '09:00', 'UTC', ?, ?, 'active', 14, 0, ?, ?, ?)`,
  );
  const insertRun = db.prepare(
    `INSERT INTO "InvoiceRun" (id, shopId, templateId, periodIndex, periodDate, scheduledAt, state, attempt, nextAttemptAt,
       currency, expectedTotal, snapshot, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, 'planned', 0, ?, 'EUR', 1000, ?, ?, ?)`,
  );
  const created = sqliteDate(options.now);
  db.transaction(() => {
    for (let template = 0; template < templates; template++) {
      insertTemplate.run(`tpl${template}`, `shop${template % SHOPS}`, CUSTOMER, LINES, sqliteDate(future), created, created, created, options.perTemplate);
    }
    for (let index = 0; index < options.count; index++) {
      const template = index % templates;
      const period = Math.floor(index / templates);
      const due = sqliteDate(new Date(options.now.getTime() - (options.count - index) * 1_000));
      insertRun.run(`run${index}`, `shop${template % SHOPS}`, `tpl${template}`, period, "2020-01-01", due, due, RUN_SNAPSHOT, created, created);
    }
  })();
  db.close();
}

/** The plan SQLite chooses for `sql`, one line per step. */
export function explainQueryPlan(file: string, sql: string, params: unknown[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    return rows.map((row) => row.detail);
  } finally {
    db.close();
  }
}
