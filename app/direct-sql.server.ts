// Hand-written statements sent straight to the driver adapter the
// PrismaClient itself uses (the same connection, the same transaction gate
// on SQLite), skipping Prisma's query compiler and its plan interpreter.
//
// Why: a profile of the worker issuing invoices (bench/stripe.ts under
// `node --cpu-prof`) showed ~30 % of its CPU in Prisma's runtime for the
// step writes alone — compiling each `$transaction([...$executeRaw])` batch
// in WebAssembly (compileBatch) and interpreting the plan — although every
// statement of it is already SQL (app/models/hot-sql.server.ts). Through the
// adapter, a batch is BEGIN, its statements, COMMIT, as Prisma would send
// them.
//
// Only for the few hot statements of app/models (the step writes, the Stripe
// request slots, the reads and writes each invoice makes once), on both
// databases; everything else goes through Prisma.
// On PostgreSQL the adapter sends every parameter as text for the server to
// type from its context, as it does for Prisma's own raw queries; where the
// context gives none (a derived table's VALUES), the statement casts
// (hot-sql.server.ts). Errors arrive as the adapter's (DriverAdapterError),
// not Prisma's codes: isTransientDatabaseError knows both. A client made
// elsewhere (tests' logging clients) has no adapter recorded here: its
// statements fall back to Prisma's `$transaction` and `$queryRaw`.
import type { Prisma, PrismaClient } from "@prisma/client";
import type {
  ArgType,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from "@prisma/driver-adapter-utils";

/**
 * A driver adapter factory that remembers the connection it gave Prisma, so
 * that direct statements share it. Prisma connects lazily (at its first
 * query) and disposes of the connection on `$disconnect`: until it connects
 * again, nothing is remembered and batches go through Prisma.
 */
export class RecordingAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider;
  readonly adapterName;
  connected: SqlDriverAdapter | null = null;

  constructor(private readonly inner: SqlMigrationAwareDriverAdapterFactory) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const dispose = adapter.dispose.bind(adapter);
    // Forgotten as soon as Prisma lets it go: a disposed connection is never used here.
    adapter.dispose = () => {
      if (this.connected === adapter) this.connected = null;
      return dispose();
    };
    this.connected = adapter;
    return adapter;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb();
  }
}

const factories = new WeakMap<PrismaClient, RecordingAdapterFactory>();

/** Records `factory` as the one `client` was made with (db.server.ts). */
export function registerDirectSql(client: PrismaClient, factory: RecordingAdapterFactory): void {
  factories.set(client, factory);
}

/** The connection `client` was made with, while Prisma holds it; null for any other client (a transaction's, a test's). */
function connectedAdapter(client: PrismaClient | Prisma.TransactionClient): SqlDriverAdapter | null {
  return factories.get(client as PrismaClient)?.connected ?? null;
}

/** One statement of a batch: `execute` returns the number of rows it changed, `query` its rows. */
export type BatchStatement = { kind: "execute"; sql: Prisma.Sql } | { kind: "query"; sql: Prisma.Sql };
export type BatchResult = number | Record<string, unknown>[];

/**
 * Runs `statements` in order in one transaction (all or nothing) and returns
 * each one's result. Through the adapter when `client` has one recorded and
 * connected, else through Prisma's `$transaction` (same SQL, same results).
 */
export async function runBatch(client: PrismaClient, statements: BatchStatement[]): Promise<BatchResult[]> {
  const adapter = connectedAdapter(client);
  if (!adapter) {
    return client.$transaction(
      statements.map((statement) => (statement.kind === "execute" ? client.$executeRaw(statement.sql) : client.$queryRaw<Record<string, unknown>[]>(statement.sql))),
    );
  }
  const postgres = adapter.provider === "postgres";
  const transaction = await adapter.startTransaction();
  try {
    const results: BatchResult[] = [];
    for (const statement of statements) {
      const query = toQuery(statement.sql, postgres);
      if (statement.kind === "execute") {
        results.push(await transaction.executeRaw(query));
      } else {
        results.push(rowsOf(await transaction.queryRaw(query)));
      }
    }
    // What Prisma's transaction manager sends for adapters without a phantom COMMIT (both of ours).
    await transaction.executeRaw({ sql: "COMMIT", args: [], argTypes: [] });
    await transaction.commit();
    return results;
  } catch (error) {
    await transaction.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => undefined);
    await transaction.rollback();
    throw error;
  }
}

/**
 * Runs one `query` statement and returns its rows: on its own (no
 * transaction) through the adapter when `client` has one recorded and
 * connected, else through Prisma's `$queryRaw` (same SQL, same rows) — which
 * is how a transaction's client (never recorded) runs it inside its
 * transaction.
 */
export async function runQuery(client: PrismaClient | Prisma.TransactionClient, sql: Prisma.Sql): Promise<Record<string, unknown>[]> {
  const adapter = connectedAdapter(client);
  if (!adapter) return client.$queryRaw<Record<string, unknown>[]>(sql);
  return rowsOf(await adapter.queryRaw(toQuery(sql, adapter.provider === "postgres")));
}

/**
 * Runs one `execute` statement (autocommitted, or in the transaction of a
 * transaction's client) and returns the number of rows it changed: through
 * the adapter as runQuery does, else through Prisma's `$executeRaw`.
 */
export async function runExecute(client: PrismaClient | Prisma.TransactionClient, sql: Prisma.Sql): Promise<number> {
  const adapter = connectedAdapter(client);
  if (!adapter) return client.$executeRaw(sql);
  return adapter.executeRaw(toQuery(sql, adapter.provider === "postgres"));
}

/** A result set as objects keyed by column name, as `$queryRaw` gives them. */
function rowsOf(set: SqlResultSet): Record<string, unknown>[] {
  return set.rows.map((row) => Object.fromEntries(set.columnNames.map((name, index) => [name, row[index]])));
}

/** A Prisma.Sql as the adapter takes it: `?` placeholders on SQLite, `$n` on PostgreSQL; each value's type for the adapter's mapping. */
function toQuery(sql: Prisma.Sql, postgres: boolean): SqlQuery {
  return { sql: postgres ? sql.text : sql.sql, args: sql.values, argTypes: sql.values.map(argType) };
}

function argType(value: unknown): ArgType {
  const scalar = (scalarType: ArgType["scalarType"]): ArgType => ({ scalarType, arity: "scalar" });
  if (value instanceof Date) return scalar("datetime");
  if (typeof value === "number") return scalar(Number.isInteger(value) ? "int" : "float");
  if (typeof value === "bigint") return scalar("bigint");
  if (typeof value === "boolean") return scalar("boolean");
  if (typeof value === "string") return scalar("string");
  return scalar("unknown");
}
