import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { occurrenceAt } from "~/domain/recurrence";
import { toDate } from "~/domain/schedule-dates";
import { appendRunEvents } from "~/models/run-event.server";
import { updateTemplate, type Template } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import { skippedEvent, templateEvent, type ServiceOptions } from "./events.server";
import { insertSkippedPeriods, lockForTransition } from "./transitions.server";

/**
 * Skips the next upcoming period of an active template (the one at `nextRunAt`).
 *
 * Inputs: the shop, the template's id, `options.clock`, `options.actor`.
 * Effects, in one transaction: that period is recorded as a `skipped` run
 * (reason `merchant_skip`) and the template moves on to the period after
 * it, or ends. Events `run.skipped`, and `template.ended` when it ended.
 * Idempotency: none; each call skips one more period.
 * Errors: NotFoundError, TransitionError (paused, ended or cancelled).
 */
export async function skipNextPeriod(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  return inTransaction(async (tx) => {
    const { template: current } = await lockForTransition(tx, shop.id, templateId, ["active"], "skip a period of");
    const local = current.nextPeriodIndex - current.periodOffset;
    const [skipped] = await insertSkippedPeriods(tx, current, local, local + 1, "merchant_skip");
    const next = occurrenceAt(current.schedule, local + 1);
    const template = await updateTemplate(
      current.id,
      {
        nextPeriodIndex: current.nextPeriodIndex + 1,
        nextRunAt: next ? toDate(next.runAt) : null,
        ...(next ? {} : { status: "ended", statusReason: "end_reached" }),
      },
      tx,
    );
    await appendRunEvents([
      ...(skipped ? [skippedEvent(skipped, "merchant_skip", options, now)] : []),
      ...(next ? [] : [templateEvent(template, "template.ended", options, now, { fromState: "active", toState: "ended", cause: "end_reached" })]),
    ], tx);
    return template;
  });
}
