// Planning one template's due periods into runs, in one short transaction:
// insert the runs of its due periods, advance nextPeriodIndex / nextRunAt,
// release the template's lease. UNIQUE(templateId, periodIndex) makes a
// second run for a period impossible whatever happens around it (expired
// lease, merchant racing the worker). The worker's scheduler
// (app/worker/scheduler.ts) claims the due templates and calls this for each.
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
import { inTransaction, isUniqueViolation } from "~/models/transaction.server";
import type { Clock } from "~/domain/clock";
import { firstIndexAfter, toDate } from "~/domain/schedule-dates";
import { type Occurrence, type Schedule } from "~/domain/schedule";
import { occurrenceAt, occurrences } from "~/domain/recurrence";
import { plannedContentOf } from "~/domain/template-content";
import type { Logger } from "~/logger.server";
import { insertRuns, takenPeriodIndexes, type NewRun, type SkipReason } from "~/models/invoice-run.server";
import { appendRunEvents, type NewRunEvent } from "~/models/run-event.server";
import { readSettings } from "~/models/shop.server";
import {
  findTemplateForPlanning,
  lockLeasedTemplate,
  releasedTemplateLease,
  releaseTemplateLeases,
  updateTemplate,
  type CatchUpPolicy,
} from "~/models/template.server";

/** A template the worker's claim leased: its id and the claim's fencing token. */
export type TemplateLease = { templateId: string; leaseToken: string };

export type PlanPeriodsOptions = {
  /** The worker holding the template's lease (recorded on the trail). */
  workerId: string;
  clock: Clock;
  /** Most periods planned for one template in one transaction (long outages continue next tick). */
  maxPeriodsPerTemplate: number;
  /** Policy `none`: how late a period may be and still be issued. */
  lateToleranceMs: number;
  logger: Logger;
};

/** What planning did to one template; "abandoned" when it was left for a later tick. */
export type PlanOutcome = { planned: number; skipped: number; ended: boolean } | "abandoned";

/**
 * Plans the due periods of a template the worker's claim leased (the
 * lease's token is checked, not the worker id: see claimDueTemplates):
 * one run per due period (planned, or skipped under the catch-up policy, see
 * the top of this file), with a `run.planned` / `run.skipped` event each,
 * the template advanced past them (`ended`, with `template.ended`, after its
 * last period) and its lease released — all in one transaction.
 *
 * Idempotent and convergent: a crash leaves the whole transaction or none
 * of it; a period that already has a run is not planned again.
 *
 * @returns "abandoned" (lease released, nothing written) when the template
 *   was paused or cancelled since the claim, its lease was claimed again
 *   since (its token no longer matches, whoever holds it now), or a
 *   concurrent writer planned one of its periods first; the next tick
 *   re-reads it.
 * @throws on a database failure (the lease expires and another tick retries).
 */
export async function planTemplatePeriods(lease: TemplateLease, options: PlanPeriodsOptions): Promise<PlanOutcome> {
  const { templateId, leaseToken } = lease;
  const owner = options.workerId;
  const now = options.clock.nowDate();
  try {
    const outcome = await inTransaction(async (tx): Promise<PlanOutcome> => {
      // Write first (see lockTemplateForShop): fails if a merchant paused or
      // cancelled the template since the claim, or the lease was lost. A
      // template no longer due (planned by another worker between our
      // select and our lease) simply gets no decisions below.
      if (!(await lockLeasedTemplate(templateId, leaseToken, tx))) return "abandoned";
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
        ? await takenPeriodIndexes(template.id, toGlobal(decisions[0]!.occurrence), toGlobal(decisions.at(-1)!.occurrence), tx)
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
          // Workable from its due instant (never later than now: only due
          // periods are planned). Not `now`: the runs planned in one tick
          // would all tie in the claim's ORDER BY nextAttemptAt, and
          // PostgreSQL returns ties in whatever order the rows lie on disk
          // (a later period could be claimed first, depending on where
          // vacuum had freed space). The oldest due period is claimed first.
          nextAttemptAt: skipReason ? null : new Date(Math.min(toDate(occurrence.runAt).getTime(), now.getTime())),
          currency,
          expectedTotal,
          snapshot,
        }));
      const runs = await insertRuns(rows, tx);

      const localNext = localFrom + decisions.length;
      const next = occurrenceAt(template.schedule, localNext);
      await updateTemplate(
        template.id,
        {
          nextPeriodIndex: template.periodOffset + localNext,
          nextRunAt: next ? toDate(next.runAt) : null,
          ...(next ? {} : { status: "ended", statusReason: "end_reached" }),
          ...releasedTemplateLease(),
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
      await appendRunEvents(events, tx);
      const skipped = runs.filter((run) => run.state === "skipped").length;
      return { planned: runs.length - skipped, skipped, ended: !next };
    });
    if (outcome === "abandoned") await releaseTemplateLeases([templateId], leaseToken);
    return outcome;
  } catch (error) {
    // Only a concurrent writer that inserted one of these periods first can
    // cause this: the period is planned, which is all we wanted. The next
    // tick re-reads the template and carries on after it.
    if (isUniqueViolation(error)) {
      options.logger.warn({ templateId }, "period already planned by a concurrent writer; template left for the next tick");
      await releaseTemplateLeases([templateId], leaseToken);
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
