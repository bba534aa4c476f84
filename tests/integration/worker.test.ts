// The worker end to end (scheduler + pipeline + in-memory provider) under a
// ManualClock: the right invoices, on the right day, once, whatever happened
// in between (downtime, DST, month ends, provider failures).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { listTemplateEvents } from "~/models/run-event.server";
import { recordWorkerTick } from "~/models/worker-heartbeat.server";
import { preferredWorker } from "~/domain/shop-affinity";
import { createTemplate } from "~/services/templates/create.server";
import { retryRun } from "~/services/templates/retry-run.server";
import type { BillingGateway } from "~/domain/billing";
import { CrashError, MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, PERIOD_TOTAL, runStates, templateInput, testWorker } from "../helpers/recurring";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

describe("issuing", () => {
  it("issues a due period through every step, stores the provider's ids and records the trail", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock);

    clock.set("2026-01-15T07:59:59Z"); // 08:59:59 in Paris: not yet due
    await drain(worker);
    expect(await prisma.invoiceRun.count()).toBe(0);

    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({
      periodIndex: 0,
      periodDate: "2026-01-15",
      state: "sent",
      step: null,
      expectedTotal: PERIOD_TOTAL,
      invoicedTotal: PERIOD_TOTAL,
      leaseOwner: null,
      nextAttemptAt: null,
    });
    const [invoice] = gateway.invoices();
    expect(run.invoiceId).toBe(invoice!.id);
    expect(run.invoiceNumber).toBe(invoice!.number);
    expect(run.hostedInvoiceUrl).toMatch(/^https:/);
    expect(invoice).toMatchObject({ status: "open", sentCount: 1, total: PERIOD_TOTAL });
    expect(gateway.ledger().map((call) => [call.step, call.idempotencyKey])).toEqual(
      ["customer", "draft", "lines", "finalize", "send"].map((step) => [step, `${run.id}:${step}`]),
    );

    const after = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } });
    expect(after).toMatchObject({ issuedCount: 1, nextPeriodIndex: 1, leaseOwner: null });
    expect(after.nextRunAt?.toISOString()).toBe("2026-02-15T08:00:00.000Z");
    const trail = await listTemplateEvents(shop.id, template.id);
    expect(trail.map((event) => [event.type, event.cause])).toEqual([
      ["template.created", null],
      ["run.planned", null],
      ["run.started", null],
      ["run.step_completed", "customer"],
      ["run.step_completed", "draft"],
      ["run.step_completed", "lines"],
      ["run.step_completed", "finalize"],
      ["run.sent", null],
    ]);
  });

  it("ends the template after its last period", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    const template = await createTemplate(shop, { ...input, schedule: { ...input.schedule, end: { afterCount: 2 } } }, { clock });
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-03-20T00:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    const after = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } });
    expect(after).toMatchObject({ status: "ended", statusReason: "end_reached", nextRunAt: null, issuedCount: 2 });
  });
});

