// SIGTERM to a worker process in the middle of a backlog (a deploy, a
// scale-down): it stops within its bound, leaves no run leased, and a
// successor finishes the backlog with one invoice per period. And the
// process's own port: /metrics (its counters) and /healthz (its last tick).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { systemClock } from "~/domain/clock";
import { logger } from "~/logger.server";
import { planDueTemplates } from "~/worker/scheduler";
import { loggedMetricsPort } from "../helpers/logged-port";
import { MemoryGateway } from "../helpers/memory-gateway";
import { dueNowTemplates, killWorkerProcesses, spawnWorkerProcess, type WorkerProcess } from "../helpers/worker-process";

let ledgerFile: string;

/** The test worker process on this test's ledger, ticking every 50 ms with a 60 s run lease. */
function spawnWorker(workerId: string, env: Record<string, string>, args: string[] = []): WorkerProcess {
  return spawnWorkerProcess(workerId, { args: ["--tick-ms", "50", "--run-lease-ms", "60000", ...args], env: { LEDGER_FILE: ledgerFile, ...env } });
}

const dueTemplates = dueNowTemplates;

const sentCount = () => prisma.invoiceRun.count({ where: { state: "sent" } });

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.workerHeartbeat.deleteMany();
  ledgerFile = path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, `ledger-${randomUUID()}.sqlite`);
});

afterEach(killWorkerProcesses);

describe("worker shutdown on SIGTERM", () => {
  it("mid-backlog: finishes the step in flight, gives back the runs it claimed but had not started, exits 0 before its bound; its successor doubles no invoice", async () => {
    const templateIds = await dueTemplates(30);
    // Planned before the worker starts (it plans beside its issuing, so its first claim could find only the first runs).
    await planDueTemplates({ workerId: "planner", clock: systemClock, batchSize: 100, leaseMs: 60_000, maxPeriodsPerTemplate: 1, lateToleranceMs: 3_600_000, shouldStop: () => false, logger });
    const release = `${ledgerFile}.release`;
    // One lane, held inside its first draft call: its claim holds that run and the next one, not started yet.
    const first = spawnWorker("leaving", { LEDGER_LATENCY_MS: "5", LEDGER_HOLD: `draft:${release}` }, [
      "--concurrency", "1", "--shutdown-timeout-ms", "20000", "--metrics-port", "0",
    ]);
    await expect.poll(() => prisma.invoiceRun.count({ where: { step: "draft" } }), { timeout: 30_000, interval: 50 }).toBe(1);
    expect(await prisma.invoiceRun.count({ where: { leaseOwner: "leaving" } })).toBe(2);
    const inFlight = await prisma.invoiceRun.findFirstOrThrow({ where: { step: "draft" } });

    // Its own port while it works (the OS chose it: --metrics-port 0): its counters and a fresh tick, not the database's gauges.
    const port = loggedMetricsPort(first.output());
    expect(port, first.output()).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(scraped).toContain("ritournelle_stripe_rate_limit_wait_seconds");
    expect(scraped).not.toContain("ritournelle_runs{"); // the database gauges are the web process's
    expect(await prisma.workerHeartbeat.count({ where: { workerId: "leaving" } })).toBe(1);

    first.child.kill("SIGTERM");
    await expect.poll(first.output, { timeout: 10_000, interval: 20 }).toContain("shutting down");
    fs.writeFileSync(release, ""); // the provider answers the call in flight
    // 0, not 1: it stopped by itself before the 20 s bound forced it out.
    expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });

    // The step in flight was finished and stored; nothing else was started; nothing stays leased.
    const stopped = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: inFlight.id } });
    expect(stopped).toMatchObject({ state: "issuing", step: "lines", leaseOwner: null });
    expect(stopped.invoiceId).not.toBeNull();
    expect(await prisma.invoiceRun.count({ where: { leaseOwner: { not: null } } })).toBe(0);
    expect(await prisma.invoiceRun.count({ where: { state: "planned" } })).toBe(29);
    expect(await prisma.recurringTemplate.count({ where: { leaseOwner: "leaving" } })).toBe(0);
    expect(await prisma.workerHeartbeat.count()).toBe(0); // a graceful stop is not a dead worker

    const successor = spawnWorker("successor", {});
    await expect.poll(sentCount, { timeout: 30_000, interval: 100 }).toBe(30);
    successor.child.kill("SIGTERM");
    expect(await successor.exited, successor.output()).toEqual({ code: 0, signal: null });

    const ledger = new MemoryGateway({ file: ledgerFile });
    try {
      const counts = ledger.invoiceCountsByPeriod();
      expect([...counts.keys()].sort()).toEqual(templateIds.map((id) => `${id}#0`).sort());
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect(ledger.invoices().every((invoice) => invoice.sentCount === 1)).toBe(true);
    } finally {
      ledger.close();
    }
  }, 120_000);

  it("a step that never returns does not hold the process: it exits 1 at its bound and says why", async () => {
    await dueTemplates(1);
    const hung = spawnWorker("hung", { LEDGER_HOLD: `draft:${ledgerFile}.never` }, ["--shutdown-timeout-ms", "1500"]);
    await expect.poll(async () => (await prisma.invoiceRun.findFirst())?.step ?? null, { timeout: 20_000, interval: 50 }).toBe("draft");
    hung.child.kill("SIGTERM");
    expect(await hung.exited, hung.output()).toEqual({ code: 1, signal: null });
    expect(hung.output()).toContain("shutdown timed out");
  }, 60_000);
});
