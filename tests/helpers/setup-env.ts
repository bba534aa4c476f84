// Runs before each test file (each file has its own process and modules).
// Every file gets a complete, valid configuration and its own freshly
// migrated database, copied from the template made in global-setup: a SQLite
// file, or in the `postgres` project (vitest.config.ts) a PostgreSQL database.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach } from "vitest";
import { captureTestOutput, noteConfiguredSecrets, recordConfiguredSecrets } from "./log-capture";
import { createDatabase, newDatabaseName } from "./postgres";

const runDir = process.env.RITOURNELLE_TEST_RUN_DIR;
if (!runDir) throw new Error("RITOURNELLE_TEST_RUN_DIR is unset: run tests through vitest (global-setup.ts makes it).");
// Before any app module loads: what this process prints is kept for the secret scan.
captureTestOutput(runDir);
afterEach(noteConfiguredSecrets);
afterAll(() => recordConfiguredSecrets(runDir));

/** The database this file runs on: "sqlite" unless its vitest project says otherwise. */
export const TEST_DATABASE = process.env.RITOURNELLE_TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

async function freshDatabaseUrl(): Promise<string> {
  if (TEST_DATABASE === "postgres") {
    const clusterUrl = process.env.TEST_POSTGRES_URL;
    const prefix = process.env.RITOURNELLE_TEST_PG_PREFIX;
    const template = process.env.RITOURNELLE_TEST_PG_TEMPLATE;
    if (!clusterUrl || !prefix || !template) throw new Error("The postgres project needs TEST_POSTGRES_URL (see scripts/pg-test-cluster.sh).");
    return createDatabase(clusterUrl, newDatabaseName(prefix), template);
  }
  const databaseFile = path.join(runDir!, `test-${randomUUID()}.sqlite`);
  fs.copyFileSync(path.join(runDir!, "template.sqlite"), databaseFile);
  return `file:${databaseFile}`;
}

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "https://ritournelle.test",
  SCOPES: "read_orders,read_customers,write_orders,read_products",
  // What processes the tests spawn inherit (and some parse their output);
  // this process's own logger logs everything, see below.
  LOG_LEVEL: "silent",
  DATABASE_URL: await freshDatabaseUrl(),
};
for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] = value;

// The app's logger in this process logs everything, into the run's log files
// only (log-capture.ts), for the secret scan. Imported now, after the capture,
// so that pino writes through it.
(await import("~/logger.server")).logger.level = "trace";
