import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { occurrenceAt } from "~/domain/recurrence";
import { toDate } from "~/domain/schedule-dates";
import { issuableDraftOf, plannedContentOf, type TemplateContent } from "~/domain/template-content";
import { editTemplateInput, scheduleFrom } from "~/domain/template-input";
import { latestRunOfTemplate, replannableRunsOfTemplate, replanRuns, skipRuns } from "~/models/invoice-run.server";
import { appendRunEvents, type NewRunEvent } from "~/models/run-event.server";
import { customerColumns, scheduleColumns, updateTemplate, type Template, type TemplateChanges } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import { runEvent, skippedEvent, templateEvent, type ServiceOptions } from "./events.server";
import { parseInput, requireAnchorNotPast } from "./input.server";
import { lockForTransition } from "./transitions.server";

/**
 * Changes a template (active or paused). Only periods not yet issued are affected.
 *
 * Inputs: the shop, the template's id, `input` (untrusted: an
 * EditTemplateInput, any subset of the content fields; the currency cannot
 * change), `options.clock`, `options.actor`.
 * Effects, in one transaction:
 * - runs not started yet (and failed runs for which no invoice can exist)
 *   take the new lines, customer and policies ("re-planned"), but keep the
 *   rail they were planned on: a change of how the customer pays (`rail`)
 *   applies from the next period planned;
 * - runs already at the provider, and issued ones, keep their snapshot;
 * - changing the recurrence (every, unit or anchor) starts a new schedule
 *   whose first period is the new anchor, which must be today or later and
 *   after the last period already planned; period numbers continue;
 * - changing the time of day, time zone or end keeps the schedule's periods:
 *   planned-but-not-started runs that fall after a new end are dropped
 *   (recorded `skipped`, reason `removed_by_edit`), and the template ends if
 *   no period is left;
 * - a `template.edited` event, and a `run.replanned` per re-planned run.
 * Idempotency: editing again with the same input writes the same content
 * (and appends another `template.edited`).
 * Errors: ValidationError (an invoice total of zero or less on `lines`,
 * `total_not_positive`), NotFoundError, TransitionError (ended or cancelled).
 */
export async function editTemplate(shop: Pick<Shop, "id">, templateId: string, input: unknown, options: ServiceOptions = {}): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  const parsed = parseInput(editTemplateInput, input);

  return inTransaction(async (tx) => {
    const { template: current } = await lockForTransition(tx, shop.id, templateId, ["active", "paused"], "edit");
    const content: TemplateContent = {
      customer: parsed.customer ?? current.customer,
      currency: current.currency,
      lines: parsed.lines ?? current.lines,
      taxesIncluded: parsed.taxesIncluded ?? current.taxesIncluded,
      shipping: parsed.shipping === undefined ? current.shipping : parsed.shipping,
      memo: parsed.memo === undefined ? current.memo : parsed.memo,
      daysUntilDue: parsed.policies?.daysUntilDue ?? current.daysUntilDue,
      signatureRequested: parsed.policies?.signatureRequested ?? current.signatureRequested,
      rail: parsed.rail ?? current.rail,
    };
    issuableDraftOf(content); // refuses a total of zero (or less) before anything changes
    const planned = plannedContentOf(content);
    const events: NewRunEvent[] = [];
    const data: TemplateChanges = {
      ...customerColumns(content.customer),
      lines: JSON.stringify(content.lines),
      shipping: content.shipping ? JSON.stringify(content.shipping) : null,
      taxesIncluded: content.taxesIncluded,
      memo: content.memo,
      periodTotal: planned.expectedTotal,
      daysUntilDue: content.daysUntilDue,
      signatureRequested: content.signatureRequested,
      rail: content.rail,
    };
    if (parsed.policies?.catchUp !== undefined) data.catchUpPolicy = parsed.policies.catchUp;

    let replannable = await replannableRunsOfTemplate(current.id, now, tx);
    if (parsed.schedule) {
      const schedule = scheduleFrom(parsed.schedule, current.schedule);
      const startsNewSchedule =
        schedule.every !== current.schedule.every || schedule.unit !== current.schedule.unit || schedule.anchor !== current.schedule.anchor;
      let localNext: number;
      if (startsNewSchedule) {
        const lastPlanned = await latestRunOfTemplate(current.id, tx);
        requireAnchorNotPast(schedule, now, lastPlanned?.periodDate);
        data.periodOffset = current.nextPeriodIndex;
        data.activeSince = now;
        localNext = 0;
      } else {
        localNext = current.nextPeriodIndex - current.periodOffset;
        const removed = replannable.filter(
          (run) => run.periodIndex >= current.periodOffset && occurrenceAt(schedule, run.periodIndex - current.periodOffset) === null,
        );
        await skipRuns(removed.map((run) => run.id), "removed_by_edit", tx);
        events.push(...removed.map((run) => skippedEvent(run, "removed_by_edit", options, now)));
        replannable = replannable.filter((run) => !removed.includes(run));
      }
      Object.assign(data, scheduleColumns(schedule));
      const next = occurrenceAt(schedule, localNext);
      data.nextRunAt = next ? toDate(next.runAt) : null;
      if (!next) {
        data.status = "ended";
        data.statusReason = "end_reached";
      }
    }

    // A run keeps the rail it was planned on (its snapshot): a change of rail applies from the next period planned.
    // Only the runs still replannable when written: one a worker claimed meanwhile keeps what it is being issued from.
    const replanned = new Set<string>();
    for (const rail of ["stripe", "shopify"] as const) {
      const runs = replannable.filter((run) => (run.snapshot.rail ?? "stripe") === rail);
      const { rail: _planned, ...snapshot } = planned.snapshot;
      for (const id of await replanRuns(runs.map((run) => run.id), rail === "shopify" ? { ...snapshot, rail } : snapshot, planned.currency, planned.expectedTotal, now, tx)) replanned.add(id);
    }
    events.push(...replannable.filter((run) => replanned.has(run.id)).map((run) => runEvent(run, "run.replanned", options, now, { detail: { expectedTotal: planned.expectedTotal } })));
    const template = await updateTemplate(current.id, data, tx);
    events.unshift(
      templateEvent(template, "template.edited", options, now, {
        fromState: current.status,
        toState: template.status,
        detail: { fields: Object.keys(parsed), periodTotal: planned.expectedTotal },
      }),
    );
    if (template.status === "ended") events.push(templateEvent(template, "template.ended", options, now, { cause: "end_reached" }));
    await appendRunEvents(events, tx);
    return template;
  });
}
