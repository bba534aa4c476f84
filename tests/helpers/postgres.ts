// PostgreSQL databases for the tests, on the cluster named by
// TEST_POSTGRES_URL (scripts/pg-test-cluster.sh starts a throwaway one).
// global-setup.ts migrates one template database per run; each test file of
// the `postgres` project gets its own copy (CREATE DATABASE … TEMPLATE), as
// SQLite files copy template.sqlite.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The URL of database `name` on the cluster at `clusterUrl` (same host, user and options). */
export function databaseUrl(clusterUrl: string, name: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` with a connection to the cluster's maintenance database. */
export async function withCluster<T>(clusterUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database name under `prefix` (names are plain lower-case identifiers, quoted anyway). */
export function newDatabaseName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Creates database `name`, empty or as a copy of `template`; returns its URL. */
export async function createDatabase(clusterUrl: string, name: string, template?: string): Promise<string> {
  await withCluster(clusterUrl, (client) => client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`));
  return databaseUrl(clusterUrl, name);
}

/** Drops every database whose name starts with `prefix` (a test run's), templates included. */
export async function dropDatabases(clusterUrl: string, prefix: string): Promise<void> {
  await withCluster(clusterUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
    for (const { datname } of rows) {
      await client.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`);
      await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    }
  });
}
