// Where the database lives. Shared by the runtime client (app/db.server.ts),
// the Prisma CLI (prisma.config.ts) and the test harness, so they always
// agree on which file a "file:" URL means.
import fs from "node:fs";
import path from "node:path";

/** The embedded default: a SQLite file under data/ (gitignored). */
export const DEFAULT_DATABASE_URL = "file:./data/ritournelle.sqlite";

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgres";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgres://" (PostgreSQL); got "${url.split(":")[0]}:…".`,
  );
}

/**
 * Resolves a "file:" URL to an absolute path (relative paths are taken from
 * the project root, as the Prisma CLI does) and makes sure its folder exists.
 */
export function sqliteFileFromUrl(url: string): string {
  const raw = url.replace(/^file:/, "");
  if (raw === ":memory:") return raw;
  const file = path.isAbsolute(raw) ? raw : path.resolve(process.cwd(), raw);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/**
 * When a SQLite commit reaches the disk (PRAGMA synchronous, WAL mode):
 * - "normal" (default): a commit survives the process crashing or being
 *   killed at any instant; an OS crash or power loss may undo the last
 *   commits (since the last checkpoint), never corrupt the file. Every
 *   invoicing step is safe to replay (idempotency keys, invoices found by
 *   their run id), Stripe and Shopify send their webhooks again.
 * - "full": every commit waits for fsync, so it survives power loss too; each
 *   commit then blocks the process for the disk's flush time (~2.5 ms on the
 *   benchmark machine).
 */
export const SQLITE_SYNCHRONOUS_MODES = ["normal", "full"] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];