describe("catch-up after three periods of downtime", () => {
  // Monthly on the 15th at 09:00 Paris. Period 0 is issued on time, then the
  // worker is down from Jan 15 to Apr 20: Feb 15, Mar 15 and Apr 15 were missed.
  const cases = [
    { policy: "all", via: "template", expected: ["sent", "sent", "sent", "sent", "sent"] },
    { policy: "latest", via: "template", expected: ["sent", "skipped", "skipped", "sent", "sent"] },
    { policy: "none", via: "template", expected: ["sent", "skipped", "skipped", "skipped", "sent"] },
    { policy: "latest", via: "shop default", expected: ["sent", "skipped", "skipped", "sent", "sent"] },
  ] as const;

  it.each(cases)("$policy (from the $via) issues exactly the expected periods", async ({ policy, via, expected }) => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    // With a template override, the shop default says something else, so the test shows which one wins.
    const shopDefault = via === "template" ? (policy === "all" ? "none" : "all") : policy;
    const shop = await createShop({ settings: { catchUp: shopDefault } });
    const template = await createTemplate(shop, { ...templateInput(), policies: via === "template" ? { catchUp: policy } : {} }, { clock });
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock);

    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);
    clock.set("2026-04-20T12:00:00Z"); // back after the outage
    await drain(worker);
    clock.set("2026-05-15T07:00:00Z"); // the next period, on time
    await drain(worker);

    const states = await runStates(template.id);
    expect(states.map(([date]) => date)).toEqual(["2026-01-15", "2026-02-15", "2026-03-15", "2026-04-15", "2026-05-15"]);
    expect(states.map(([, state]) => state)).toEqual(expected);
    const skipReasons = (await prisma.invoiceRun.findMany({ where: { templateId: template.id, state: "skipped" } })).map((run) => run.skipReason);
    expect(new Set(skipReasons)).toEqual(new Set(skipReasons.length ? [`catch_up_${policy}`] : []));
    expect(gateway.invoices()).toHaveLength(expected.filter((state) => state === "sent").length);
    // Each issued invoice is dated to its own period.
    const issued = await prisma.invoiceRun.findMany({ where: { templateId: template.id, state: "sent" }, orderBy: { periodIndex: "asc" } });
    expect(gateway.invoices().map((invoice) => invoice.periodIndex).sort()).toEqual(issued.map((run) => run.periodIndex));
  });

  it("none: a period only a little late (worker restarted within the tolerance) is still issued", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ settings: { catchUp: "none" } });
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:45:00Z"); // 45 minutes late, tolerance 1 h
    await drain(testWorker(new MemoryGateway(), clock));
    expect(await runStates(template.id)).toEqual([["2026-01-15", "sent"]]);
  });
});

describe("dates through the worker", () => {
  /** One tick every `stepMinutes` until `until`. */
  async function tickUntil(clock: ManualClock, worker: ReturnType<typeof testWorker>, until: string, stepMinutes: number) {
    const end = new Date(until).getTime();
    while (clock.now().epochMilliseconds < end) {
      await worker.runOnce();
      clock.advance({ minutes: stepMinutes });
    }
  }

  async function plannedAt(templateId: string) {
    const events = await prisma.runEvent.findMany({ where: { templateId, type: "run.planned" }, include: { run: true }, orderBy: { at: "asc" } });
    return events.map((event) => [event.run!.periodDate, event.run!.scheduledAt.toISOString(), event.at.toISOString()]);
  }

  it("Europe/Paris spring forward: 02:30 does not exist on 29 March, the period runs at 03:30, once", async () => {
    const clock = new ManualClock("2026-03-27T12:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(
      shop,
      templateInput({ schedule: { every: 1, unit: "day", anchor: "2026-03-28", timeOfDay: "02:30", timeZone: "Europe/Paris" } }),
      { clock },
    );
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-03-27T23:30:00Z");
    await tickUntil(clock, worker, "2026-03-30T02:00:00Z", 60);
    expect(await plannedAt(template.id)).toEqual([
      ["2026-03-28", "2026-03-28T01:30:00.000Z", "2026-03-28T01:30:00.000Z"], // 02:30 CET
      ["2026-03-29", "2026-03-29T01:30:00.000Z", "2026-03-29T01:30:00.000Z"], // 03:30 CEST
      ["2026-03-30", "2026-03-30T00:30:00.000Z", "2026-03-30T00:30:00.000Z"], // 02:30 CEST
    ]);
    expect(await runStates(template.id)).toEqual([
      ["2026-03-28", "sent"],
      ["2026-03-29", "sent"],
      ["2026-03-30", "sent"],
    ]);
  });

  it("Europe/Paris fall back: 02:30 happens twice on 25 October, the period runs at the first one, once", async () => {
    const clock = new ManualClock("2026-10-23T12:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(
      shop,
      templateInput({ schedule: { every: 1, unit: "day", anchor: "2026-10-24", timeOfDay: "02:30", timeZone: "Europe/Paris" } }),
      { clock },
    );
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-10-23T22:30:00Z");
    await tickUntil(clock, worker, "2026-10-26T02:00:00Z", 60);
    expect(await plannedAt(template.id)).toEqual([
      ["2026-10-24", "2026-10-24T00:30:00.000Z", "2026-10-24T00:30:00.000Z"], // 02:30 CEST
      ["2026-10-25", "2026-10-25T00:30:00.000Z", "2026-10-25T00:30:00.000Z"], // first 02:30 (CEST)
      ["2026-10-26", "2026-10-26T01:30:00.000Z", "2026-10-26T01:30:00.000Z"], // 02:30 CET
    ]);
  });

  it("a Jan 31 monthly schedule bills Feb 28, Mar 31, Apr 30: clamped, never ratcheting", async () => {
    const clock = new ManualClock("2026-01-20T12:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput({ schedule: { every: 1, unit: "month", anchor: "2026-01-31", timeOfDay: "09:00" } }), {
      clock,
    });
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-01-30T08:00:00Z"); // 09:00 in winter, 10:00 in summer
    await tickUntil(clock, worker, "2026-05-02T08:00:00Z", 24 * 60);
    const planned = await plannedAt(template.id);
    expect(planned.map(([date]) => date)).toEqual(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
    // Each was planned at the day's tick (at or after 09:00 Paris) of its own day.
    for (const [date, scheduledAt, at] of planned) {
      expect(at! >= scheduledAt!).toBe(true);
      expect(at!.slice(0, 10)).toBe(date);
    }
  });
});

