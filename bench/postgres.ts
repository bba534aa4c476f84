// PostgreSQL for the bench sections that measure it (claim, workers): the
// cluster named by TEST_POSTGRES_URL when set, otherwise a throwaway one
// started here with scripts/pg-test-cluster.sh (state file of its own, so a
// developer's test cluster is left alone) and stopped afterwards, pass or
// fail. Databases are made fresh, migrated by the app's own runner, and
// seeded with server-side SQL (generate_series): a million rows in seconds.
import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "../server/migrate";
import { createDatabase, dropDatabases, newDatabaseName } from "../tests/helpers/postgres";

const SCRIPT = path.resolve("scripts/pg-test-cluster.sh");

/** Runs `work` with a PostgreSQL cluster's URL; a cluster started for it is stopped after. */
export async function withBenchCluster<T>(work: (clusterUrl: string) => Promise<T>): Promise<T> {
  const given = process.env.TEST_POSTGRES_URL;
  if (given) return work(given);
  const env = { ...process.env, PG_TEST_CLUSTER_STATE: path.resolve("tests/.tmp/pg-bench-cluster.env") };
  const url = execFileSync(SCRIPT, ["start"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  try {
    return await work(url);
  } finally {
    execFileSync(SCRIPT, ["stop"], { env, stdio: ["ignore", "ignore", "inherit"] });
  }
}

export type BenchPostgresDatabase = { url: string; dispose: () => Promise<void> };

/** A fresh database on the cluster, with the committed PostgreSQL migrations applied. */
export async function createBenchPostgresDatabase(clusterUrl: string, name: string): Promise<BenchPostgresDatabase> {
  const prefix = newDatabaseName(`bench_${name}`);
  const url = await createDatabase(clusterUrl, prefix);
  await migrateDatabase(url);
  return { url, dispose: () => dropDatabases(clusterUrl, prefix) };
}

/** Runs `work` with a connection to `url`. */
export async function withConnection<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const CUSTOMER = JSON.stringify({ name: "Bench Customer", email: "bench@example.com", locale: "fr" });
const LINES = JSON.stringify([{ title: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }]);

/** `shops` shops shop0…, each with its own billing account acct_<n>. */
export async function insertPostgresShops(client: pg.Client, shops = 100): Promise<void> {
  await client.query(
    `INSERT INTO "Shop" (id, domain, "timeZone", currency, locale, settings, "updatedAt", "billingAccountId")
     SELECT 'shop' || i, 'bench-' || i || '.myshopify.com', 'UTC', 'EUR', 'fr', '{}', now(), 'acct_' || i FROM generate_series(0, $1::int - 1) AS i`,
    [shops],
  );
}

/**
 * Templates `from` … `to − 1` as bench/fixtures.ts's insertTemplates makes
 * them on SQLite (the same deterministic spread: every 1/dueShare-th due up to
 * a day ago, the others up to 30 days ahead), in one server-side statement.
 */
export async function insertPostgresTemplates(client: pg.Client, options: { from: number; to: number; now: Date; dueShare: number; shops?: number }): Promise<void> {
  await client.query(
    `INSERT INTO "RecurringTemplate" (id, "shopId", customer, "customerEmail", currency, lines, "taxesIncluded", "periodTotal",
       "scheduleEvery", "scheduleUnit", "scheduleAnchor", "scheduleTimeOfDay", "scheduleTimeZone", "nextRunAt", "activeSince",
       status, "daysUntilDue", "signatureRequested", "createdAt", "updatedAt")
     SELECT 'tpl' || i, 'shop' || (i % $7::int), $1, 'bench@example.com', 'EUR', $2, true, 1000, 1, 'month',
       to_char(run_at, 'YYYY-MM-DD'), to_char(run_at, 'HH24:MI'), 'UTC', run_at, $3::timestamp, 'active', 14, false, $3::timestamp, $3::timestamp
     FROM (SELECT i, $3::timestamp + (CASE WHEN i % $6::int = 0 THEN -(i % 1440) - 1 ELSE 1 + (i % 43200) END) * interval '1 minute' AS run_at
           FROM generate_series($4::int, $5::int - 1) AS i) AS spread`,
    [CUSTOMER, LINES, options.now.toISOString().replace("Z", ""), options.from, options.to, Math.round(1 / options.dueShare), options.shops ?? 100],
  );
  await client.query(`VACUUM ANALYZE "RecurringTemplate"`);
}
