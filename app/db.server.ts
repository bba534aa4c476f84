// The one PrismaClient. Rust-free Prisma: queries are compiled in TypeScript
// and run through a driver adapter chosen from DATABASE_URL.
//
// Prisma compiles queries for the provider its client was generated for, so
// each provider has its own generated client: SQLite's from
// prisma/schema.prisma (`@prisma/client`, whose types are the app's types),
// PostgreSQL's from the schema generated from it, prisma/postgres/schema.prisma
// (`.prisma/client-pg`, see scripts/db-generate.ts). Both clients are made
// from one data model and share Prisma's runtime, so the PostgreSQL client is
// used under the SQLite client's type, and `Prisma.sql`, `Prisma.join` and
// Prisma's error classes are the same objects for both.
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { DEFAULT_POOL_SIZE, keptConnectionsFor, poolSizeFromEnv, resolvePoolSize, type PoolNeeds } from "./db-pool.server";
import { DEFAULT_DATABASE_URL, databaseKind, SQLITE_SYNCHRONOUS_MODES, sqliteFileFromUrl, type DatabaseKind, type SqliteSynchronous } from "./db-url";
import { RecordingAdapterFactory, registerDirectSql } from "./direct-sql.server";
import { logger } from "./logger.server";
import { IsolatingSqliteAdapterFactory } from "./sqlite-adapter.server";

/** How long a SQLite writer waits for another process's write lock. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** Where scripts/db-generate.ts generates the PostgreSQL client (a package path, resolved like `.prisma/client`). */
export const POSTGRES_CLIENT_MODULE = ".prisma/client-pg";

export function createPrismaClient(
  url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  synchronous: SqliteSynchronous = sqliteSynchronousFromEnv(),
): PrismaClient {
  // The worker's hottest writes reach the connection directly (direct-sql.server.ts).
  if (databaseKind(url) === "postgres") {
    const PostgresClient = postgresClientClass();
    const adapter = new RecordingAdapterFactory(new SizedPgAdapterFactory(url));
    const client = new PostgresClient({ adapter });
    registerDirectSql(client, adapter);
    return client;
  }
  const adapter = new RecordingAdapterFactory(new IsolatingSqliteAdapterFactory({ url: sqliteFileFromUrl(url), timeout: SQLITE_BUSY_TIMEOUT_MS }, { synchronous }));
  const client = new PrismaClient({ adapter });
  registerDirectSql(client, adapter);
  return client;
}

/**
 * pg's pool, made when Prisma connects (its first query), not when the
 * client is: its size is known only once the process knows how many lanes
 * its worker runs (sizeDatabasePool, app/db-pool.server.ts), after this
 * module made the app's client at import.
 */
class SizedPgAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";

  constructor(private readonly url: string) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.pg().connect();
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.pg().connectToShadowDb();
  }

  private pg(): PrismaPg {
    poolConnectedWith = databasePoolSize();
    // The worker's connections are kept open when idle (pg closes idle ones
    // after 10 s): the day's first due runs find them ready (openDatabasePool).
    currentPool = new pg.Pool({ connectionString: this.url, max: poolConnectedWith, min: Math.min(keptConnections, poolConnectedWith) });
    return new PrismaPg(currentPool, { disposeExternalPool: true });
  }
}

/** The pg pool of the app's client, once Prisma connected. */
let currentPool: pg.Pool | undefined;
/** Set by sizeDatabasePool: the connections its worker holds at once (its lanes' and its housekeeping's). */
let keptConnections = 0;

/**
 * Opens the connections this process's worker will hold, before its first
 * claim: each new PostgreSQL connection costs a backend's start and its
 * first look at the tables (a few ms of the server's CPU each), and a worker
 * whose 30 lanes all open theirs when the first runs fall due spends its
 * first second doing that instead of calling Stripe (the workers bench saw
 * its first Stripe request ~0.9 s after the claim, with 120 lanes). Nothing
 * to do on SQLite (one connection, opened with the client).
 */