describe("provider failures", () => {
  async function oneDueRun() {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    return { clock, shop, template };
  }

  it("retries a transient failure with exponential backoff and jitter, then succeeds with one invoice", async () => {
    const { clock, template } = await oneDueRun();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "lines", kind: "transient", times: 2, code: "rate_limited" });
    const worker = testWorker(gateway, clock); // jitter fixed at 0.5, base 30 s

    await drain(worker);
    let run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "issuing", step: "lines", attempt: 1, lastErrorCode: "rate_limited", leaseOwner: null });
    expect(run.nextAttemptAt?.toISOString()).toBe("2026-01-15T08:00:15.000Z"); // 0.5 × 30 s

    clock.advance({ seconds: 14 });
    expect((await worker.runOnce()).runs.claimed).toBe(0); // not before its time
    clock.advance({ seconds: 1 });
    await drain(worker);
    run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "issuing", attempt: 2 });
    expect(run.nextAttemptAt?.toISOString()).toBe("2026-01-15T08:00:45.000Z"); // 0.5 × 60 s later

    clock.advance({ seconds: 30 });
    await drain(worker);
    run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", attempt: 3, lastErrorCode: null });
    expect(gateway.invoices()).toHaveLength(1);
    const retries = await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.retry_scheduled" }, orderBy: { at: "asc" } });
    expect(retries.map((event) => JSON.parse(event.detail!).delayMs)).toEqual([15_000, 30_000]);
  });

  it("caps the backoff delay and fails the run after the last attempt", async () => {
    const { clock, template } = await oneDueRun();
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "transient", times: 10, code: "api_error", message: "Stripe is unavailable." });
    const worker = testWorker(gateway, clock, { random: () => 0.999, retry: { baseDelayMs: 1_000, maxDelayMs: 3_000, maxAttempts: 4 } });
    for (let attempt = 0; attempt < 4; attempt++) {
      await drain(worker);
      clock.advance({ seconds: 3 });
    }
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "failed", attempt: 4, lastErrorCode: "api_error", nextAttemptAt: null });
    expect(run.lastErrorMessage).toBe("Stripe is unavailable. Ritournelle gave up after 4 attempts: use Retry once the problem is solved.");
    const delays = (await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.retry_scheduled" }, orderBy: { at: "asc" } })).map(
      (event) => JSON.parse(event.detail!).delayMs,
    );
    expect(delays).toEqual([999, 1_998, 2_997]); // 1 s, 2 s, then capped at 3 s
  });

  it("fails at once on a permanent error with the merchant's message; the next period is still issued; retry issues the failed one", async () => {
    const { clock, shop, template } = await oneDueRun();
    const gateway = new MemoryGateway();
    gateway.failAt({
      step: "customer",
      kind: "permanent",
      periodIndex: 0,
      code: "customer_email_invalid",
      message: "Stripe refused the customer's e-mail address. Correct it in the recurring invoice, then retry.",
    });
    const worker = testWorker(gateway, clock);
    await drain(worker);
    const failed = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(failed).toMatchObject({ state: "failed", attempt: 1, lastErrorCode: "customer_email_invalid", nextAttemptAt: null });
    expect(failed.lastErrorMessage).toContain("Correct it in the recurring invoice");

    clock.set("2026-02-15T08:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "failed"],
      ["2026-02-15", "sent"],
    ]);

    await retryRun(shop, failed.id, { clock });
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    expect([...gateway.invoiceCountsByPeriod().values()]).toEqual([1, 1]);
  });

  it("keeps runs of a shop without a connected billing account waiting, not failed, until it connects", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: null });
    const template = await createTemplate(shop, templateInput(), { clock });
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock, { billingRecheckMs: 300_000 });
    clock.set("2026-01-15T08:00:00Z");
    const [first] = await drain(worker);
    expect(first!.runs).toMatchObject({ waiting: 1, failed: 0 });
    let run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "planned", attempt: 0, lastErrorCode: "billing_not_connected" });
    expect(run.lastErrorMessage).toContain("Connect your Stripe account");
    expect(gateway.ledger()).toEqual([]);

    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: "acct_connected" } });
    clock.advance({ minutes: 5 });
    await drain(worker);
    run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", attempt: 1, lastErrorCode: null });
    const waits = await prisma.runEvent.count({ where: { runId: run.id, type: "run.waiting" } });
    expect(waits).toBe(1);
  });
});

