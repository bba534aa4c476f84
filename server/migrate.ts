// Applies committed migrations with the Prisma CLI (JS schema engine, no
// binaries), so a fresh SQLite file is ready before the app serves anything.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { databaseKind, sqliteFileFromUrl } from "../app/db-url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function migrateDatabase(databaseUrl: string): void {
  execFileSync(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (databaseKind(databaseUrl) === "sqlite") {
    // WAL is a property of the file, kept across connections: readers (web)
    // never wait for the writer (worker), and several processes can share it.
    const database = new Database(sqliteFileFromUrl(databaseUrl));
    database.pragma("journal_mode = WAL");
    database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { DEFAULT_DATABASE_URL } = await import("../app/db-url");
  migrateDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  console.log("database migrated");
}
