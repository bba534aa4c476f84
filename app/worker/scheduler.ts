// The planning half of a worker tick: claim due templates, plan each one's
// due periods (app/services/invoicing/plan-periods.server.ts).
//
// Claim (portable, no SELECT … FOR UPDATE SKIP LOCKED needed):
//   1. select ids of active templates with nextRunAt <= now and a free or
//      expired lease, oldest first, LIMIT batch — the (status, nextRunAt) index;
//   2. one conditional UPDATE takes the lease on those still free;
//   3. re-read the rows whose lease this claim took.
// Then one short transaction per template (planTemplatePeriods), which
// releases the template's lease.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { leaseTemplates, releaseTemplateLeases, selectDueTemplateIds, templateIdsLeasedBy } from "~/models/template.server";
import { planTemplatePeriods, type PlanPeriodsOptions } from "~/services/invoicing/plan-periods.server";

export type SchedulerOptions = PlanPeriodsOptions & {
  /** Templates claimed per tick. */
  batchSize: number;
  /** How long a claim holds a template; longer than one planning transaction. */
  leaseMs: number;
  /** Checked between templates: true once a graceful shutdown began. */
  shouldStop: () => boolean;
};

export type PlanReport = {
  /** Templates this tick leased. */
  claimed: number;
  /** Runs inserted to be issued. */
  planned: number;
  /** Runs inserted as skipped. */
  skipped: number;
  /** Templates that reached the end of their schedule. */
  ended: number;
  /** Claimed templates left for a later tick (paused meanwhile, lease lost, period already planned, shutdown). */
  abandoned: number;
};

/**
 * One scheduler tick: claims up to `batchSize` due templates and plans them.
 * Idempotent and convergent: safe to run any number of times, concurrently
 * from any number of processes; a crash at any point leaves either the
 * template's whole transaction or none of it, and an expired lease hands the
 * template to the next tick.
 */
export async function planDueTemplates(options: SchedulerOptions): Promise<PlanReport> {
  const owner = options.workerId;
  const claimed = await claimDueTemplates({ now: options.clock.nowDate(), owner, batchSize: options.batchSize, leaseMs: options.leaseMs });

  const report: PlanReport = { claimed: claimed.length, planned: 0, skipped: 0, ended: 0, abandoned: 0 };
  const unplanned = new Set(claimed);
  try {
    for (const id of claimed) {
      if (options.shouldStop()) break;
      const outcome = await planTemplatePeriods(id, options);
      unplanned.delete(id);
      if (outcome === "abandoned") {
        report.abandoned += 1;
        continue;
      }
      report.planned += outcome.planned;
      report.skipped += outcome.skipped;
      if (outcome.ended) report.ended += 1;
    }
  } finally {
    report.abandoned += unplanned.size;
    await releaseTemplateLeases([...unplanned], owner);
  }
  return report;
}

/**
 * The due claim (see the top of this file): ids of up to `batchSize` due
 * templates whose lease `owner` now holds, oldest due first.
 */
export async function claimDueTemplates(
  claim: { now: Date; owner: string; batchSize: number; leaseMs: number },
  db: Prisma.TransactionClient = prisma,
): Promise<string[]> {
  const until = new Date(claim.now.getTime() + claim.leaseMs);
  const candidates = await selectDueTemplateIds(claim.now, claim.batchSize, db);
  await leaseTemplates(candidates, claim.owner, claim.now, until, db);
  return templateIdsLeasedBy(candidates, claim.owner, until, db);
}