/** Counts how many distinct runs the worker has at the provider at the same time, in all and per billing account. */
function countingRunsInFlight(inner: BillingGateway) {
  const inFlight = new Map<string, { account: string; calls: number }>();
  let most = 0;
  const mostByAccount = new Map<string, number>();
  const wrap =
    <Args extends [{ runId: string; account: string }, ...unknown[]], Result>(call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      const { runId, account } = args[0];
      inFlight.set(runId, { account, calls: (inFlight.get(runId)?.calls ?? 0) + 1 });
      most = Math.max(most, inFlight.size);
      const ofAccount = [...inFlight.values()].filter((entry) => entry.account === account).length;
      mostByAccount.set(account, Math.max(mostByAccount.get(account) ?? 0, ofAccount));
      try {
        return await call(...args);
      } finally {
        const entry = inFlight.get(runId)!;
        if (entry.calls === 1) inFlight.delete(runId);
        else entry.calls -= 1;
      }
    };
  const gateway: BillingGateway = {
    ensureCustomer: wrap(inner.ensureCustomer.bind(inner)),
    createDraft: wrap(inner.createDraft.bind(inner)),
    addLines: wrap(inner.addLines.bind(inner)),
    finalize: wrap(inner.finalize.bind(inner)),
    send: wrap(inner.send.bind(inner)),
    findInvoiceForRun: wrap(inner.findInvoiceForRun.bind(inner)),
    discardDraft: wrap(inner.discardDraft.bind(inner)),
  };
  return { gateway, mostAtOnce: () => most, mostAtOnceFor: (account: string) => mostByAccount.get(account) ?? 0 };
}

async function dueTemplates(count: number, clock: ManualClock, shopOptions: Parameters<typeof createShop>[0] = {}): Promise<void> {
  const shop = await createShop(shopOptions);
  const input = templateInput();
  for (let index = 0; index < count; index++) {
    await createTemplate(shop, { ...input, customer: { ...input.customer, shopifyCustomerId: `gid://shopify/Customer/${5000 + index}` } }, { clock });
  }
  clock.set("2026-01-15T08:00:00Z");
}

