import { configDefaults, defineConfig } from "vitest/config";
import type { TestProjectInlineConfiguration } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * The chaos campaign (tests/chaos) runs through `npm run test:chaos`
 * (CHAOS_SIZE set), which `npm test` calls as its last step: alone, once,
 * not alongside the other suites (its worker processes want the cores).
 */
const CHAOS = process.env.CHAOS_SIZE ? ["tests/chaos/**/*.test.ts"] : [];

/**
 * Tests that need the machine to themselves (tests/alone: physical rates, e.g.
 * what Stripe sees in any one second from four worker processes) run in
 * `npm run test:alone` (RITOURNELLE_ALONE=1), after the other suites, one file
 * at a time, on each database: beside the other suites' processes on two
 * cores, a process's own scheduling delays show up in what they measure.
 */
const ALONE = process.env.RITOURNELLE_ALONE === "1";
const ALONE_SUITES = ["tests/alone/**/*.test.ts"];
const ALL_SUITES = ALONE
  ? ALONE_SUITES
  : ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "sandbox/**/*.test.ts", "tests/e2e/**/*.test.ts", ...CHAOS];

/**
 * The suites that touch the database, run a second time on PostgreSQL when a
 * cluster is available (TEST_POSTGRES_URL, see scripts/pg-test-cluster.sh),
 * plus the PostgreSQL-only ones (tests/postgres: its migrations and runner).
 */
const DATABASE_SUITES = ALONE ? ALONE_SUITES : ["tests/integration/**/*.test.ts", "tests/postgres/**/*.test.ts", ...CHAOS];

/** The chaos campaign runs once per run: on PostgreSQL when there is a cluster (its worker processes need one to scale), else on SQLite. */
const ONCE_ON_POSTGRES = ["tests/chaos/**"];

/**
 * Suites that start `npm start` on a SQLite file of their own whatever the
 * project (the embedded default is what they prove): a second run in the
 * postgres project would repeat the same SQLite test.
 */
const SQLITE_ONLY = ["tests/integration/production-start.test.ts", "tests/integration/sqlite-shared-start.test.ts"];

const withPostgres = Boolean(process.env.TEST_POSTGRES_URL);

function projects(): TestProjectInlineConfiguration[] | undefined {
  if (!withPostgres) return undefined;
  return [
    { extends: true, test: { name: "sqlite", include: ALL_SUITES, exclude: [...configDefaults.exclude, ...ONCE_ON_POSTGRES], env: { RITOURNELLE_TEST_DATABASE: "sqlite" } } },
    { extends: true, test: { name: "postgres", include: DATABASE_SUITES, exclude: [...configDefaults.exclude, ...SQLITE_ONLY], env: { RITOURNELLE_TEST_DATABASE: "postgres" } } },
  ];
}

// Tests run outside Remix's Vite plugin: route modules are imported directly
// and driven with real Request objects. Without TEST_POSTGRES_URL there is one
// project, on SQLite; with it, `sqlite` and `postgres` (global-setup.ts
// prepares a template database for each).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Set here only without projects: a project that extends this config would add its list to this one.
    include: withPostgres ? [] : ALL_SUITES,
    environment: "node",
    pool: "forks",
    fileParallelism: !ALONE,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/setup-env.ts"],
    projects: projects(),
  },
});
