/**
 * A template's schedule: its shape, its limits, its presets and its
 * validation. What dates and instants it bills is computed in
 * ./recurrence.ts, from a schedule validated here.
 */
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { ScheduleError } from "./errors";

export { ScheduleError } from "./errors";
export type { ScheduleErrorCode } from "./errors";

export const SCHEDULE_UNITS = ["day", "week", "month", "year"] as const;
export type ScheduleUnit = (typeof SCHEDULE_UNITS)[number];

export type Schedule = {
  /** Number of units between two periods; a whole number from 1 to {@link MAX_EVERY}. */
  every: number;
  unit: ScheduleUnit;
  /** Civil date "YYYY-MM-DD" of the first period (index 0). */
  anchor: string;
  /** "HH:MM" (24-hour), local to `timeZone`. */
  timeOfDay: string;
  /** IANA time zone name, e.g. "Europe/Paris". */
  timeZone: string;
  /**
   * When the schedule stops; the earlier of the two limits wins. Absent: it
   * runs until {@link SCHEDULE_HORIZON}.
   */
  end?: {
    /** Total number of periods, counting the first: indexes 0 … afterCount-1. */
    afterCount?: number;
    /** Last civil date that may hold a period (inclusive), "YYYY-MM-DD". */
    until?: string;
  };
};

export type Occurrence = {
  /** 0 for the anchor period. */
  index: number;
  /** Civil date "YYYY-MM-DD" of the period in the schedule's time zone. */
  date: string;
  /** The instant the period is due, UTC ISO-8601, e.g. "2026-03-29T01:30:00Z". */
  runAt: string;
};

/** Largest accepted `every`: beyond it an interval is surely a typo. */
export const MAX_EVERY = 999;
/** Anchors must fall in this range (inclusive); older or later dates are surely typos. */
export const EARLIEST_ANCHOR = "1900-01-01";
export const LATEST_ANCHOR = "2999-12-31";
/**
 * No period is ever placed after this civil date, so every date and instant
 * keeps a four-digit year. An open-ended schedule behaves as if it ended here.
 */
export const SCHEDULE_HORIZON = "9999-12-30";

// The merchant-facing presets live apart (no Temporal, no zod), so that pages
// which only name a frequency do not ship the recurrence engine to the browser.
export { FREQUENCY_PRESETS, frequencyPresetOf, type FrequencyPresetId } from "./frequency-presets";

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MONTH_NAMES = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
] as const;

/**
 * Checks every field of `input` and returns all problems found (empty when
 * the schedule is usable). For forms that show every error at once.
 */
export function scheduleIssues(input: unknown): ScheduleError[] {
  try {
    const parsed = parseSchedule(input);
    return parsed.issues;
  } catch (error) {
    // Only a non-object input throws here.
    if (error instanceof ScheduleError) return [error];
    throw error;
  }
}

/**
 * Returns a normalised copy of `input` (time zone in its canonical spelling,
 * absent or null end fields dropped) if it is a usable schedule.
 *
 * @throws ScheduleError for the first problem found, with the offending `field`.
 */
export function validateSchedule(input: unknown): Schedule {
  const parsed = parseSchedule(input);
  const [first] = parsed.issues;
  if (first) throw first;
  return parsed.schedule as Schedule;
}

/**
 * Zod schema for untrusted input (form posts, JSON columns). Output is the
 * normalised {@link Schedule}; every semantic problem becomes an issue whose
 * `path` is the field and whose `params.code` is the {@link ScheduleErrorCode}.
 */
export const scheduleSchema = z
  .object({
    every: z.number(),
    unit: z.string(),
    anchor: z.string(),
    timeOfDay: z.string(),
    timeZone: z.string(),
    end: z
      .object({
        afterCount: z.number().nullish(),
        until: z.string().nullish(),
      })
      .nullish(),
  })
  .transform((value, ctx): Schedule => {
    const parsed = parseSchedule(value);
    for (const issue of parsed.issues) {
      ctx.addIssue({
        code: "custom",
        message: issue.message,
        path: issue.field.split("."),
        params: { code: issue.code },
        input: issue.value,
      });
    }
    return parsed.issues.length === 0 ? (parsed.schedule as Schedule) : z.NEVER;
  });

type ParsedSchedule = { schedule: Partial<Schedule>; issues: ScheduleError[] };

function parseSchedule(input: unknown): ParsedSchedule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ScheduleError(
      "schedule",
      "invalid_schedule",
      "A schedule needs every, unit, anchor, timeOfDay and timeZone.",
      input,
    );
  }
  const raw = input as Record<string, unknown>;
  const issues: ScheduleError[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      issues.push(error);
      return undefined;
    }
  };

  const every = attempt(() => checkEvery(raw.every));
  const unit = attempt(() => checkUnit(raw.unit));
  const anchor = attempt(() => checkAnchor(raw.anchor));
  const timeOfDay = attempt(() => checkTimeOfDay(raw.timeOfDay));
  const timeZone = attempt(() => checkTimeZone(raw.timeZone));
  const end = attempt(() => checkEnd(raw.end, anchor));

  const schedule: Partial<Schedule> = { every, unit, anchor: anchor?.toString(), timeOfDay, timeZone };
  if (end) schedule.end = end;
  return { schedule, issues };
}

