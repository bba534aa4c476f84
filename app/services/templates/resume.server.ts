import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { occurrenceAt } from "~/domain/recurrence";
import { firstIndexAfter, toDate } from "~/domain/schedule-dates";
import { appendRunEvents } from "~/models/run-event.server";
import { updateTemplate, type Template } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import { requireRoomForActiveTemplate } from "~/services/billing-plan/plan-limit.server";
import { skippedEvent, templateEvent, type ServiceOptions } from "./events.server";
import { insertSkippedPeriods, lockForTransition } from "./transitions.server";

/**
 * Resumes a paused template.
 *
 * Inputs: the shop, the template's id, `options.clock`, `options.actor`.
 * Effects, in one transaction: every period that fell due while it was
 * paused is recorded as a `skipped` run (reason `paused`); the next period
 * is the first one after now (never one skipped ahead of time); the
 * template is active again, or ends if its schedule has no period left.
 * Events `template.resumed`, one `run.skipped` per missed period, and
 * `template.ended` when it ended.
 * Idempotency: resuming an active template changes nothing.
 * Errors: NotFoundError, TransitionError (ended or cancelled); PlanLimitError
 * when the shop's plan has no room for one more active template (a Free shop
 * over its limit after a downgrade resumes none until it is under it), nothing written.
 */
export async function resumeTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  return inTransaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["paused"], "resume", "active");
    if (unchanged) return current;

    const localFrom = current.nextPeriodIndex - current.periodOffset;
    // Never back: periods skipped ahead of time (skip next) stay skipped.
    const localNext = Math.max(localFrom, firstIndexAfter(current.schedule, now));
    const next = occurrenceAt(current.schedule, localNext);
    // Before anything else is written (and the transaction rolls back the
    // row lock's version bump): a refusal leaves the template paused as it was.
    if (next) await requireRoomForActiveTemplate(shop.id, tx);
    const missed = await insertSkippedPeriods(tx, current, localFrom, localNext, "paused");
    const template = await updateTemplate(
      current.id,
      {
        status: next ? "active" : "ended",
        statusReason: next ? null : "end_reached",
        nextPeriodIndex: current.periodOffset + localNext,
        nextRunAt: next ? toDate(next.runAt) : null,
        activeSince: now,
      },
      tx,
    );
    await appendRunEvents([
      templateEvent(template, "template.resumed", options, now, {
        fromState: "paused",
        toState: template.status,
        detail: { skippedPeriods: missed.length, nextRunAt: next?.runAt ?? null },
      }),
      ...missed.map((run) => skippedEvent(run, "paused", options, now)),
      ...(next ? [] : [templateEvent(template, "template.ended", options, now, { cause: "end_reached" })]),
    ], tx);
    return template;
  });
}
