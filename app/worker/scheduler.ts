// The scheduler: claims due templates and plans their periods into runs.
//
// Claim (portable, no SELECT … FOR UPDATE SKIP LOCKED needed):
//   1. select ids of active templates with nextRunAt <= now and a free or
//      expired lease, oldest first, LIMIT batch — the (status, nextRunAt) index;
//   2. one conditional UPDATE takes the lease on those still free;
//   3. re-read the rows whose lease this claim took.
// Then one short transaction per template: insert the runs of its due
// periods, advance nextPeriodIndex / nextRunAt, release the lease.
// UNIQUE(templateId, periodIndex) makes a second run for a period impossible
// whatever happens around it (expired lease, merchant racing the worker).
//
// Catch-up policies, for the periods due at `now` (runAt <= now), in order:
// - `all`: each is planned, dated to its own period.
// - `latest`: only the most recent due period is planned; the earlier ones
//   are recorded `skipped` (reason `catch_up_latest`).
// - `none`: a period is *missed* when it is more than `lateToleranceMs` late,
//   lateness being measured from its runAt or from the moment the template
//   became active (created, resumed, rescheduled), whichever is later. Missed
//   periods are recorded `skipped` (reason `catch_up_none`); periods within
//   the tolerance — the normal case of a worker running on time — are planned.
// The template's own policy wins; null follows the shop's setting.
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { Clock } from "~/domain/clock";
import { occurrenceAt, occurrences, type Occurrence, type Schedule } from "~/domain/schedule";
import type { Logger } from "~/logger.server";
import { insertRuns, takenPeriodIndexes, type NewRun, type SkipReason } from "~/models/invoice-run.server";
import { appendRunEvents, type NewRunEvent } from "~/models/run-event.server";
import { readSettings } from "~/models/shop.server";
import {
  findTemplateForPlanning,
  templateIdsLeasedBy,
  leaseTemplates,
  lockLeasedTemplate,
  releaseTemplateLeases,
  selectDueTemplateIds,
  updateTemplate,
  type CatchUpPolicy,
} from "~/models/template.server";
import { firstIndexAfter, toDate } from "~/domain/schedule-dates";
import { plannedContentOf } from "~/domain/template-content";

