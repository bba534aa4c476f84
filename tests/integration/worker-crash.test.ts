// Crash anywhere, restart, converge: the worker dies (a CrashError thrown by
// the provider stand-in, before or after it committed the call's effect) at
// every step boundary; a new worker takes over once the lease expires, and
// the provider's ledger ends with exactly one invoice per period.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { BILLING_STEPS } from "~/domain/billing";
import { twoDuePeriods } from "../helpers/leases";
import { CrashError, MemoryGateway } from "../helpers/memory-gateway";
import { drain, runStates, testWorker } from "../helpers/recurring";

const RUN_LEASE_MS = 60_000;

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

function expectOneInvoicePerPeriod(gateway: MemoryGateway, templateId: string, periods: number) {
  const counts = gateway.invoiceCountsByPeriod();
  expect([...counts.keys()].sort()).toEqual(Array.from({ length: periods }, (_, index) => `${templateId}#${index}`));
  expect([...counts.values()]).toEqual(Array(periods).fill(1));
  // Sent once each: a replayed send does not send again.
  expect(gateway.invoices().map((invoice) => invoice.sentCount)).toEqual(Array(periods).fill(1));
}

describe.each(["crash_before", "crash_after"] as const)("worker dies %s the provider commits", (kind) => {
  it.each(BILLING_STEPS)("at %s: a restarted worker converges to one invoice per period", async (step) => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    gateway.failAt({ step, kind, periodIndex: 0 });

    const crashed = testWorker(gateway, clock, { workerId: "crashed", runLeaseMs: RUN_LEASE_MS });
    await expect(crashed.runOnce()).rejects.toThrow(CrashError);
    const stuck = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(stuck).toMatchObject({ state: "issuing", step, leaseOwner: "crashed" });
    // The other run of the batch was not started: its lease was given back.
    expect(await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } })).toMatchObject({
      state: "planned",
      leaseOwner: null,
    });

    const restarted = testWorker(gateway, clock, { workerId: "restarted", runLeaseMs: RUN_LEASE_MS });
    await drain(restarted);
    // The dead worker's lease still holds the crashed run…
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({ state: "issuing", leaseOwner: "crashed" });
    // …until it expires.
    clock.advance(RUN_LEASE_MS + 1);
    await drain(restarted);

    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    expectOneInvoicePerPeriod(gateway, template.id, 2);
    const crashedKey = `${stuck.id}:${step}`;
    const outcomes = gateway.ledger().filter((call) => call.idempotencyKey === crashedKey).map((call) => call.outcome);
    if (kind === "crash_before") {
      expect(outcomes).toEqual(["crashed", "created"]);
    } else if (step === "draft") {
      // A draft may exist: the run looks it up by run id and adopts it before creating anything.
      expect(outcomes).toEqual(["created"]);
      expect(gateway.ledger().filter((call) => call.step === "find").map((call) => call.outcome)).toEqual(["found"]);
    } else {
      // The repeated call is recognised by its idempotency key: no second effect.
      expect(outcomes).toEqual(["created", "replayed"]);
    }
  });
});

describe("recovering an invoice whose creation we never heard of", () => {
  it("after a crash and the provider forgetting the key, finds the run's draft and adopts it", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "draft", kind: "crash_after", periodIndex: 0 });
    await expect(testWorker(gateway, clock, { runLeaseMs: RUN_LEASE_MS }).runOnce()).rejects.toThrow(CrashError);

    gateway.forgetIdempotencyKeys(); // more than 24 h later, Stripe no longer knows the key
    clock.advance({ hours: 25 });
    await drain(testWorker(gateway, clock));

    expectOneInvoicePerPeriod(gateway, template.id, 2);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(gateway.ledger().filter((call) => call.runId === run.id).map((call) => `${call.step}:${call.outcome}`)).toEqual([
      "customer:created",
      "draft:created",
      "find:found", // the key is forgotten: only the lookup by run id can know
      "lines:created",
      "finalize:created",
      "send:created",
    ]);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.invoice_adopted" } })).toBe(1);
  });

  it("after a timeout on draft creation (unknown outcome), the retry adopts the invoice instead of making another", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "draft", kind: "transient_after_effect", periodIndex: 0 });
    const worker = testWorker(gateway, clock);
    await drain(worker);
    clock.advance({ minutes: 1 });
    await drain(worker);
    expectOneInvoicePerPeriod(gateway, template.id, 2);
    expect(gateway.ledger().filter((call) => call.step === "find").map((call) => call.outcome)).toEqual(["found"]);
  });
});

