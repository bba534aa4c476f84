// A better-sqlite3 driver adapter that keeps transactions isolated inside
// one process.
//
// @prisma/adapter-better-sqlite3 (6.19) has a single connection. It queues
// transactions behind each other, but a query sent OUTSIDE a transaction
// while one is open runs on that same connection — that is, inside the open
// transaction: it sees its uncommitted rows and is rolled back with it. With
// web requests and the worker in one process (the embedded default), that
// would let a merchant's write vanish with a worker's rolled-back
// transaction. This wrapper makes every statement outside a transaction wait
// until no transaction is open, so each transaction is alone on the
// connection from BEGIN to COMMIT/ROLLBACK.
//
// The cost is small: better-sqlite3 is synchronous, so statements never ran
// in parallel anyway; our transactions never span a network call.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { SqliteSynchronous } from "./db-url";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

/** A FIFO lock: `acquire` resolves with the function that releases it. */
class Gate {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return acquired;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

function releasingTransaction(transaction: Transaction, release: () => void): Transaction {
  let open = true;
  const end = async (finish: () => Promise<void>) => {
    try {
      await finish();
    } finally {
      if (open) {
        open = false;
        release();
      }
    }
  };
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: (query) => transaction.executeRaw(query),
    commit: () => end(() => transaction.commit()),
    rollback: () => end(() => transaction.rollback()),
  };
}

class IsolatingAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;
  private readonly gate = new Gate();

  constructor(private readonly inner: SqlDriverAdapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery) {
    return this.gate.run(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    return this.gate.run(() => this.inner.executeRaw(query));
  }

  executeScript(script: string) {
    return this.gate.run(() => this.inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.gate.acquire();
    try {
      return releasingTransaction(await this.inner.startTransaction(isolationLevel), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose() {
    return this.inner.dispose();
  }
}

/** Statements kept prepared per connection (the least recently used go first). */
const STATEMENT_CACHE_SIZE = 500;

type Statement = {
  readonly reader: boolean;
  bind(args: unknown[]): unknown;
  run(...args: unknown[]): unknown;
  columns(): unknown[];
  raw(on?: boolean): Statement;
  all(...args: unknown[]): unknown[];
};

/**
 * Keeps the connection's statements prepared. The adapter prepares every
 * statement it runs (`client.prepare(sql).bind(args)`): SQLite parses and
 * plans the SQL each time, ~9 % of the worker's CPU in a profile of
 * bench/stripe.ts. Prepared once, a statement is run again with new
 * parameters: better-sqlite3 binds them per call (a statement's `bind` is
 * permanent, so the adapter gets a view that passes its arguments to each
 * call instead). The adapter's database handle is its `client` field
 * (@prisma/adapter-better-sqlite3 6.19); without one, nothing changes.
 */
function cachePreparedStatements(connection: SqlDriverAdapter): void {
  const database = (connection as unknown as { client?: { prepare?: (sql: string) => Statement } }).client;
  if (!database || typeof database.prepare !== "function") return;
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Statement>();
  (database as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return reusable(statement);
  };
}

/** A cached statement as the adapter uses it: `bind(args)` then `run()`, or `columns()` and `raw().all()`. */
function reusable(statement: Statement) {
  const bound = (args: unknown[]) => ({
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => statement.columns(),
    raw: (on = true) => {
      statement.raw(on);
      return { all: () => statement.all(args) };
    },
  });
  return { reader: statement.reader, bind: bound, run: () => statement.run(), columns: () => statement.columns() };
}

export type ConnectionSettings = {
  /** PRAGMA synchronous on every connection (see SQLITE_SYNCHRONOUS_MODES in db-url.ts). */
  synchronous: SqliteSynchronous;
};

export class IsolatingSqliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  private readonly inner: PrismaBetterSQLite3;

  constructor(
    config: ConstructorParameters<typeof PrismaBetterSQLite3>[0],
    private readonly settings: ConnectionSettings = { synchronous: "normal" },
  ) {
    this.inner = new PrismaBetterSQLite3(config);
    this.adapterName = this.inner.adapterName;
  }

  /**
   * Each connection is set up explicitly rather than trusting better-sqlite3's
   * build defaults (which happen to enable foreign keys, and pick
   * synchronous=NORMAL only for a file already in WAL mode).
   */
  async connect(): Promise<SqlDriverAdapter> {
    const connection = await this.inner.connect();
    cachePreparedStatements(connection);
    await connection.executeScript(`PRAGMA foreign_keys = ON; PRAGMA synchronous = ${this.settings.synchronous.toUpperCase()};`);
    return new IsolatingAdapter(connection);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return new IsolatingAdapter(await this.inner.connectToShadowDb());
  }
}
