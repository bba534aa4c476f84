// `npm run test:chaos [-- --seed N] [-- --size ci|full]`: the chaos campaign
// (tests/chaos/campaign.test.ts) on PostgreSQL — a throwaway cluster
// (scripts/pg-test-cluster.sh) unless TEST_POSTGRES_URL names one — or, when
// PostgreSQL cannot be had here, on SQLite, saying so. Needs the production
// build (npm run build): the campaign serves webhooks through the real server.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { seed: { type: "string" }, size: { type: "string", default: "ci" } } });
if (values.size !== "ci" && values.size !== "full") {
  console.error(`--size must be "ci" or "full"; got ${JSON.stringify(values.size)}.`);
  process.exit(2);
}
if (values.seed !== undefined && !/^\d+$/.test(values.seed)) {
  console.error(`--seed must be a whole number; got ${JSON.stringify(values.seed)}.`);
  process.exit(2);
}
if (!fs.existsSync("build/server/index.js")) {
  console.error("The campaign drives the production build: run `npm run build` first.");
  process.exit(2);
}
const env = { ...process.env, CHAOS_SIZE: values.size, ...(values.seed ? { CHAOS_SEED: values.seed } : {}) };
const vitest = ["node_modules/.bin/vitest", "run", "tests/chaos/campaign.test.ts"];

const run = (command: string, args: string[]) => spawnSync(command, args, { stdio: "inherit", env }).status ?? 1;

let status: number;
if (process.env.TEST_POSTGRES_URL) {
  status = run(vitest[0]!, [...vitest.slice(1), "--project", "postgres"]);
} else {
  const probe = spawnSync("scripts/pg-test-cluster.sh", ["run", "--", "true"], { stdio: "pipe", env });
  if (probe.status === 0) {
    status = run("scripts/pg-test-cluster.sh", ["run", "--", ...vitest, "--project", "postgres"]);
  } else {
    console.warn(`PostgreSQL is unavailable here (${probe.stderr.toString().trim().split("\n").pop() ?? "scripts/pg-test-cluster.sh failed"}): the campaign runs on SQLite instead.`);
    status = run(vitest[0]!, vitest.slice(1));
  }
}
process.exit(status);