export async function openDatabasePool(): Promise<void> {
  if (databaseDialect !== "postgres" || keptConnections === 0) return;
  await prisma.$connect(); // makes the pool (SizedPgAdapterFactory)
  const pool = currentPool;
  if (!pool) return;
  const opened = await Promise.allSettled(Array.from({ length: Math.min(keptConnections, pool.options.max) }, () => pool.connect()));
  const connections = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  try {
    // Planning this opens the tables every step touches, and their indexes, on each connection.
    await Promise.allSettled(connections.map((connection) => connection.query(`SELECT NULL FROM "InvoiceRun", "RunEvent", "RecurringTemplate", "Shop", "StripeRequestSlot", "StripeCustomer" WHERE false`)));
  } finally {
    for (const connection of connections) connection.release();
  }
  // Ahead of need only: a connection refused now (max_connections reached, the server restarting) is opened when a lane needs it.
  const refused = opened.find((result) => result.status === "rejected");
  if (refused) logger.warn({ err: refused.reason, opened: connections.length, wanted: opened.length }, "could not open every database connection ahead of the first claim; the rest open on demand");
}

/** Set by sizeDatabasePool: this process's pool, from its worker's lanes. */
let plannedPoolSize: number | undefined;
/** The size the app's pools were made with, once Prisma connected. */
let poolConnectedWith: number | undefined;

/** The PostgreSQL connections each of this process's clients keeps (see app/db-pool.server.ts). */
export function databasePoolSize(): number {
  return plannedPoolSize ?? poolSizeFromEnv() ?? DEFAULT_POOL_SIZE;
}

/**
 * Sizes this process's PostgreSQL pool for what it runs (its worker's lanes,
 * HTTP requests), before its first query; nothing to do on SQLite.
 * @throws Error, to be shown as is, when DATABASE_POOL_SIZE is malformed or
 *   too small for the lanes (resolvePoolSize), or when the pool was already
 *   made with another size (a query ran first: a bug of the caller).
 */
export function sizeDatabasePool(needs: PoolNeeds, url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): number | undefined {
  if (databaseKind(url) !== "postgres") return undefined;
  const size = resolvePoolSize(needs);
  if (poolConnectedWith !== undefined && poolConnectedWith !== size) {
    throw new Error(`The database pool was made with ${poolConnectedWith} connections before it was sized (${size}): size it before the first query.`);
  }
  plannedPoolSize = size;
  keptConnections = keptConnectionsFor(needs);
  return size;
}

/**
 * The PostgreSQL client's class, typed as the SQLite client's: both are
 * generated from the same models, so their queries and results agree; only
 * the SQL they compile to differs.
 */
function postgresClientClass(): typeof PrismaClient {
  const load = createRequire(import.meta.url);
  let generated: { PrismaClient: typeof PrismaClient };
  try {
    generated = load(POSTGRES_CLIENT_MODULE) as typeof generated;
  } catch (error) {
    throw new Error(
      `DATABASE_URL points at PostgreSQL but its Prisma client is missing (${POSTGRES_CLIENT_MODULE}): run \`npm run db:generate\`.`,
      { cause: error },
    );
  }
  return generated.PrismaClient;
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
 * real. Idempotent. Nothing to do on PostgreSQL, a server made for many
 * processes.
 */
export async function configureDatabase(client: PrismaClient, url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<void> {
  if (databaseKind(url) === "postgres") return;
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

declare global {
  // Remix's dev server reloads modules; keep one client per process.
  var __ritournellePrisma: PrismaClient | undefined;
}

const prisma: PrismaClient = (globalThis.__ritournellePrisma ??= createPrismaClient());

/**
 * The SQL dialect of the app's client (the database DATABASE_URL names): what
 * the hand-written statements of app/models/hot-sql.server.ts are built for.
 */
export const databaseDialect: DatabaseKind = databaseKind(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);

export default prisma;
