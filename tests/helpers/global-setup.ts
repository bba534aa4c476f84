// Runs once before the suite: applies the committed migrations with the real
// Prisma CLI (`prisma migrate deploy`, JS schema engine) to a template SQLite
// file. Each test file then starts from its own copy (see setup-env.ts).
// Each run has its own folder, so concurrent runs never share files.
//
// With TEST_POSTGRES_URL set (a PostgreSQL cluster the tests may create
// databases on, see scripts/pg-test-cluster.sh), it also migrates a template
// PostgreSQL database with the app's own runner (server/migrate.ts), for the
// `postgres` project of vitest.config.ts.
//
// After the last file, the logs every test process wrote there are scanned
// for secrets (secret-scan.ts): one found fails the run.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../../server/migrate";
import { createDatabase, dropDatabases, newDatabaseName, withCluster } from "./postgres";
import { assertNoSecretsInLogs } from "./secret-scan";

export default async function setup() {
  const root = path.resolve("tests/.tmp");
  fs.mkdirSync(root, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(root, "run-"));
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${path.join(runDir, "template.sqlite")}` },
    stdio: "pipe",
  });
  // Test processes are forked after this and inherit the variables.
  process.env.RITOURNELLE_TEST_RUN_DIR = runDir;

  const clusterUrl = process.env.TEST_POSTGRES_URL;
  let dropPostgres = async () => {};
  if (clusterUrl) {
    // Every database of this run starts with the prefix, so the teardown
    // finds them all (and a run never touches another's).
    const prefix = newDatabaseName("rt");
    const template = `${prefix}_template`;
    dropPostgres = () => dropDatabases(clusterUrl, prefix);
    try {
      await migrateDatabase(await createDatabase(clusterUrl, template));
      // No connection may stay open on a template while it is copied.
      await withCluster(clusterUrl, (client) => client.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`));
    } catch (error) {
      await dropPostgres();
      throw error;
    }
    process.env.RITOURNELLE_TEST_PG_PREFIX = prefix;
    process.env.RITOURNELLE_TEST_PG_TEMPLATE = template;
  }

  return async () => {
    try {
      assertNoSecretsInLogs(runDir, path.join(root, `leaked-secrets-${path.basename(runDir)}`));
    } finally {
      await dropPostgres();
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  };
}
