// Applies the committed migrations before the app serves anything, offline
// (no engine binary): SQLite's (prisma/migrations) with the Prisma CLI on the
// JS schema engine, PostgreSQL's (prisma/postgres/migrations) with our own
// runner (server/migrate-postgres.ts, which says why).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { databaseKind, sqliteFileFromUrl } from "../app/db-url";
import { migratePostgres } from "./migrate-postgres";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  if (databaseKind(databaseUrl) === "postgres") {
    await migratePostgres(databaseUrl);
    return;
  }
  migrateSqlite(sqliteFileFromUrl(databaseUrl), databaseUrl);
}

/** How long a process waits for another one migrating the same file, and for `prisma migrate deploy` itself. */
const SQLITE_MIGRATION_WAIT_MS = 120_000;

/**
 * Several processes may share one SQLite file (web + workers, README
 * "Processes"). `prisma migrate deploy` cannot run while another process
 * holds the file open (it waits for a lock the running process never gives
 * up, and stops with a socket timeout), so:
 * - migrations run under a lock of their own (a write transaction held on a
 *   file beside the database, released by SQLite if the process dies): two
 *   processes starting together migrate once;
 * - under it, a database whose ledger (`_prisma_migrations`, Prisma's own
 *   table) already holds every committed migration, finished, is left alone:
 *   the usual start of a second process on a running database;
 * - a database with migrations to apply goes to `prisma migrate deploy`; if
 *   other processes hold it, deploy cannot finish, and the start stops after
 *   SQLITE_MIGRATION_WAIT_MS saying so (stop them, start one, then the rest).
 */
function migrateSqlite(file: string, databaseUrl: string): void {
  const lock = new Database(`${file}.migrate-lock`, { timeout: SQLITE_MIGRATION_WAIT_MS });
  try {
    lock.exec("BEGIN IMMEDIATE");
    if (pendingSqliteMigrations(file).length > 0) {
      try {
        execFileSync(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: databaseUrl },
          stdio: ["ignore", "pipe", "inherit"],
          timeout: SQLITE_MIGRATION_WAIT_MS,
        });
      } catch (error) {
        if ((error as { code?: string }).code !== "ETIMEDOUT") throw error;
        throw new Error(
          `Applying the SQLite migrations to ${file} did not finish within ${SQLITE_MIGRATION_WAIT_MS / 1000} s: another process has the file open. ` +
            "Stop the other processes on this database, start one (it migrates), then start the others.",
          { cause: error },
        );
      }
    }
    // WAL is a property of the file, kept across connections: readers (web)
    // never wait for the writer (worker), and several processes can share it.
    const database = new Database(file, { timeout: SQLITE_MIGRATION_WAIT_MS });
    if (database.pragma("journal_mode", { simple: true }) !== "wal") database.pragma("journal_mode = WAL");
    database.close();
  } finally {
    if (lock.inTransaction) lock.exec("ROLLBACK");
    lock.close();
  }
}

/** The committed migrations (prisma/migrations/<name>/) the file's ledger does not record as applied. */
export function pendingSqliteMigrations(file: string): string[] {
  const directory = path.join(ROOT, "prisma/migrations");
  const committed = fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name);
  if (!fs.existsSync(file)) return committed;
  const database = new Database(file, { timeout: SQLITE_MIGRATION_WAIT_MS });
  try {
    const ledger = database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!ledger) return committed;
    const applied = new Set(
      (database.prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string }[]).map(
        (row) => row.migration_name,
      ),
    );
    // An unfinished or rolled-back row is Prisma's to report: deploy runs, and refuses with its own message.
    const unfinished = database.prepare(`SELECT count(*) AS count FROM "_prisma_migrations" WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL`).get() as { count: number };
    return unfinished.count > 0 ? committed : committed.filter((name) => !applied.has(name));
  } finally {
    database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { DEFAULT_DATABASE_URL } = await import("../app/db-url");
  await migrateDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  console.log("database migrated");
}
