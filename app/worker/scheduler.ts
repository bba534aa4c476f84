// The planning half of a worker tick: claim due templates, plan each one's
// due periods (app/services/invoicing/plan-periods.server.ts).
//
// Claim, under a fresh random token (the fence every write under the lease
// checks), with the (status, nextRunAt) index, LIMIT batch, oldest due first:
//   - PostgreSQL: one UPDATE of the due rows selected FOR UPDATE SKIP LOCKED,
//     so concurrent workers take disjoint batches without waiting;
//   - SQLite (one writer at a time): select due ids, one conditional UPDATE
//     taking the lease on those still free, re-read what the token won.
// Then one short transaction per template (planTemplatePeriods), which
// releases the template's lease.
//
// The sweep: a worker killed between its claim and its plans leaves the
// leases of the templates it had not planned yet. A template still due is
// claimed again once its lease expires; one that stopped being due meanwhile
// (the merchant skipped the period, paused, resumed to a later date,
// cancelled) is looked at by no claim, and its dead lease would stay on the
// row (and on the pages and in the database) until it falls due again —
// weeks for a monthly invoice. So every worker, at most once per lease
// duration of its clock, gives back every expired planning lease
// (releaseExpiredTemplateLeases: one indexed UPDATE of the expired rows
// only). While one worker runs, no planning lease outlives its expiry by
// more than the lease duration; ritournelle_template_leases_swept_total
// counts them (planning interrupted by a crash).
import { randomUUID } from "node:crypto";
import type { Logger } from "~/logger.server";
import { metrics } from "~/metrics.server";
import { claimDueTemplateIds, releaseExpiredTemplateLeases, releaseTemplateLeases } from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";
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
  const claim = await claimDueTemplates({ now: options.clock.nowDate(), owner, batchSize: options.batchSize, leaseMs: options.leaseMs });

  const report: PlanReport = { claimed: claim.ids.length, planned: 0, skipped: 0, ended: 0, abandoned: 0 };
  const unplanned = new Set(claim.ids);
  try {
    for (const id of claim.ids) {
      if (options.shouldStop()) break;
      const outcome = await planTemplatePeriods({ templateId: id, leaseToken: claim.token }, options);
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
    await releaseTemplateLeases([...unplanned], claim.token);
  }
  return report;
}

/**
 * The sweep (see the top of this file): gives back every planning lease
 * expired at `now`, counted in /metrics. Safe at any moment from any number
 * of workers: a live lease is never touched.
 */
export async function sweepExpiredPlanningLeases(now: Date, logger: Logger, db?: Tx): Promise<number> {
  const swept = await releaseExpiredTemplateLeases(now, db);
  if (swept > 0) {
    metrics().templateLeasesSwept.inc(swept);
    logger.warn({ swept }, "expired planning leases given back (a worker died between its claim and its plans)");
  }
  return swept;
}

/**
 * The due claim (see the top of this file): ids of up to `batchSize` due
 * templates whose lease this claim took for `owner`, oldest due first, and
 * the claim's token (fresh: no earlier claim, of any worker, had it).
 */
export async function claimDueTemplates(
  claim: { now: Date; owner: string; batchSize: number; leaseMs: number },
  /** Default: the app's client (the bench passes a logging one). */
  db?: Tx,
): Promise<{ token: string; ids: string[] }> {
  const lease = { owner: claim.owner, token: randomUUID(), until: new Date(claim.now.getTime() + claim.leaseMs) };
  return { token: lease.token, ids: await claimDueTemplateIds(claim.now, claim.batchSize, lease, db) };
}
