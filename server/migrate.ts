// Applies the committed migrations before the app serves anything, offline
// (no engine binary): SQLite's (prisma/migrations) with the Prisma CLI on the
// JS schema engine, PostgreSQL's (prisma/postgres/migrations) with our own
// runner (server/migrate-postgres.ts, which says why).
import { execFileSync } from "node:child_process";
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
  execFileSync(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // WAL is a property of the file, kept across connections: readers (web)
  // never wait for the writer (worker), and several processes can share it.
  const database = new Database(sqliteFileFromUrl(databaseUrl));
  database.pragma("journal_mode = WAL");
  database.close();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { DEFAULT_DATABASE_URL } = await import("../app/db-url");
  await migrateDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  console.log("database migrated");
}
