// A worker process's PostgreSQL pool and its lanes are sized together
// (app/db-pool.server.ts): one connection per lane and one for the worker's
// claims and heartbeat. A DATABASE_POOL_SIZE too small for the lanes is
// refused at start, saying what to change, before the worker claims anything
// (it would otherwise run and time out its own transactions, P2028).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealEnv } from "../helpers/seal";
import { dueNowTemplates, killWorkerProcesses, spawnWorkerProcess } from "../helpers/worker-process";

let ledgerFile: string;

beforeEach(async () => {
  await prisma.shop.deleteMany();
  ledgerFile = path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, `ledger-${randomUUID()}.sqlite`);
});

afterEach(killWorkerProcesses);

/** Each test starts a process under tsx: seconds on a quiet machine, much longer on a loaded one. */
const PROCESS_TEST_MS = 120_000;

function spawnWorker(workerId: string, poolSize: string, concurrency: string) {
  return spawnWorkerProcess(workerId, {
    args: ["--tick-ms", "50", "--concurrency", concurrency],
    env: { LEDGER_FILE: ledgerFile, DATABASE_POOL_SIZE: poolSize },
  });
}

describe("a worker process's pool and lanes", () => {
  it("refuses to start with more lanes than its pool can hold beside the housekeeping connection, and says what to set", async () => {
    const templateIds = await dueNowTemplates(3);
    const worker = spawnWorker("undersized", "10", "10");
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toContain("DATABASE_POOL_SIZE is 10, too small for this process's worker: its 10 concurrent lanes");
    expect(worker.output()).toContain("Raise DATABASE_POOL_SIZE to at least 11");
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace
    // Refused before claiming anything: no lease left behind, nothing planned.
    const templates = await prisma.recurringTemplate.findMany({ where: { id: { in: templateIds } } });
    expect(templates.map((template) => template.leaseOwner)).toEqual([null, null, null]);
    expect(await prisma.invoiceRun.count()).toBe(0);
  }, PROCESS_TEST_MS);

  it("refuses a DATABASE_POOL_SIZE that is not a number of connections", async () => {
    const worker = spawnWorker("malformed", "ten", "2");
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toContain('DATABASE_POOL_SIZE must be a whole number from 2 to 1000 (PostgreSQL connections per process); got "ten".');
  }, PROCESS_TEST_MS);

  it("with one connection per lane and one more, issues its due invoices", async () => {
    await dueNowTemplates(4);
    const worker = spawnWorker("sized", "5", "4");
    await expect.poll(() => prisma.invoiceRun.count({ where: { state: "sent" } }), { timeout: 90_000, interval: 100 }).toBe(4);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, PROCESS_TEST_MS);

  it("opens its lanes' connections when it starts, before anything is due, and keeps them through an idle spell", async () => {
    // Named in PostgreSQL's activity view by the URL's application_name: the test's own connections are not counted.
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set("application_name", "pool-warm-test");
    const worker = spawnWorkerProcess("warm", { args: ["--tick-ms", "50", "--concurrency", "3"], env: { LEDGER_FILE: ledgerFile, DATABASE_URL: url.toString() } });
    await expect.poll(() => worker.output(), { timeout: 90_000, interval: 100 }).toContain("worker started");
    const open = async () =>
      Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pool-warm-test' AND datname = current_database()`)[0]!.n);
    expect(await open(), "connections open at start: 3 lanes and the housekeeping one").toBe(4);
    // pg closes a pool's idle connections after 10 s unless they are its minimum.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await open(), "connections still open after 11 s with nothing to do").toBe(4);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, PROCESS_TEST_MS);

  it("npm start refuses a pool its embedded worker's lanes would leave no room for the requests in, before migrating", async () => {
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", DATABASE_URL: process.env.DATABASE_URL! };
    for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES"]) env[name] = process.env[name]!;
    Object.assign(env, await sealEnv(), {
      STRIPE_SECRET_KEY: "sk_test_pool_sizing",
      STRIPE_CLIENT_ID: "ca_pool_sizing",
      STRIPE_WEBHOOK_SECRET: "whsec_pool_sizing",
      WORKER_CONCURRENCY: "10",
      DATABASE_POOL_SIZE: "10",
    });
    const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(1);
    expect(output).toContain("DATABASE_POOL_SIZE is 10, too small for this process's worker: its 10 concurrent lanes");
    expect(output).toContain("Raise DATABASE_POOL_SIZE to at least 11 (21 leaves the requests their 10)");
    expect(output).not.toContain("ritournelle listening");
  }, PROCESS_TEST_MS);
});
