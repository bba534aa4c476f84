// The audit trail rows the templates' use cases append (app/models/run-event.server.ts),
// built one way: who acted (`options.actor`, "merchant" by default), when, on what.
import type { Clock } from "~/domain/clock";
import type { Run, SkipReason } from "~/models/invoice-run.server";
import type { NewRunEvent } from "~/models/run-event.server";
import type { Template } from "~/models/template.server";

/** What every use case on templates accepts. */
export type ServiceOptions = {
  /** Defaults to the app's clock. */
  clock?: Clock;
  /** Recorded on the audit trail; defaults to "merchant". */
  actor?: string;
};

type EventExtras = Pick<NewRunEvent, "fromState" | "toState" | "cause" | "detail">;

export function templateEvent(
  template: Pick<Template, "id" | "shopId">,
  type: NewRunEvent["type"],
  options: ServiceOptions,
  at: Date,
  extras: EventExtras = {},
): NewRunEvent {
  return { shopId: template.shopId, templateId: template.id, type, actor: options.actor ?? "merchant", at, ...extras };
}

export function runEvent(
  run: Pick<Run, "id" | "shopId" | "templateId">,
  type: NewRunEvent["type"],
  options: ServiceOptions,
  at: Date,
  extras: EventExtras = {},
): NewRunEvent {
  return { shopId: run.shopId, templateId: run.templateId, runId: run.id, type, actor: options.actor ?? "merchant", at, ...extras };
}

export function skippedEvent(
  run: Pick<Run, "id" | "shopId" | "templateId" | "state" | "periodIndex" | "periodDate">,
  reason: SkipReason,
  options: ServiceOptions,
  at: Date,
): NewRunEvent {
  return runEvent(run, "run.skipped", options, at, {
    fromState: run.state === "skipped" ? null : run.state,
    toState: "skipped",
    cause: reason,
    detail: { periodIndex: run.periodIndex, periodDate: run.periodDate },
  });
}
