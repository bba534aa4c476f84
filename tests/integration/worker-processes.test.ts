// Real worker processes on the test's SQLite database: the test entry
// (tests/helpers/worker-process-main.ts, the production process with a provider
// stand-in whose ledger is a SQLite file they share: a SIGKILLed worker's
// committed calls survive it), and the production entry (app/worker/main.ts).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { dueNowTemplates, killWorkerProcesses, PRODUCTION_WORKER_ENTRY, spawnWorkerProcess, TEST_WORKER_ENTRY, type WorkerProcess } from "../helpers/worker-process";

let ledgerFile: string;

/** A worker process on this test's ledger, with small batches and 1.5 s leases (races and takeovers happen fast). */
function spawnWorker(workerId: string, extraEnv: Record<string, string> = {}, extraArgs: string[] = [], entry = TEST_WORKER_ENTRY): WorkerProcess {
  return spawnWorkerProcess(workerId, {
    entry,
    args: ["--tick-ms", "50", "--template-batch", "4", "--run-batch", "4", "--template-lease-ms", "1500", "--run-lease-ms", "1500", ...extraArgs],
    env: { LEDGER_FILE: ledgerFile, ...extraEnv },
  });
}

const dueTemplates = dueNowTemplates;
const PRODUCTION_ENTRY = PRODUCTION_WORKER_ENTRY;

function sentCount(): Promise<number> {
  return prisma.invoiceRun.count({ where: { state: "sent" } });
}

function expectOneInvoicePerTemplate(templateIds: string[]) {
  const ledger = new MemoryGateway({ file: ledgerFile });
  try {
    const counts = ledger.invoiceCountsByPeriod();
    expect([...counts.keys()].sort()).toEqual(templateIds.map((id) => `${id}#0`).sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(ledger.invoices().every((invoice) => invoice.sentCount === 1)).toBe(true);
    return ledger.ledger();
  } finally {
    ledger.close();
  }
}

beforeAll(async () => {
  await configureDatabase(prisma); // WAL: several processes on one file
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
  ledgerFile = path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, `ledger-${randomUUID()}.sqlite`);
});

afterEach(killWorkerProcesses);

