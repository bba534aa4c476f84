/**
 * Recurrence of a template: which civil dates it bills, and at which instant.
 *
 * The model (see ARCHITECTURE.md, invariant 2):
 * - Period k falls on `anchor + k × every × unit`, always computed from the
 *   anchor and never from period k-1, so dates cannot drift. A day of month
 *   that does not exist is clamped to the month's last day (Jan 31 → Feb 28 →
 *   Mar 31 → Apr 30; a Feb 29 yearly anchor gives Feb 28 in common years).
 * - Dates are civil dates of the shop; the instant of a period is `timeOfDay`
 *   on that date in the shop's IANA `timeZone`. A wall time skipped by a DST
 *   change moves forward by the length of the gap (02:30 → 03:30); a wall
 *   time that happens twice takes the earlier instant. Every civil date thus
 *   maps to exactly one instant: DST neither skips nor doubles a period.
 *   One historical exception to strictly increasing instants: a zone that
 *   skipped a whole civil day (Pacific/Apia on 2011-12-30) gives that day's
 *   period the same instant as the next day's. Both periods still exist.
 *
 * Pure: no I/O, no clock. "Now" is always a parameter.
 */
import { Temporal } from "temporal-polyfill";
import { SCHEDULE_HORIZON, validateSchedule, type Occurrence, type Schedule, type ScheduleUnit } from "./schedule";

/** A validated schedule with its parsed parts and its last index resolved once. */
type Plan = {
  every: number;
  unit: ScheduleUnit;
  anchor: Temporal.PlainDate;
  time: Temporal.PlainTime;
  timeZone: string;
  /** Index of the last period (inclusive). Always finite thanks to the horizon. */
  lastIndex: number;
  /** True when `end` limits the schedule before the horizon could. */
  hasEnd: boolean;
};

function planOf(input: Schedule): Plan {
  const schedule = validateSchedule(input);
  const partial = {
    every: schedule.every,
    unit: schedule.unit,
    anchor: Temporal.PlainDate.from(schedule.anchor),
    time: Temporal.PlainTime.from(schedule.timeOfDay),
    timeZone: schedule.timeZone,
  };
  let lastIndex = indexOnOrBefore(partial, Temporal.PlainDate.from(SCHEDULE_HORIZON));
  const { afterCount, until } = schedule.end ?? {};
  if (until !== undefined) lastIndex = Math.min(lastIndex, indexOnOrBefore(partial, Temporal.PlainDate.from(until)));
  if (afterCount !== undefined) lastIndex = Math.min(lastIndex, afterCount - 1);
  return { ...partial, lastIndex, hasEnd: schedule.end !== undefined };
}

type Recurrence = Pick<Plan, "every" | "unit" | "anchor">;

/** Civil date of period `index`: anchor + index × every units, clamped to month end. */
function dateAt(recurrence: Recurrence, index: number): Temporal.PlainDate {
  const steps = index * recurrence.every;
  // "constrain" clamps a missing day of month to the month's last day; since
  // we always add to the anchor, the clamp never carries into later periods.
  const options = { overflow: "constrain" } as const;
  switch (recurrence.unit) {
    case "day":
      return recurrence.anchor.add({ days: steps }, options);
    case "week":
      return recurrence.anchor.add({ weeks: steps }, options);
    case "month":
      return recurrence.anchor.add({ months: steps }, options);
    case "year":
      return recurrence.anchor.add({ years: steps }, options);
  }
}

/**
 * Largest index whose date is on or before `date`, or -1 when even the anchor
 * is later. O(1): computed from the distance in days or months, then
 * corrected for month-end clamping by one comparison.
 */
function indexOnOrBefore(recurrence: Recurrence, date: Temporal.PlainDate): number {
  const { anchor, every, unit } = recurrence;
  if (Temporal.PlainDate.compare(date, anchor) < 0) return -1;
  if (unit === "day" || unit === "week") {
    const stepDays = every * (unit === "week" ? 7 : 1);
    const elapsedDays = anchor.until(date, { largestUnit: "day" }).days;
    return Math.floor(elapsedDays / stepDays);
  }
  const stepMonths = every * (unit === "year" ? 12 : 1);
  const elapsedMonths = (date.year - anchor.year) * 12 + (date.month - anchor.month);
  let index = Math.floor(elapsedMonths / stepMonths);
  // Period `index` lies in date's month or earlier; in the same month its
  // (possibly clamped) day may still be after `date`.
  if (Temporal.PlainDate.compare(dateAt(recurrence, index), date) > 0) index -= 1;
  return index;
}

function instantOn(plan: Plan, date: Temporal.PlainDate): Temporal.Instant {
  // "compatible": a skipped wall time moves forward by the gap, a repeated
  // one takes the earlier instant (RFC 5545 behaviour).
  return date.toPlainDateTime(plan.time).toZonedDateTime(plan.timeZone, { disambiguation: "compatible" }).toInstant();
}

