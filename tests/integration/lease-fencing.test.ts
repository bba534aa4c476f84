// Fencing tokens: every claim of a run or a template takes a fresh lease
// token, and every write under the lease checks the token, not the worker's
// id. The lanes of one worker share its id, and so do two processes started
// with the same --worker-id: a holder whose lease expired and was claimed
// again by one of them must write nothing more (no step, no event, no issued
// count), whichever step it was at. (Two real processes with one id:
// worker-processes.test.ts.)
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { BILLING_STEPS } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { releaseRunLeases, type LeasedRun } from "~/models/invoice-run.server";
import { planTemplatePeriods } from "~/services/invoicing/plan-periods.server";
import { createTemplate } from "~/services/templates/create.server";
import { claimWorkableRuns } from "~/worker/run-lanes";
import { claimDueTemplates } from "~/worker/scheduler";
import { claimAndPlan, issueUnderLease, LEASE_MS, planningOptions, twoDuePeriods } from "../helpers/leases";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, runStates, templateInput, testWorker } from "../helpers/recurring";

const WORKER_ID = "shared-id";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

/** Everything a late write could touch: the run's row, its trail, the template's issued count. */
async function footprint(runId: string, templateId: string) {
  return {
    run: await prisma.invoiceRun.findUniqueOrThrow({ where: { id: runId } }),
    events: await prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } }),
    issuedCount: (await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } })).issuedCount,
  };
}

describe("runs: a lease claimed again belongs to the new claim only", () => {
  it.each(BILLING_STEPS)(
    "a lane whose lease expired during its %s call and was claimed by another lane of the same worker writes nothing after the call",
    async (step) => {
      const { clock, template } = await twoDuePeriods();
      const gateway = new MemoryGateway();
      const lane = testWorker(gateway, clock, { workerId: WORKER_ID, runLeaseMs: LEASE_MS, runBatchSize: 1 });
      let retaken: LeasedRun | undefined;
      let before: Awaited<ReturnType<typeof footprint>> | undefined;
      gateway.failAt({
        step,
        kind: "interleave",
        periodIndex: 0,
        // While the first lane waits on the provider, its lease runs out and another lane of the same worker claims the run.
        during: async () => {
          clock.advance(LEASE_MS + 1);
          [retaken] = await claimWorkableRuns({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 1, leaseMs: LEASE_MS });
          before = await footprint(retaken!.id, template.id);
        },
      });

      const report = await lane.runOnce();
      expect(report.runs).toMatchObject({ claimed: 1, sent: 0, released: 1 });
      expect(retaken).toMatchObject({ periodIndex: 0, leaseOwner: WORKER_ID, step });
      // The late lane's answer changed nothing: the same row (step, lease, times), no event, no issued count.
      expect(await footprint(retaken!.id, template.id)).toEqual(before);

      // The lane holding the run now finishes it; the next period follows.
      expect(await issueUnderLease(retaken!, gateway, clock, { workerId: WORKER_ID })).toBe("sent");
      await drain(testWorker(gateway, clock, { workerId: WORKER_ID }));

      expect(await runStates(template.id)).toEqual([
        ["2026-01-15", "sent"],
        ["2026-02-15", "sent"],
      ]);
      expect([...gateway.invoiceCountsByPeriod().values()]).toEqual([1, 1]);
      expect(gateway.invoices().map((invoice) => invoice.sentCount)).toEqual([1, 1]);
      // Each step written once per run, whichever lane made the call.
      for (const run of await prisma.invoiceRun.findMany({ where: { templateId: template.id } })) {
        const trail = await prisma.runEvent.findMany({ where: { runId: run.id, type: { in: ["run.step_completed", "run.invoice_adopted", "run.sent"] } } });
        const steps = trail.map((event) => (event.type === "run.step_completed" ? event.cause : event.type));
        expect(steps.filter((entry) => entry === "run.sent")).toEqual(["run.sent"]);
        expect(new Set(steps).size, `${steps.join(", ")}`).toBe(steps.length);
      }
      expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).issuedCount).toBe(2);
    },
  );

  it("a claim of a run takes a new token, and an older claim cannot give the new one's lease back", async () => {
    const { clock, template } = await twoDuePeriods();
    await claimAndPlan(template.id, clock, { workerId: WORKER_ID });

    const stale = await claimWorkableRuns({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 2, leaseMs: LEASE_MS });
    clock.advance(LEASE_MS + 1);
    const fresh = await claimWorkableRuns({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 2, leaseMs: LEASE_MS });
    expect(fresh.map((run) => run.id).sort()).toEqual(stale.map((run) => run.id).sort());
    expect(new Set([...stale, ...fresh].map((run) => run.leaseToken)).size).toBe(2); // one token per claim

    await releaseRunLeases(stale, clock.nowDate());
    const rows = await prisma.invoiceRun.findMany({ where: { templateId: template.id } });
    expect(rows.map((row) => [row.leaseOwner, row.leaseToken])).toEqual(fresh.map(() => [WORKER_ID, fresh[0]!.leaseToken]));
  });
});

describe("templates: a planner whose lease was claimed again plans nothing", () => {
  it("plans the period once, under the newest claim; the older claim can neither plan nor give the lease back", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const template = await createTemplate(await createShop(), templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    const options = planningOptions(WORKER_ID, clock);

    const stale = await claimDueTemplates({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 10, leaseMs: LEASE_MS });
    clock.advance(LEASE_MS + 1); // the first claim's planner stalls past its lease
    const fresh = await claimDueTemplates({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 10, leaseMs: LEASE_MS });
    expect([stale.ids, fresh.ids]).toEqual([[template.id], [template.id]]);
    expect(stale.token).not.toBe(fresh.token);

    expect(await planTemplatePeriods({ templateId: template.id, leaseToken: stale.token }, options)).toBe("abandoned");
    expect(await prisma.invoiceRun.count({ where: { templateId: template.id } })).toBe(0);
    // The stale claim's release left the fresh claim's lease in place.
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).toMatchObject({ leaseToken: fresh.token, leaseOwner: WORKER_ID });

    expect(await planTemplatePeriods({ templateId: template.id, leaseToken: fresh.token }, options)).toEqual({ planned: 1, skipped: 0, ended: false });
    expect(await runStates(template.id)).toEqual([["2026-01-15", "planned"]]);
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).toMatchObject({ leaseToken: null, leaseOwner: null, nextPeriodIndex: 1 });
  });
});
