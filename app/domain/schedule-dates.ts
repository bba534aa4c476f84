/**
 * A schedule's dates as the rest of the app needs them: occurrences'
 * instants as JavaScript `Date`s (Prisma columns), today's civil date in a
 * time zone, and the first period after an instant. Pure; the schedule
 * itself is app/domain/schedule.ts.
 */
import { Temporal } from "temporal-polyfill";
import { type Schedule } from "./schedule";
import { finalOccurrence, occurrenceAtOrAfter } from "./recurrence";

/** An instant (a `Temporal.Instant` or an ISO string with `Z` or an offset) as a `Date`, to the millisecond. */
export function toDate(instant: Temporal.Instant | string): Date {
  return new Date((typeof instant === "string" ? Temporal.Instant.from(instant) : instant).epochMilliseconds);
}

/** The civil date ("YYYY-MM-DD") in `timeZone` at the instant `at`. */
export function todayIn(timeZone: string, at: Temporal.Instant | Date): string {
  const instant = at instanceof Date ? Temporal.Instant.fromEpochMilliseconds(at.getTime()) : at;
  return instant.toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * Index (in the schedule) of the first period due strictly after `now`; one
 * past the last period when the schedule ended before `now`.
 */
export function firstIndexAfter(schedule: Schedule, now: Date): number {
  const atOrAfter = occurrenceAtOrAfter(schedule, now.toISOString());
  if (!atOrAfter) return (finalOccurrence(schedule)?.index ?? -1) + 1;
  return toDate(atOrAfter.runAt).getTime() <= now.getTime() ? atOrAfter.index + 1 : atOrAfter.index;
}