describe("concurrent runs in one worker", () => {
  it("drives up to `concurrency` runs at the same time, never more, and issues each period once", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await dueTemplates(12, clock);
    const provider = new MemoryGateway({ latencyMs: 5 });
    const counting = countingRunsInFlight(provider);

    await drain(testWorker(provider, clock, { gateway: counting.gateway, concurrency: 4 }));

    expect(counting.mostAtOnce()).toBe(4);
    expect((await prisma.invoiceRun.findMany()).map((run) => run.state)).toEqual(Array(12).fill("sent"));
    expect([...provider.invoiceCountsByPeriod().values()]).toEqual(Array(12).fill(1));
  });

  it("the running worker's free lanes go on with the next runs while one run is slow: no lane waits for a batch's last run", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await dueTemplates(6, clock);
    const provider = new MemoryGateway({ latencyMs: 5 });
    let answerSlowCall = () => {};
    const slowCallAnswered = new Promise<void>((resolve) => (answerSlowCall = resolve));
    // The first run's finalize call takes as long as the test says.
    provider.failAt({ step: "finalize", kind: "interleave", during: () => slowCallAnswered });
    // Batches of two runs: a worker that drove its runs batch by batch would wait for the slow one before the third.
    const worker = testWorker(provider, clock, { concurrency: 2, runBatchSize: 2, tickMs: 10 });
    const sent = async () => (await prisma.invoiceRun.findMany({ where: { state: "sent" } })).length;

    worker.start();
    try {
      await expect.poll(sent, { timeout: 10_000 }).toBe(5);
      expect(await prisma.invoiceRun.count({ where: { state: "issuing", step: "finalize" } })).toBe(1);
      answerSlowCall();
      await expect.poll(sent, { timeout: 10_000 }).toBe(6);
    } finally {
      answerSlowCall();
      await worker.stop();
    }
    expect([...provider.invoiceCountsByPeriod().values()]).toEqual(Array(6).fill(1));
  });

  it("a free lane takes a run of the least busy account: two accounts progress at once, even when one account's runs come first", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    // Two lanes claim four runs at a time: these four, the first account's first.
    await dueTemplates(2, clock, { domain: "first-account.myshopify.com", billingAccountId: "acct_first" });
    clock.set("2026-01-10T10:00:00Z");
    await dueTemplates(2, clock, { domain: "second-account.myshopify.com", billingAccountId: "acct_second" });
    const provider = new MemoryGateway({ latencyMs: 5 });
    const counting = countingRunsInFlight(provider);

    await drain(testWorker(provider, clock, { gateway: counting.gateway, concurrency: 2 }));

    expect(counting.mostAtOnce()).toBe(2);
    expect(counting.mostAtOnceFor("acct_first")).toBe(1);
    expect(counting.mostAtOnceFor("acct_second")).toBe(1);
    expect((await prisma.invoiceRun.findMany()).map((run) => run.state)).toEqual(Array(4).fill("sent"));
  });

  it("a crash-like error in one lane: the other lanes finish their run, unstarted claims go back at once, the crashed run waits for its lease", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await dueTemplates(10, clock);
    const provider = new MemoryGateway({ latencyMs: 5 });
    provider.failAt({ step: "draft", kind: "crash_before" });
    const worker = testWorker(provider, clock, { workerId: "crashing", concurrency: 3, runLeaseMs: 60_000 });

    await worker.runOnce().then(
      () => expect.unreachable("the tick should reject like a crash"),
      (error: unknown) => expect(error).toBeInstanceOf(CrashError),
    );
    const runs = await prisma.invoiceRun.findMany();
    const byState = (state: string) => runs.filter((run) => run.state === state);
    expect(byState("issuing")).toMatchObject([{ step: "draft", leaseOwner: "crashing" }]);
    expect(byState("sent")).toHaveLength(2); // the two other lanes' runs
    expect(byState("planned")).toHaveLength(7);
    expect(byState("planned").every((run) => run.leaseOwner === null && run.nextAttemptAt!.getTime() <= clock.now().epochMilliseconds)).toBe(true);

    clock.advance(61_000); // the crashed lane's lease expires
    await drain(testWorker(provider, clock, { workerId: "next", concurrency: 3 }));
    expect((await prisma.invoiceRun.findMany()).map((run) => run.state)).toEqual(Array(10).fill("sent"));
    expect([...provider.invoiceCountsByPeriod().values()]).toEqual(Array(10).fill(1));
  });

  // The error Prisma throws when no connection of the pool is free within
  // maxWait (seen in the workers bench with 30 lanes on 10 connections), and
  // the driver adapter's own, as the step writes sent straight to it meet a
  // locked SQLite file (SQLITE_BUSY) or a reset PostgreSQL connection.
  it.each([
    ["PostgreSQL's pool, P2028", new Prisma.PrismaClientKnownRequestError("Transaction API error: Unable to start a transaction in the given time.", { code: "P2028", clientVersion: Prisma.prismaVersion.client })],
    ["SQLITE_BUSY through the adapter", new DriverAdapterError({ kind: "SocketTimeout" })],
    ["a reset connection through the adapter", new DriverAdapterError({ kind: "ConnectionClosed" })],
  ])("a database too busy to take a lane's step write (%s): the run is given back at once and issued, not held for its lease", async (_, busy) => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await dueTemplates(4, clock);
    const provider = new MemoryGateway({ latencyMs: 5 });
    // Raised where the run's lane is, between a call and its step write.
    provider.failAt({ step: "lines", kind: "interleave", periodIndex: 0, during: () => Promise.reject(busy) });
    const worker = testWorker(provider, clock, { workerId: "busy", concurrency: 2, runLeaseMs: 120_000 });

    // The tick does not reject: the other lanes go on, and the run given back
    // is claimed again at the same instant (no lease had to expire) and sent.
    const tick = await worker.runOnce();
    expect(tick.runs).toMatchObject({ claimed: 5, sent: 4, released: 1 });
    expect((await prisma.invoiceRun.findMany()).map((run) => [run.state, run.leaseOwner])).toEqual(Array(4).fill(["sent", null]));
    expect([...provider.invoiceCountsByPeriod().values()]).toEqual(Array(4).fill(1));
  });

  it("a statement the database refuses through the adapter (a unique key) is no busy database: the tick fails and the run keeps its lease", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    await dueTemplates(2, clock);
    const provider = new MemoryGateway({ latencyMs: 5 });
    provider.failAt({ step: "lines", kind: "interleave", periodIndex: 0, during: () => Promise.reject(new DriverAdapterError({ kind: "UniqueConstraintViolation", constraint: { fields: ["id"] } })) });
    const worker = testWorker(provider, clock, { workerId: "refused", concurrency: 1, runLeaseMs: 120_000 });
    await expect(worker.runOnce()).rejects.toThrow(DriverAdapterError);
    expect(await prisma.invoiceRun.count({ where: { leaseOwner: "refused", state: { not: "sent" } } })).toBe(1);
  });
});