function runAtOf(plan: Plan, index: number): Temporal.Instant {
  return instantOn(plan, dateAt(plan, index));
}

function occurrenceOf(plan: Plan, index: number): Occurrence {
  const date = dateAt(plan, index);
  return { index, date: date.toString(), runAt: instantOn(plan, date).toString() };
}

function checkIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number >= 0; got ${String(value)}.`);
  }
}

/**
 * Up to `count` consecutive occurrences starting at index `fromIndex`
 * (default 0), in increasing order of index, date and runAt. Returns fewer
 * (possibly none) when the schedule's end is reached.
 *
 * @throws ScheduleError if the schedule is invalid; RangeError for a negative or non-integer option.
 */
export function occurrences(schedule: Schedule, options: { fromIndex?: number; count: number }): Occurrence[] {
  const fromIndex = options.fromIndex ?? 0;
  checkIndex("fromIndex", fromIndex);
  checkIndex("count", options.count);
  const plan = planOf(schedule);
  const lastIndex = Math.min(plan.lastIndex, fromIndex + options.count - 1);
  const result: Occurrence[] = [];
  for (let index = fromIndex; index <= lastIndex; index++) result.push(occurrenceOf(plan, index));
  return result;
}

/**
 * The occurrence at `index`, or null if the schedule ended before it.
 * @throws ScheduleError if the schedule is invalid; RangeError for a negative or non-integer index.
 */
export function occurrenceAt(schedule: Schedule, index: number): Occurrence | null {
  checkIndex("index", index);
  const plan = planOf(schedule);
  return index <= plan.lastIndex ? occurrenceOf(plan, index) : null;
}

/**
 * The first occurrence whose runAt is at or after `instant`, or null when the
 * schedule ended before it. `instant` is an ISO-8601 string with `Z` or an
 * offset (or a `Temporal.Instant`).
 *
 * O(1) in the age of the schedule: the index is estimated from the instant's
 * civil date, then corrected by at most a step or two.
 *
 * @throws ScheduleError if the schedule is invalid; RangeError if `instant` is not an instant.
 */
export function occurrenceAtOrAfter(schedule: Schedule, instant: string | Temporal.Instant): Occurrence | null {
  const target = typeof instant === "string" ? parseInstant(instant) : instant;
  const plan = planOf(schedule);
  if (plan.lastIndex < 0) return null;
  const isBeforeTarget = (index: number) => Temporal.Instant.compare(runAtOf(plan, index), target) < 0;

  if (!isBeforeTarget(0)) return occurrenceOf(plan, 0);
  if (isBeforeTarget(plan.lastIndex)) return null;

  // runAt(0) < target <= runAt(lastIndex): the answer exists in 1..lastIndex.
  const localDate = target.toZonedDateTimeISO(plan.timeZone).toPlainDate();
  let index = Math.min(Math.max(indexOnOrBefore(plan, localDate), 1), plan.lastIndex);
  // A runAt can land on a later civil date than its period (DST gap at
  // midnight), so both corrections are needed; each runs O(1) times.
  while (index > 1 && !isBeforeTarget(index - 1)) index -= 1;
  while (isBeforeTarget(index)) index += 1;
  return occurrenceOf(plan, index);
}

/**
 * The last occurrence of a schedule that has an `end`, or null for an
 * open-ended schedule.
 * @throws ScheduleError if the schedule is invalid.
 */
export function finalOccurrence(schedule: Schedule): Occurrence | null {
  const plan = planOf(schedule);
  return plan.hasEnd && plan.lastIndex >= 0 ? occurrenceOf(plan, plan.lastIndex) : null;
}

/**
 * Civil date of period `index` by the anchor formula, ignoring `end` (use
 * {@link occurrenceAt} to respect it).
 * @throws ScheduleError if the schedule is invalid; RangeError for a negative or
 *   non-integer index, or one whose date would fall after {@link SCHEDULE_HORIZON}.
 */
export function periodDate(schedule: Schedule, index: number): string {
  checkIndex("index", index);
  const plan = planOf(schedule);
  if (index > indexOnOrBefore(plan, Temporal.PlainDate.from(SCHEDULE_HORIZON))) {
    throw new RangeError(`Period ${index} falls after ${SCHEDULE_HORIZON}, the last supported date.`);
  }
  return dateAt(plan, index).toString();
}

function parseInstant(value: string): Temporal.Instant {
  try {
    return Temporal.Instant.from(value);
  } catch {
    throw new RangeError(`"${value}" is not an ISO-8601 instant; expected e.g. "2026-03-29T01:30:00Z".`);
  }
}