describe("leases", () => {
  it("a worker whose lease expired mid-call stops at its next write; the run is issued once, by the worker that took over", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    const slow = testWorker(gateway, clock, { workerId: "slow", runLeaseMs: RUN_LEASE_MS, runBatchSize: 1 });
    const other = testWorker(gateway, clock, { workerId: "other", runLeaseMs: RUN_LEASE_MS });
    gateway.failAt({
      step: "lines",
      kind: "interleave",
      periodIndex: 0,
      // While "slow" waits for the provider, its lease expires and "other" does the whole job.
      during: async () => {
        clock.advance(RUN_LEASE_MS + 1);
        await drain(other);
      },
    });

    const report = await slow.runOnce();
    expect(report.runs).toMatchObject({ claimed: 1, sent: 0, released: 1 });
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    expectOneInvoicePerPeriod(gateway, template.id, 2);
    const actors = await prisma.runEvent.findMany({ where: { templateId: template.id, type: "run.sent" }, select: { actor: true } });
    expect(actors.map((event) => event.actor)).toEqual(["worker:other", "worker:other"]);
    // The slow worker's late write left nothing behind: no step event of its own after it lost the lease.
    const slowSteps = await prisma.runEvent.findMany({ where: { templateId: template.id, actor: "worker:slow", type: "run.step_completed" } });
    expect(slowSteps.map((event) => event.cause)).toEqual(["customer", "draft"]);
    const issued = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } });
    expect(issued.issuedCount).toBe(2);
  });

  it("graceful stop finishes the step in progress, stores it and gives every lease back", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock, { workerId: "stopping", tickMs: 10 });
    let stopRequested = false;
    let stopped: Promise<void> = Promise.resolve();
    gateway.failAt({
      step: "lines",
      kind: "interleave",
      periodIndex: 0,
      during: async () => {
        stopped = worker.stop(); // SIGTERM arrives while the lines are being added
        stopRequested = true;
      },
    });
    worker.start();
    await expect.poll(() => stopRequested, { timeout: 5_000 }).toBe(true);
    await stopped;

    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    expect(runs.map((run) => [run.state, run.step, run.leaseOwner])).toEqual([
      ["issuing", "finalize", null], // the lines step completed and was stored
      ["planned", null, null],
    ]);
    expect(runs.every((run) => run.nextAttemptAt?.getTime() === new Date("2026-02-15T08:00:00Z").getTime())).toBe(true);
    expect(await prisma.recurringTemplate.count({ where: { leaseOwner: { not: null } } })).toBe(0);

    await drain(testWorker(gateway, clock));
    expectOneInvoicePerPeriod(gateway, template.id, 2);
  });

  it("a run whose every attempt dies mid-step is failed after the last attempt instead of looping forever", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "crash_before", periodIndex: 1, times: 100 });
    const worker = testWorker(gateway, clock, { runLeaseMs: RUN_LEASE_MS, retry: { maxAttempts: 3 } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(worker.runOnce()).rejects.toThrow(CrashError);
      clock.advance(RUN_LEASE_MS + 1);
    }
    await drain(worker);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } });
    // Interrupted attempts are not attempts of their own: the first one's number stays; the message counts the interruptions.
    expect(run).toMatchObject({ state: "failed", attempt: 1, lastErrorCode: "attempts_exhausted", attemptStep: null });
    expect(run.lastErrorMessage).toContain("interrupted 3 times in a row");
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "failed"],
    ]);
    expect(gateway.invoiceCountsByPeriod().get(`${template.id}#1`)).toBeUndefined();
  });

  it("a run whose worker is killed at every step, more times than maxAttempts, is issued once, not failed: each attempt moved it on", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    // The worker dies after the provider committed each call, before storing
    // it: six attempts, none failing on its own merits (maxAttempts is 3).
    for (const step of BILLING_STEPS) gateway.failAt({ step, kind: "crash_after", periodIndex: 0 });
    const worker = () => testWorker(gateway, clock, { runLeaseMs: RUN_LEASE_MS, retry: { maxAttempts: 3 } });
    let kills = 0;
    for (;;) {
      const tick = await worker()
        .runOnce()
        .then(() => "done" as const)
        .catch((error: unknown) => {
          if (!(error instanceof CrashError)) throw error;
          return "killed" as const;
        });
      if (tick === "done") break;
      kills += 1;
      clock.advance(RUN_LEASE_MS + 1); // the dead worker's lease expires; a new worker takes the run over
    }
    expect(kills).toBe(BILLING_STEPS.length);
    await drain(worker());

    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    expectOneInvoicePerPeriod(gateway, template.id, 2);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(run).toMatchObject({ attempt: 1, attemptStep: null, interruptions: 0, lastErrorCode: null });
  });

  it("interrupted attempts leave a run its full retries: after kills, a transient failure is retried, not the last straw", async () => {
    const { clock, template } = await twoDuePeriods();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "crash_before", periodIndex: 0, times: 2 });
    gateway.failAt({ step: "customer", kind: "transient", periodIndex: 0 });
    const worker = () => testWorker(gateway, clock, { runLeaseMs: RUN_LEASE_MS, retry: { maxAttempts: 3 } });
    for (let kill = 0; kill < 2; kill++) {
      await expect(worker().runOnce()).rejects.toThrow(CrashError);
      clock.advance(RUN_LEASE_MS + 1);
    }
    await worker().runOnce(); // the third attempt meets the transient failure
    const retried = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(retried).toMatchObject({ state: "issuing", attempt: 1, attemptStep: null, interruptions: 0 });
    clock.advance(3_600_000);
    await drain(worker());
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    expectOneInvoicePerPeriod(gateway, template.id, 2);
  });
});
