// The one PrismaClient. Rust-free Prisma: queries are compiled in TypeScript
// and run through a driver adapter chosen from DATABASE_URL.
import { PrismaClient } from "@prisma/client";
import { DEFAULT_DATABASE_URL, databaseKind, SQLITE_SYNCHRONOUS_MODES, sqliteFileFromUrl, type SqliteSynchronous } from "./db-url";
import { IsolatingSqliteAdapterFactory } from "./sqlite-adapter.server";

/** How long a SQLite writer waits for another process's write lock. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export function createPrismaClient(
  url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  synchronous: SqliteSynchronous = sqliteSynchronousFromEnv(),
): PrismaClient {
  const kind = databaseKind(url);
  if (kind === "postgres") {
    // The schema and migrations are SQLite's for now. PostgreSQL runs through
    // @prisma/adapter-pg with a client generated from a postgres copy of the
    // schema; that work belongs to the multi-process scale issue.
    throw new Error(
      "DATABASE_URL points at PostgreSQL, which this build does not support yet. Use a file: URL (embedded SQLite).",
    );
  }
  const adapter = new IsolatingSqliteAdapterFactory({ url: sqliteFileFromUrl(url), timeout: SQLITE_BUSY_TIMEOUT_MS }, { synchronous });
  return new PrismaClient({ adapter });
}

/** SQLITE_SYNCHRONOUS, read here because worker processes and tools open the database without the app's full config. */
function sqliteSynchronousFromEnv(): SqliteSynchronous {
  const raw = (process.env.SQLITE_SYNCHRONOUS ?? "").trim().toLowerCase();
  if (raw === "") return "normal";
  const mode = SQLITE_SYNCHRONOUS_MODES.find((candidate) => candidate === raw);
  if (!mode) throw new Error(`SQLITE_SYNCHRONOUS must be "normal" or "full"; got ${JSON.stringify(process.env.SQLITE_SYNCHRONOUS)}.`);
  return mode;
}

/**
 * SQLite settings that make several processes (web + workers) safe on one
 * file: WAL lets readers proceed during a write; foreign keys make cascades
 * real. Idempotent.
 */
export async function configureDatabase(client: PrismaClient): Promise<void> {
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

declare global {
  // Remix's dev server reloads modules; keep one client per process.
  var __ritournellePrisma: PrismaClient | undefined;
}

const prisma: PrismaClient = (globalThis.__ritournellePrisma ??= createPrismaClient());

export default prisma;