export type SchedulerOptions = {
  workerId: string;
  clock: Clock;
  /** Templates claimed per tick. */
  batchSize: number;
  /** How long a claim holds a template; longer than one planning transaction. */
  leaseMs: number;
  /** Most periods planned for one template in one transaction (long outages continue next tick). */
  maxPeriodsPerTemplate: number;
  /** Policy `none`: how late a period may be and still be issued. */
  lateToleranceMs: number;
  /** Checked between templates: true once a graceful shutdown began. */
  shouldStop: () => boolean;
  logger: Logger;
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
  const claimed = await claimDueTemplates({ now: toDate(options.clock.now()), owner, batchSize: options.batchSize, leaseMs: options.leaseMs });

  const report: PlanReport = { claimed: claimed.length, planned: 0, skipped: 0, ended: 0, abandoned: 0 };
  const unplanned = new Set(claimed);
  try {
    for (const id of claimed) {
      if (options.shouldStop()) break;
      const outcome = await planTemplate(id, options);
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

type TemplateOutcome = { planned: number; skipped: number; ended: boolean } | "abandoned";

async function planTemplate(templateId: string, options: SchedulerOptions): Promise<TemplateOutcome> {
  const owner = options.workerId;
  const now = toDate(options.clock.now());
  try {
    const outcome = await prisma.$transaction(async (tx): Promise<TemplateOutcome> => {
      // Write first (see lockTemplateForShop): fails if a merchant paused or
      // cancelled the template since the claim, or the lease was lost. A
      // template no longer due (planned by another worker between our
      // select and our lease) simply gets no decisions below.
      if (!(await lockLeasedTemplate(templateId, owner, tx))) return "abandoned";
      const found = await findTemplateForPlanning(templateId, tx);
      if (!found) return "abandoned";
      const { template } = found;
      const policy = template.catchUpPolicy ?? readSettings({ settings: found.shopSettings }).catchUp;
      const localFrom = template.nextPeriodIndex - template.periodOffset;
      const decisions = decidePeriods(template.schedule, localFrom, policy, {
        now,
        activeSince: template.activeSince,
        lateToleranceMs: options.lateToleranceMs,
        maxPeriods: options.maxPeriodsPerTemplate,
      });

      const { snapshot, currency, expectedTotal } = plannedContentOf(template);
      const toGlobal = (occurrence: Occurrence) => template.periodOffset + occurrence.index;
      const taken = decisions.length
        ? await takenPeriodIndexes(tx, template.id, toGlobal(decisions[0]!.occurrence), toGlobal(decisions.at(-1)!.occurrence))
        : new Set<number>();
      const rows: NewRun[] = decisions
        .filter((decision) => !taken.has(toGlobal(decision.occurrence)))
        .map(({ occurrence, skipReason }) => ({
          shopId: template.shopId,
          templateId: template.id,
          periodIndex: toGlobal(occurrence),
          periodDate: occurrence.date,
          scheduledAt: toDate(occurrence.runAt),
          state: skipReason ? "skipped" : "planned",
          skipReason,
          nextAttemptAt: skipReason ? null : now,
          currency,
          expectedTotal,
          snapshot,
        }));
      const runs = await insertRuns(tx, rows);

      const localNext = localFrom + decisions.length;
      const next = occurrenceAt(template.schedule, localNext);
      await updateTemplate(
        template.id,
        {
          nextPeriodIndex: template.periodOffset + localNext,
          nextRunAt: next ? toDate(next.runAt) : null,
          ...(next ? {} : { status: "ended", statusReason: "end_reached" }),
          leaseOwner: null,
          leaseExpiresAt: null,
        },
        tx,
      );

      const actor = `worker:${owner}`;
      const events: NewRunEvent[] = runs.map((run) => ({
        shopId: run.shopId,
        templateId: run.templateId,
        runId: run.id,
        type: run.state === "skipped" ? "run.skipped" : "run.planned",
        toState: run.state,
        actor,
        cause: run.skipReason,
        detail: { periodIndex: run.periodIndex, periodDate: run.periodDate, scheduledAt: run.scheduledAt.toISOString() },
        at: now,
      }));
      if (!next) {
        events.push({ shopId: template.shopId, templateId: template.id, type: "template.ended", fromState: "active", toState: "ended", actor, cause: "end_reached", at: now });
      }
      await appendRunEvents(tx, events);
      const skipped = runs.filter((run) => run.state === "skipped").length;
      return { planned: runs.length - skipped, skipped, ended: !next };
    });
    if (outcome === "abandoned") await releaseTemplateLeases([templateId], owner);
    return outcome;
  } catch (error) {
    // Only a concurrent writer that inserted one of these periods first can
    // cause this: the period is planned, which is all we wanted. The next
    // tick re-reads the template and carries on after it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      options.logger.warn({ templateId }, "period already planned by a concurrent writer; template left for the next tick");
      await releaseTemplateLeases([templateId], owner);
      return "abandoned";
    }
    throw error;
  }
}

export type PeriodDecision = { occurrence: Occurrence; skipReason: SkipReason | null };

/**
 * Which of the schedule's periods from `localFrom` are due at `now`, and for
 * each whether it is issued or skipped under `policy` (see the top of this
 * file). At most `maxPeriods` decisions, in order; the caller continues from
 * the last one next time. Pure.
 */
export function decidePeriods(
  schedule: Schedule,
  localFrom: number,
  policy: CatchUpPolicy,
  context: { now: Date; activeSince: Date; lateToleranceMs: number; maxPeriods: number },
): PeriodDecision[] {
  const firstNotDue = firstIndexAfter(schedule, context.now);
  const dueCount = firstNotDue - localFrom;
  if (dueCount <= 0) return [];
  const latestDue = firstNotDue - 1;
  const due = occurrences(schedule, { fromIndex: localFrom, count: Math.min(dueCount, context.maxPeriods) });
  return due.map((occurrence) => {
    switch (policy) {
      case "all":
        return { occurrence, skipReason: null };
      case "latest":
        return { occurrence, skipReason: occurrence.index === latestDue ? null : "catch_up_latest" };
      case "none": {
        const lateSince = Math.max(toDate(occurrence.runAt).getTime(), context.activeSince.getTime());
        const late = context.now.getTime() - lateSince > context.lateToleranceMs;
        return { occurrence, skipReason: late ? "catch_up_none" : null };
      }
    }
  });
}
