// Refusing a template input: the template input's schemas and rules
// (app/domain/template-input.ts) say why as codes; this puts the English
// detail next to each code (app/i18n/field-errors.ts) and throws the
// ValidationError the use cases answer with.
import type { z } from "zod";
import { ValidationError, type FieldRefusal } from "~/domain/errors";
import type { Schedule } from "~/domain/schedule";
import { todayIn } from "~/domain/schedule-dates";
import { fieldIssuesOf, formCodeOf, type FieldErrorValue, type InputRefusal } from "~/domain/template-input";
import { fieldIssueDetail, refusalDetail } from "~/i18n/field-errors";

/** One refused field, with its English detail. */
export function refusal(why: InputRefusal, values?: Record<string, FieldErrorValue>): FieldRefusal {
  return { code: formCodeOf(why), ...(values ? { values } : {}), message: refusalDetail(why, values) };
}

/**
 * `input` parsed by one of the template input's schemas.
 * @throws ValidationError with every refused field at once.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const refusals: Record<string, FieldRefusal> = {};
  for (const [field, issue] of Object.entries(fieldIssuesOf(result.error))) {
    refusals[field] = { code: issue.code, ...(issue.values ? { values: issue.values } : {}), message: fieldIssueDetail(issue) };
  }
  throw new ValidationError(refusals);
}

/**
 * A new schedule starts today or later in its own time zone, and (when a
 * schedule replaces another) after the last period already planned.
 * @throws ValidationError on "schedule.anchor"
 */
export function requireAnchorNotPast(schedule: Schedule, now: Date, notOnOrBefore?: string): void {
  const today = todayIn(schedule.timeZone, now);
  if (schedule.anchor < today) {
    throw new ValidationError({
      "schedule.anchor": refusal("anchor_in_past.dates", { date: { civilDate: schedule.anchor }, earliest: { civilDate: today } }),
    });
  }
  if (notOnOrBefore !== undefined && schedule.anchor <= notOnOrBefore) {
    throw new ValidationError({ "schedule.anchor": refusal("anchor_not_after_planned.date", { planned: { civilDate: notOnOrBefore } }) });
  }
}