function checkEvery(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_EVERY) {
    throw new ScheduleError(
      "every",
      "invalid_every",
      `The interval must be a whole number from 1 to ${MAX_EVERY}; got ${describe(value)}.`,
      value,
    );
  }
  return value;
}

function checkUnit(value: unknown): ScheduleUnit {
  if (typeof value === "string" && (SCHEDULE_UNITS as readonly string[]).includes(value)) {
    return value as ScheduleUnit;
  }
  throw new ScheduleError(
    "unit",
    "unknown_unit",
    `Unknown repeat unit ${describe(value)}. Use "day", "week", "month" or "year".`,
    value,
  );
}

function checkAnchor(value: unknown): Temporal.PlainDate {
  const date = checkCivilDate("anchor", "Start date", value);
  if (date.toString() < EARLIEST_ANCHOR || date.toString() > LATEST_ANCHOR) {
    throw new ScheduleError(
      "anchor",
      "date_out_of_range",
      `Start date "${date.toString()}" must be between ${EARLIEST_ANCHOR} and ${LATEST_ANCHOR}.`,
      value,
    );
  }
  return date;
}

/** Parses a strict "YYYY-MM-DD" that names a real calendar day. */
function checkCivilDate(field: string, label: string, value: unknown): Temporal.PlainDate {
  const match = typeof value === "string" ? DATE_PATTERN.exec(value) : null;
  if (!match) {
    throw new ScheduleError(
      field,
      "invalid_date_format",
      `${label} ${describe(value)} must be written YYYY-MM-DD, e.g. "2026-01-31".`,
      value,
    );
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const monthName = MONTH_NAMES[month - 1];
  if (monthName === undefined) {
    throw new ScheduleError(field, "invalid_date", `${label} "${value as string}" has no month ${month}; months go from 01 to 12.`, value);
  }
  const daysInMonth = Temporal.PlainYearMonth.from({ year, month }).daysInMonth;
  if (day < 1 || day > daysInMonth) {
    throw new ScheduleError(
      field,
      "invalid_date",
      `${label} "${value as string}" does not exist: ${monthName} ${year} has ${daysInMonth} days.`,
      value,
    );
  }
  return Temporal.PlainDate.from({ year, month, day }, { overflow: "reject" });
}

function checkTimeOfDay(value: unknown): string {
  if (typeof value === "string" && TIME_PATTERN.test(value)) return value;
  throw new ScheduleError(
    "timeOfDay",
    "invalid_time_of_day",
    `Time of day ${describe(value)} is not valid. Use 24-hour HH:MM from 00:00 to 23:59, e.g. "09:00".`,
    value,
  );
}

function checkTimeZone(value: unknown): string {
  const unknownZone = () =>
    new ScheduleError(
      "timeZone",
      "unknown_time_zone",
      `Unknown time zone ${describe(value)}. Use an IANA name such as "Europe/Paris".`,
      value,
    );
  // Temporal also accepts bare offsets ("+01:00"); a shop needs a named zone
  // so that its DST rules apply.
  if (typeof value !== "string" || !/^[A-Za-z]/.test(value)) throw unknownZone();
  try {
    // Returns the canonical spelling ("europe/paris" → "Europe/Paris").
    return new Temporal.ZonedDateTime(0n, value).timeZoneId;
  } catch {
    throw unknownZone();
  }
}

function checkEnd(value: unknown, anchor: Temporal.PlainDate | undefined): Schedule["end"] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ScheduleError("end", "invalid_end", "The end of a schedule must be an object with afterCount and/or until.", value);
  }
  const raw = value as Record<string, unknown>;
  const end: NonNullable<Schedule["end"]> = {};

  if (raw.afterCount !== undefined && raw.afterCount !== null) {
    const count = raw.afterCount;
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
      throw new ScheduleError(
        "end.afterCount",
        "invalid_after_count",
        `The number of invoices must be a whole number of at least 1; got ${describe(count)}.`,
        count,
      );
    }
    end.afterCount = count;
  }

  if (raw.until !== undefined && raw.until !== null) {
    const until = checkCivilDate("end.until", "End date", raw.until);
    if (anchor && Temporal.PlainDate.compare(until, anchor) < 0) {
      throw new ScheduleError(
        "end.until",
        "until_before_anchor",
        `End date "${until.toString()}" is before the start date "${anchor.toString()}". Choose an end date on or after the start date.`,
        raw.until,
      );
    }
    end.until = until.toString();
  }

  return end.afterCount === undefined && end.until === undefined ? undefined : end;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeof value;
}
