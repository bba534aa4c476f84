// The steps the templates' use cases share, inside their transaction: take
// the template's row for the action, pause or cancel it, skip what must not
// be issued. Not use cases themselves: each runs in a caller's transaction,
// after the caller locked the row.
import { NotFoundError, TransitionError } from "~/domain/errors";
import { toDate } from "~/domain/schedule-dates";
import { occurrences } from "~/domain/recurrence";
import { plannedContentOf } from "~/domain/template-content";
import {
  insertRuns,
  notStartedRunsOfTemplate,
  skipRuns,
  takenPeriodIndexes,
  wakeRunsInFlight,
  type NewRun,
  type Run,
  type SkipReason,
} from "~/models/invoice-run.server";
import { appendRunEvents, type NewRunEvent } from "~/models/run-event.server";
import { findTemplateForShop, lockTemplateForShop, updateTemplate, type Template, type TemplateStatus } from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";
import { skippedEvent, templateEvent, type ServiceOptions } from "./events.server";

/**
 * Locks the shop's template if its status is one of `from` and returns it.
 * If it already is in `target`, returns it with `unchanged` (nothing written:
 * repeating an action is a no-op).
 * @throws NotFoundError, TransitionError (`action` names what was attempted)
 */
export async function lockForTransition(
  tx: Tx,
  shopId: string,
  templateId: string,
  from: readonly TemplateStatus[],
  action: string,
  target?: TemplateStatus,
): Promise<{ template: Template; unchanged: boolean }> {
  const locked = await lockTemplateForShop(shopId, templateId, from, tx);
  const template = await findTemplateForShop(shopId, templateId, tx);
  if (!template) throw new NotFoundError("template", templateId);
  if (locked) return { template, unchanged: false };
  if (template.status === target) return { template, unchanged: true };
  throw new TransitionError(template.status === "paused" ? "template_paused" : "template_closed", { action, state: template.status });
}

/**
 * Pauses a locked active template: runs not started yet are skipped (reason
 * `paused`); runs already being issued stop before their next provider call
 * (the pipeline re-reads the template: app/services/invoicing/stop-run.server.ts).
 */
export async function pauseLocked(tx: Tx, current: Template, reason: string, options: ServiceOptions, now: Date): Promise<Template> {
  const skipped = await skipNotStarted(tx, current, "paused", options, now);
  const template = await updateTemplate(current.id, { status: "paused", statusReason: reason }, tx);
  await appendRunEvents([
    templateEvent(template, "template.paused", options, now, { fromState: "active", toState: "paused", cause: reason }),
    ...skipped,
  ], tx);
  return template;
}

/**
 * Cancels a locked active or paused template: runs not started yet are
 * skipped (reason `cancelled`, or `customer_redacted`); runs already being
 * issued stop before their next provider call, as for a pause.
 */
export async function cancelLocked(tx: Tx, current: Template, reason: string, options: ServiceOptions, now: Date): Promise<Template> {
  const skipped = await skipNotStarted(tx, current, reason === "customer_redacted" ? "customer_redacted" : "cancelled", options, now);
  const template = await updateTemplate(current.id, { status: "cancelled", statusReason: reason, nextRunAt: null }, tx);
  await appendRunEvents([
    templateEvent(template, "template.cancelled", options, now, { fromState: current.status, toState: "cancelled", cause: reason }),
    ...skipped,
  ], tx);
  return template;
}

/**
 * Skips the template's runs not started. The ones being issued are the
 * pipeline's to stop (only it can delete a draft, under the run's lease);
 * those waiting between two attempts are made due now, so that a worker
 * stops them at its next tick rather than at their retry time.
 */
async function skipNotStarted(tx: Tx, template: Template, reason: SkipReason, options: ServiceOptions, now: Date): Promise<NewRunEvent[]> {
  const runs = await notStartedRunsOfTemplate(template.id, now, tx);
  await skipRuns(runs.map((run) => run.id), reason, tx);
  await wakeRunsInFlight({ templateId: template.id }, now, tx);
  return runs.map((run) => skippedEvent(run, reason, options, now));
}

/** Periods recorded per insert: long pauses skip thousands of daily periods without one huge statement. */
const SKIP_CHUNK = 500;

/**
 * Records the schedule's periods [fromLocal, toLocal) (capped by the end of
 * the schedule) as skipped runs; periods that already have a run keep it.
 */
export async function insertSkippedPeriods(tx: Tx, template: Template, fromLocal: number, toLocal: number, reason: SkipReason): Promise<Run[]> {
  const inserted: Run[] = [];
  const { snapshot, currency, expectedTotal } = plannedContentOf(template);
  for (let from = fromLocal; from < toLocal; from += SKIP_CHUNK) {
    const chunk = occurrences(template.schedule, { fromIndex: from, count: Math.min(SKIP_CHUNK, toLocal - from) });
    if (chunk.length === 0) break;
    const taken = await takenPeriodIndexes(template.id, template.periodOffset + chunk[0]!.index, template.periodOffset + chunk.at(-1)!.index, tx);
    const rows: NewRun[] = chunk
      .filter((occurrence) => !taken.has(template.periodOffset + occurrence.index))
      .map((occurrence) => ({
        shopId: template.shopId,
        templateId: template.id,
        periodIndex: template.periodOffset + occurrence.index,
        periodDate: occurrence.date,
        scheduledAt: toDate(occurrence.runAt),
        state: "skipped",
        skipReason: reason,
        nextAttemptAt: null,
        currency,
        expectedTotal,
        snapshot,
      }));
    inserted.push(...(await insertRuns(rows, tx)));
  }
  return inserted;
}
