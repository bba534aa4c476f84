// Applies the committed PostgreSQL migrations (prisma/postgres/migrations)
// without Prisma's schema engine. In Prisma 6.19 the JS schema engine cannot
// read a PostgreSQL database through @prisma/adapter-pg: `migrate deploy`
// stops with "Column type 'name' could not be deserialized from the database"
// (https://github.com/prisma/orm/issues/27403), and the Rust engine would
// be a binary downloaded at install time. The SQL itself comes from Prisma
// (`prisma migrate diff --script`); only applying it is done here:
//
// - the ledger is Prisma's own `_prisma_migrations` table, with the same
//   columns and checksums (SHA-256 of migration.sql), so `prisma migrate
//   status|deploy` read the same history once the upstream issue is fixed;
// - each migration and its ledger row commit in one transaction: a failed
//   migration leaves no trace and is retried on the next start;
// - the runner holds Prisma Migrate's advisory lock (the same key) for the
//   whole run, so N processes starting at once migrate once and the others
//   wait, then find nothing left to do.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const POSTGRES_MIGRATIONS_DIR = path.join(ROOT, "prisma/postgres/migrations");

/** The key Prisma Migrate locks on PostgreSQL (advisory_lock.rs): our runner and Prisma's exclude each other. */
const MIGRATE_ADVISORY_LOCK_KEY = 72707369;

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type Migration = { name: string; sql: string; checksum: string };
type LedgerRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/** The committed migrations, in the order of their folder names (a timestamp prefix). */
export function committedMigrations(dir: string = POSTGRES_MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/**
 * Brings the database at `url` up to the committed migrations. Safe to call
 * from any number of processes at once; returns the names of the migrations
 * this call applied (empty when another process had already done it).
 * Refuses to go on when an applied migration was edited afterwards, or when
 * the ledger records a failed migration (left by `prisma migrate deploy`).
 */
export async function migratePostgres(url: string, dir: string = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const migrations = committedMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: pg.Client, migrations: Migration[]): Promise<string[]> {
  await client.query(CREATE_LEDGER);
  const { rows } = await client.query<LedgerRow>(
    `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL ORDER BY "started_at"`,
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(`Migration ${failed.migration_name} failed earlier and is recorded as unfinished in _prisma_migrations: repair the database, then delete that row.`);
  }
  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const done: string[] = [];
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new MigrationError(`Migration ${migration.name} was changed after it was applied: restore its migration.sql and add a new migration instead.`);
      }
      continue;
    }
    await client.query("BEGIN");
    try {
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count") VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    done.push(migration.name);
  }
  return done;
}
