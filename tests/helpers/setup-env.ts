// Runs before each test file (each file has its own process and modules).
// Every file gets a complete, valid configuration and its own freshly
// migrated SQLite database, copied from the template made in global-setup.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const runDir = process.env.RITOURNELLE_TEST_RUN_DIR;
if (!runDir) throw new Error("RITOURNELLE_TEST_RUN_DIR is unset: run tests through vitest (global-setup.ts makes it).");
const databaseFile = path.join(runDir, `test-${randomUUID()}.sqlite`);
fs.copyFileSync(path.join(runDir, "template.sqlite"), databaseFile);

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "https://ritournelle.test",
  SCOPES: "read_orders,read_customers,write_orders,read_products",
  LOG_LEVEL: "silent",
  DATABASE_URL: `file:${databaseFile}`,
};
for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] = value;
