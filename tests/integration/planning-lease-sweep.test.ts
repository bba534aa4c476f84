// A worker killed between its due claim and its plans leaves the planning
// leases of the templates it had not planned yet. A template still due is
// claimed again once the lease expires; one the merchant moved on meanwhile
// (skipped the period, paused, cancelled) is looked at by no claim, and the
// dead lease stayed on the row until the template fell due again (the
// full-size chaos campaign, seed 2: "no lease older than its expiry"). The
// running workers now sweep expired planning leases, at most one lease
// duration after they expired (app/worker/scheduler.ts); a live one is never
// touched.
//
// The killed worker is its due claim without its plans: what a SIGKILL right
// after the claim's commit leaves in the database (the claim is one
// statement, the plans one transaction each).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { logger } from "~/logger.server";
import { metrics } from "~/metrics.server";
import { collectMetrics } from "~/services/health/collect-metrics.server";
import { planTemplatePeriods } from "~/services/invoicing/plan-periods.server";
import { createTemplate } from "~/services/templates/create.server";
import { pauseTemplate } from "~/services/templates/pause.server";
import { skipNextPeriod } from "~/services/templates/skip-next.server";
import { claimDueTemplates } from "~/worker/scheduler";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, templateInput, testWorker } from "../helpers/recurring";

const LEASE_MS = 60_000;

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

async function leaseOf(templateId: string) {
  return prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId }, select: { leaseOwner: true, leaseToken: true, leaseExpiresAt: true, nextRunAt: true } });
}

/** The web process's /metrics gauge of expired planning leases, as an operator scrapes it. */
async function expiredOnMetrics(clock: ManualClock): Promise<number> {
  const text = await collectMetrics({ withDatabase: true, clock });
  const line = text.split("\n").find((candidate) => candidate.startsWith("ritournelle_template_leases_expired "));
  return Number(line?.split(" ")[1]);
}

async function sweptSoFar(): Promise<number> {
  const metric = await metrics().templateLeasesSwept.get();
  return metric.values[0]?.value ?? 0;
}

/** Two monthly templates (due 15 January, 09:00 Paris) of one shop, and a worker running beside the one to be killed. */
async function twoDueTemplates() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop();
  const skipped = await createTemplate(shop, templateInput(), { clock });
  const paused = await createTemplate(shop, templateInput(), { clock });
  const survivor = testWorker(new MemoryGateway(), clock, { templateLeaseMs: LEASE_MS });
  await drain(survivor); // nothing due yet; its first tick swept (nothing)
  clock.set("2026-01-15T08:00:00Z");
  return { clock, shop, skipped, paused, survivor };
}

describe("planning leases of a worker killed mid-planning", () => {
  it("are given back by the running workers within one lease duration of their expiry, on templates no longer due", async () => {
    const { clock, shop, skipped, paused, survivor } = await twoDueTemplates();
    const killed = await claimDueTemplates({ now: clock.nowDate(), owner: "killed-worker", batchSize: 10, leaseMs: LEASE_MS });
    expect(killed.ids.sort()).toEqual([skipped.id, paused.id].sort());
    const expiresAt = clock.nowDate().getTime() + LEASE_MS;

    // The merchant moves both on while the dead lease sits there: neither is due any more.
    await skipNextPeriod(shop, skipped.id, { clock });
    await pauseTemplate(shop, paused.id, { clock });
    expect((await leaseOf(skipped.id)).nextRunAt?.toISOString()).toBe("2026-02-15T08:00:00.000Z");

    const probe = new ManualClock(new Date(expiresAt + 1).toISOString());
    expect(await expiredOnMetrics(probe)).toBe(2);

    // The survivor ticks through the lease and one more lease duration, one tick every 10 s of its clock.
    const before = await sweptSoFar();
    while (clock.nowDate().getTime() < expiresAt + LEASE_MS) {
      clock.advance(10_000);
      await survivor.runOnce();
    }
    for (const template of [skipped, paused]) {
      expect(await leaseOf(template.id)).toMatchObject({ leaseOwner: null, leaseToken: null, leaseExpiresAt: null });
    }
    // What an operator sees: planning interrupted by a crash, counted, and no expired lease left.
    expect((await sweptSoFar()) - before).toBe(2);
    expect(await expiredOnMetrics(clock)).toBe(0);
    // And nothing was planned for the skipped period or the paused template.
    expect(await prisma.invoiceRun.findMany({ where: { state: { not: "skipped" } } })).toEqual([]);
  });

  it("a lease still running is never swept: its planner plans the template afterwards", async () => {
    const { clock, skipped: template, survivor } = await twoDueTemplates();
    // A slow planner (alive): its claim holds both templates for a minute.
    const slow = await claimDueTemplates({ now: clock.nowDate(), owner: "slow-worker", batchSize: 10, leaseMs: LEASE_MS });
    // The survivor's sweeps, just before the lease ends (its sweep is due: a lease duration since its last one).
    clock.advance(LEASE_MS - 1);
    await survivor.runOnce();
    expect(await leaseOf(template.id)).toMatchObject({ leaseOwner: "slow-worker", leaseToken: slow.token });

    const outcome = await planTemplatePeriods({ templateId: template.id, leaseToken: slow.token }, { workerId: "slow-worker", clock, maxPeriodsPerTemplate: 5, lateToleranceMs: 3_600_000, logger });
    expect(outcome).toEqual({ planned: 1, skipped: 0, ended: false });
    expect(await leaseOf(template.id)).toMatchObject({ leaseOwner: null });
  });
});
