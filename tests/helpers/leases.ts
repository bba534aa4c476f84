// A worker's leases taken by hand, one step at a time, for the suites that
// slip something between two of them (another claim of the same run, a
// merchant's edit): the due templates claimed and their periods planned
// under that claim, and a claimed run issued under its lease — with the
// options a worker passes (app/worker/), so only the interleaving differs.
import { ManualClock } from "~/domain/clock";
import { DEFAULT_RETRY_POLICY } from "~/domain/retry-policy";
import { logger } from "~/logger.server";
import type { LeasedRun } from "~/models/invoice-run.server";
import { BillingHolds } from "~/services/invoicing/billing-hold.server";
import { issueRun } from "~/services/invoicing/issue-run.server";
import { planTemplatePeriods } from "~/services/invoicing/plan-periods.server";
import { claimDueTemplates } from "~/worker/scheduler";
import { createTemplate } from "~/services/templates/create.server";
import type { MemoryGateway } from "./memory-gateway";
import { createShop, templateInput } from "./recurring";

export const LEASE_MS = 60_000;

type Holder = { workerId: string; leaseMs?: number };

/** What a worker's planner is given: up to 5 periods a template, late by at most an hour. */
export function planningOptions(workerId: string, clock: ManualClock) {
  return { workerId, clock, maxPeriodsPerTemplate: 5, lateToleranceMs: 3_600_000, logger };
}

/** Claims the due templates as `workerId` and plans template `templateId`'s periods under that claim. */
export async function claimAndPlan(templateId: string, clock: ManualClock, { workerId, leaseMs = LEASE_MS }: Holder) {
  const plan = await claimDueTemplates({ now: clock.nowDate(), owner: workerId, batchSize: 10, leaseMs });
  return planTemplatePeriods({ templateId, leaseToken: plan.token }, planningOptions(workerId, clock));
}

/** Issues a run claimed by `workerId`, under its lease, through `gateway`. */
export function issueUnderLease(run: LeasedRun, gateway: MemoryGateway, clock: ManualClock, { workerId, leaseMs = LEASE_MS }: Holder) {
  return issueRun(run, {
    workerId,
    clock,
    leaseMs,
    gateway,
    retry: DEFAULT_RETRY_POLICY,
    billingRecheckMs: 300_000,
    holds: new BillingHolds({ credential: "default", probeEveryMs: 300_000, logger, actor: `worker:${workerId}` }),
    random: () => 0.5,
    shouldStop: () => false,
    logger,
  });
}

/** A monthly template of a new shop with two periods due (15 January and 15 February), the clock on the second. */
export async function twoDuePeriods() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop();
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-02-15T08:00:00Z");
  return { clock, shop, template };
}
