// PostgreSQL's committed migrations and the runner that applies them on start
// (server/migrate-postgres.ts). Runs in the `postgres` project only.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { committedMigrations, MigrationError, migratePostgres, POSTGRES_MIGRATIONS_DIR } from "../../server/migrate-postgres";
import { createDatabase, newDatabaseName } from "../helpers/postgres";

const clusterUrl = process.env.TEST_POSTGRES_URL!;
const prefix = process.env.RITOURNELLE_TEST_PG_PREFIX!;
const scratchDirs: string[] = [];

afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Tables, columns, constraints and indexes of the public schema, Prisma's
 * ledger aside. Columns are compared by name, not position: a column added
 * by a later migration comes last in its table, not where the model lists it.
 */
async function shapeOf(url: string) {
  const [columns, constraints, indexes] = await Promise.all([
    query(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, datetime_precision
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
         ORDER BY table_name, column_name`,
    ),
    query(
      url,
      `SELECT rel.relname AS table_name, con.conname, con.contype, pg_get_constraintdef(con.oid) AS definition
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
         WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations'
         ORDER BY rel.relname, con.conname`,
    ),
    query(url, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`),
  ]);
  return { columns, constraints, indexes };
}

function scratchMigrations(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-pg-migrations-"));
  scratchDirs.push(dir);
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

function runMigrateProcess(url: string, at: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/migrate-process.ts"], {
    env: { ...process.env, DATABASE_URL: url, MIGRATE_AT: String(at) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("PostgreSQL migrations", () => {
  it("build exactly prisma/postgres/schema.prisma (no drift)", async () => {
    // This file's database was built by the runner from the committed migrations (global setup).
    const migrated = await shapeOf(process.env.DATABASE_URL!);
    const script = execFileSync(
      path.resolve("node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/postgres/schema.prisma", "--script"],
      // Offline, from the schema alone; the CLI's config (prisma.config.ts) reads DATABASE_URL as a SQLite file.
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: undefined } },
    );
    const fromSchemaUrl = await createDatabase(clusterUrl, newDatabaseName(prefix));
    await query(fromSchemaUrl, script);
    const fromSchema = await shapeOf(fromSchemaUrl);
    expect(migrated).toEqual(fromSchema);
    expect(migrated.columns).toContainEqual(expect.objectContaining({ table_name: "InvoiceRun", column_name: "scheduledAt", udt_name: "timestamp", datetime_precision: 3 }));
  });

  it("are recorded in Prisma's ledger, one finished row per migration with Prisma's checksum", async () => {
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      process.env.DATABASE_URL!,
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const committed = committedMigrations();
    expect(committed.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.migration_name)).toEqual(committed.map((migration) => migration.name));
    for (const migration of committed) {
      const sql = fs.readFileSync(path.join(POSTGRES_MIGRATIONS_DIR, migration.name, "migration.sql"));
      expect(rows.find((row) => row.migration_name === migration.name)?.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    }
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
  });
});

describe("the migration runner", () => {
  it("migrates an empty database once when two processes start on it at the same moment; both succeed", async () => {
    const url = await createDatabase(clusterUrl, newDatabaseName(prefix));
    const at = Date.now() + 3_000; // both loaded by then
    const [first, second] = await Promise.all([runMigrateProcess(url, at), runMigrateProcess(url, at)]);
    expect(first).toEqual({ code: 0, output: "migrated\n" });
    expect(second).toEqual({ code: 0, output: "migrated\n" });
    const ledger = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(ledger.map((row) => row.migration_name).sort()).toEqual(committedMigrations().map((migration) => migration.name));
    expect(await query(url, `SELECT count(*)::int AS shops FROM "Shop"`)).toEqual([{ shops: 0 }]);
  });

  it("applies the pending migrations in one of two concurrent calls and nothing in the other", async () => {
    const url = await createDatabase(clusterUrl, newDatabaseName(prefix));
    const results = await Promise.all([migratePostgres(url), migratePostgres(url)]);
    const names = committedMigrations().map((migration) => migration.name);
    expect(results.map((applied) => applied.length).sort()).toEqual([0, names.length]);
    expect(await migratePostgres(url)).toEqual([]);
  });

  it("rolls a failing migration back whole, records nothing, and applies it once fixed", async () => {
    const url = await createDatabase(clusterUrl, newDatabaseName(prefix));
    const broken = scratchMigrations({ "1_first": `CREATE TABLE "First" ("id" TEXT PRIMARY KEY);`, "2_second": `CREATE TABLE "Second" ("id" TEXT PRIMARY KEY); SELECT 1 / 0;` });
    await expect(migratePostgres(url, broken)).rejects.toThrow(/2_second failed and was rolled back: division by zero/);
    const tables = () => query<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect((await tables()).map((row) => row.table_name)).toEqual(["First", "_prisma_migrations"]);

    fs.writeFileSync(path.join(broken, "2_second", "migration.sql"), `CREATE TABLE "Second" ("id" TEXT PRIMARY KEY);`);
    expect(await migratePostgres(url, broken)).toEqual(["2_second"]);
    expect((await tables()).map((row) => row.table_name)).toEqual(["First", "Second", "_prisma_migrations"]);
  });

  it("refuses to start on a database whose applied migration was edited afterwards", async () => {
    const url = await createDatabase(clusterUrl, newDatabaseName(prefix));
    const dir = scratchMigrations({ "1_first": `CREATE TABLE "First" ("id" TEXT PRIMARY KEY);` });
    await migratePostgres(url, dir);
    fs.writeFileSync(path.join(dir, "1_first", "migration.sql"), `CREATE TABLE "First" ("id" TEXT PRIMARY KEY, "name" TEXT);`);
    const edited = migratePostgres(url, dir);
    await expect(edited).rejects.toBeInstanceOf(MigrationError);
    await expect(edited).rejects.toThrow(/1_first was changed after it was applied/);
  });
});