describe("follow-up work after each tick", () => {
  it("runs after every tick, and a failure there neither stops the tick nor loses its report", async () => {
    const clock = new ManualClock("2026-03-01T08:00:00Z");
    let calls = 0;
    const worker = testWorker(new MemoryGateway(), clock, {
      afterTick: async () => {
        calls += 1;
        if (calls === 1) throw new Error("Shopify is down");
      },
    });
    const first = await worker.runOnce();
    const second = await worker.runOnce();
    expect(calls).toBe(2);
    expect(first.saturated).toBe(false);
    expect(second.runs.claimed).toBe(0);
  });
});

describe("a worker beside another one alive", () => {
  it("issues the runs of the shops it is preferred for first, and the other worker's once its own are done", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shops = [await createShop(), await createShop()];
    for (const shop of shops) for (let index = 0; index < 2; index++) await createTemplate(shop, templateInput({ customer: { ...templateInput().customer, shopifyCustomerId: `gid://shopify/Customer/${900 + index}` } }), { clock });
    // Two worker ids that share the two shops out, one each.
    const [me, peer] = Array.from({ length: 50 }, (_, k) => [`lane-${k}`, `peer-${k}`] as const).find((pair) => preferredWorker(shops[0]!.id, pair) !== preferredWorker(shops[1]!.id, pair))!;
    const mine = shops.find((shop) => preferredWorker(shop.id, [me, peer]) === me)!;
    clock.set("2026-02-10T10:00:00Z");
    await recordWorkerTick(peer, clock.nowDate(), clock.nowDate()); // the other worker ticked just now
    const worker = testWorker(new MemoryGateway(), clock, { workerId: me, runBatchSize: 2 });

    await worker.runOnce();
    const sent = await prisma.invoiceRun.findMany({ where: { state: "sent" }, select: { shopId: true } });
    expect(sent.map((run) => run.shopId)).toEqual([mine.id, mine.id]);

    await worker.runOnce();
    expect(await prisma.invoiceRun.count({ where: { state: "sent" } })).toBe(4);
  });
});