describe("worker processes", () => {
  it("the production entry issues with Stripe, and without Stripe's key says what to set instead of crashing", async () => {
    const worker = spawnWorker("unconfigured", { STRIPE_SECRET_KEY: "" }, [], PRODUCTION_ENTRY);
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toContain("Stripe is not configured: set STRIPE_SECRET_KEY (see .env.example).");
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("the production entry refuses to load a gateway module given on the command line", async () => {
    const worker = spawnWorker("seam", {}, ["--gateway", "tests/helpers/file-ledger-gateway.ts"], PRODUCTION_ENTRY);
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toContain("Unknown option '--gateway'");
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a metrics port out of range is refused with what is allowed, before the worker claims anything", async () => {
    const worker = spawnWorker("bad-port", {}, ["--metrics-port", "70000"]);
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toContain('--metrics-port must be a port number from 0 (any free port) to 65535; got "70000".');
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a worker SIGKILLed right after the provider created a draft is taken over: one invoice per period", async () => {
    const templateIds = await dueTemplates(6);
    // One run at a time, so that the kill lands between known runs.
    const doomed = spawnWorker("doomed", { LEDGER_KILL_AFTER: "draft:3" }, ["--concurrency", "1"]);
    const death = await doomed.exited;
    expect(death, doomed.output()).toEqual({ code: null, signal: "SIGKILL" });

    // Killed mid-run: the third run has its draft at the provider but not in our database.
    const runs = await prisma.invoiceRun.findMany({ orderBy: { createdAt: "asc" } });
    expect(runs.filter((run) => run.state === "sent")).toHaveLength(2);
    const interrupted = runs.find((run) => run.step === "draft");
    expect(interrupted).toMatchObject({ state: "issuing", leaseOwner: "doomed", invoiceId: null });

    const survivor = spawnWorker("survivor");
    await expect.poll(sentCount, { timeout: 20_000, interval: 100 }).toBe(6);
    survivor.child.kill("SIGTERM");
    expect(await survivor.exited, survivor.output()).toEqual({ code: 0, signal: null });

    const calls = expectOneInvoicePerTemplate(templateIds);
    const recovered = calls.filter((call) => call.runId === interrupted!.id).map((call) => `${call.step}:${call.outcome}`);
    expect(recovered).toEqual(["customer:created", "draft:created", "find:found", "lines:created", "finalize:created", "send:created"]);
    const adopted = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted!.id } });
    expect(adopted).toMatchObject({ state: "sent", leaseOwner: null });
  });

  it("two workers racing on the same due templates: every period issued once, none missed", async () => {
    // Two lanes each: one worker's lanes, taking the next runs as they free up, cannot claim the whole backlog before the other's wake.
    const racing = ["--concurrency", "2"];
    const racers = [spawnWorker("racer-a", { LEDGER_LATENCY_MS: "10" }, racing), spawnWorker("racer-b", { LEDGER_LATENCY_MS: "10" }, racing)];
    for (const racer of racers) await expect.poll(racer.output, { timeout: 20_000, interval: 50 }).toContain("worker started");
    const templateIds = await dueTemplates(24);

    await expect.poll(sentCount, { timeout: 30_000, interval: 100 }).toBe(24);
    for (const racer of racers) racer.child.kill("SIGTERM");
    for (const racer of racers) expect(await racer.exited, racer.output()).toEqual({ code: 0, signal: null });

    expect(await prisma.invoiceRun.count()).toBe(24);
    expectOneInvoicePerTemplate(templateIds);
    const senders = await prisma.runEvent.groupBy({ by: ["actor"], where: { type: "run.sent" }, _count: true });
    expect(senders.map((row) => row.actor).sort()).toEqual(["worker:racer-a", "worker:racer-b"]);
    expect(await prisma.invoiceRun.count({ where: { leaseOwner: { not: null } } })).toBe(0);
  });

  it("two processes started with the same --worker-id never both write a step: the one whose lease was claimed again writes nothing more", async () => {
    const [templateId] = await dueTemplates(1);
    const answerFirst = `${ledgerFile}.answer-first`;
    const answerSecond = `${ledgerFile}.answer-second`;
    const stepOfRun = async () => (await prisma.invoiceRun.findFirst({ where: { templateId } }))?.step ?? null;
    // The first process stalls in its lines call while its 1 s lease runs out (one lane: none of its own takes the run over)…
    const first = spawnWorker("twin", { LEDGER_HOLD: `lines:${answerFirst}` }, ["--run-lease-ms", "1000", "--concurrency", "1"]);
    await expect.poll(stepOfRun, { timeout: 20_000, interval: 50 }).toBe("lines");
    // …and a second process with the same id claims the run, adds the lines and stalls in its finalize call, holding the run.
    const second = spawnWorker("twin", { LEDGER_HOLD: `finalize:${answerSecond}` }, ["--run-lease-ms", "60000"]);
    await expect.poll(stepOfRun, { timeout: 20_000, interval: 50 }).toBe("finalize");

    // The first's call answers at last: its write finds the run claimed again, and it leaves the run alone.
    fs.writeFileSync(answerFirst, "");
    await expect.poll(() => first.output().includes("lease lost") || sentCount().then((count) => count > 0), { timeout: 20_000, interval: 50 }).toBe(true);
    fs.writeFileSync(answerSecond, "");
    await expect.poll(sentCount, { timeout: 20_000, interval: 100 }).toBe(1);
    for (const twin of [first, second]) twin.child.kill("SIGTERM");
    for (const twin of [first, second]) expect(await twin.exited, twin.output()).toEqual({ code: 0, signal: null });

    expect(first.output()).toContain("lease lost");
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId } });
    const trail = await prisma.runEvent.findMany({ where: { runId: run.id, type: { in: ["run.step_completed", "run.sent"] } }, orderBy: { id: "asc" } });
    expect(trail.map((event) => event.cause ?? event.type)).toEqual(["customer", "draft", "lines", "finalize", "run.sent"]);
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } })).toMatchObject({ issuedCount: 1 });
    expectOneInvoicePerTemplate([templateId!]);
  });
});
