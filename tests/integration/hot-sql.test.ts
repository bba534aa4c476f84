// The worker's hand-written SQL (app/models/hot-sql.server.ts) against the
// database the committed migrations build (global setup's template file):
// a migration that renames or drops a column these statements name fails
// here, by name, instead of at the first invoice a worker tries to store.
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HOT_SQL_COLUMNS,
  incrementIssuedCountSql,
  insertRunEventsSql,
  LEASED_RUN_COLUMNS,
  leaseHeldSql,
  runStandingSql,
  updateLeasedRunSql,
  type LeasedRunWrite,
  type RunEventRow,
} from "~/models/hot-sql.server";

let migrated: Database.Database;

beforeAll(() => {
  migrated = new Database(path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, "template.sqlite"), { readonly: true });
});

afterAll(() => migrated.close());

const now = new Date("2026-01-01T00:00:00Z");
const row: RunEventRow = {
  id: "c1",
  shopId: "shop",
  templateId: "template",
  runId: "run",
  type: "run.sent",
  fromState: "issuing",
  toState: "sent",
  actor: "worker:test",
  cause: null,
  detail: null,
  at: now,
};
/** A write naming every column the pipeline may write. */
const everyColumn = Object.fromEntries(LEASED_RUN_COLUMNS.map((column) => [column, null])) as LeasedRunWrite;

/** Every statement the module builds, in each of its shapes. */
function hotStatements() {
  const leaseHeld = leaseHeldSql("run", "worker");
  return {
    leaseHeld: leaseHeld,
    updateLeasedRun: updateLeasedRunSql("run", "worker", everyColumn, now),
    incrementIssuedCount: incrementIssuedCountSql("template", now, leaseHeld),
    insertRunEvents: insertRunEventsSql([row, row]),
    insertRunEventsIf: insertRunEventsSql([row], leaseHeld),
    runStanding: runStandingSql("template", "shop"),
  };
}

function columnsOf(table: string): string[] {
  return (migrated.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((column) => column.name);
}

describe("the hot SQL and the migrated schema", () => {
  it("every column the statements name exists in the migrated database", () => {
    const missing: Record<string, string[]> = {};
    for (const [table, columns] of Object.entries(HOT_SQL_COLUMNS)) {
      const existing = columnsOf(table);
      expect(existing, `table ${table}`).not.toEqual([]);
      const absent = columns.filter((column) => !existing.includes(column));
      if (absent.length > 0) missing[table] = absent;
    }
    expect(missing, "columns named by app/models/hot-sql.server.ts but missing from the migrations").toEqual({});
  });

  it("the statements name no identifier beyond those tables and columns", () => {
    const known = new Set<string>([...Object.keys(HOT_SQL_COLUMNS), ...Object.values(HOT_SQL_COLUMNS).flat(), "event"]);
    for (const [name, statement] of Object.entries(hotStatements())) {
      const identifiers = [...statement.sql.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
      expect(identifiers.length, name).toBeGreaterThan(0);
      expect(identifiers.filter((identifier) => !known.has(identifier)), name).toEqual([]);
    }
  });

  it("SQLite compiles every statement against the migrated schema", () => {
    for (const [name, statement] of Object.entries(hotStatements())) {
      const sql = name === "leaseHeld" ? `SELECT ${statement.sql}` : statement.sql;
      expect(() => migrated.prepare(sql), name).not.toThrow();
    }
  });
});
