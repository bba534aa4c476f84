/**
 * Property tests for schedule.ts against oracles that share no code with it:
 * civil dates are computed with Date.UTC arithmetic, local wall times and UTC
 * offsets are read back through Intl.DateTimeFormat.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type Occurrence, type Schedule, type ScheduleUnit } from "~/domain/schedule";
import { occurrenceAt, occurrenceAtOrAfter, occurrences } from "~/domain/recurrence";

const RUNS = 200;
const DAY_MS = 86_400_000;

const ZONES = [
  "Europe/Paris",
  "Europe/London",
  "America/New_York",
  "America/Los_Angeles",
  "America/Santiago", // DST changes at midnight
  "America/St_Johns", // UTC-3:30 / -2:30
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Australia/Adelaide", // UTC+9:30 / +10:30
  "Australia/Lord_Howe", // 30-minute DST shift
  "Pacific/Auckland",
  "Pacific/Chatham", // UTC+12:45 / +13:45
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Tokyo",
  "Africa/Casablanca",
  "UTC",
] as const;

// ---------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------

type CivilDate = { year: number; month: number; day: number };

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function civilToString({ year, month, day }: CivilDate): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** anchor + k × every units: months add to year/month then clamp the day; days are 86,400,000 ms of UTC. */
function oracleDate(anchor: CivilDate, unit: ScheduleUnit, every: number, k: number): string {
  if (unit === "day" || unit === "week") {
    const step = every * (unit === "week" ? 7 : 1);
    const utc = Date.UTC(anchor.year, anchor.month - 1, anchor.day) + k * step * DAY_MS;
    return new Date(utc).toISOString().slice(0, 10);
  }
  const months = anchor.month - 1 + k * every * (unit === "year" ? 12 : 1);
  const year = anchor.year + Math.floor(months / 12);
  const month = (months % 12) + 1;
  return civilToString({ year, month, day: Math.min(anchor.day, daysInMonth(year, month)) });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local wall clock of `epochMs` in `zone`, expressed as if it were a UTC epoch (ms). */
function wallClockMs(epochMs: number, zone: string): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, formatter);
  }
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
}

function offsetMs(epochMs: number, zone: string): number {
  return wallClockMs(epochMs, zone) - epochMs;
}

/**
 * The runAt instant is the wall time `date timeOfDay` in `zone`; if that wall
 * time happens twice, the earlier one; if it does not exist (DST gap), the
 * wall time read back is later by exactly the gap.
 */
function checkWallTime(occurrence: Occurrence, schedule: Schedule): void {
  const [year, month, day] = occurrence.date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = schedule.timeOfDay.split(":").map(Number) as [number, number];
  const requested = Date.UTC(year, month - 1, day, hour, minute);
  const runAt = Date.parse(occurrence.runAt);
  const zone = schedule.timeZone;
  const shift = wallClockMs(runAt, zone) - requested;

  const neighbourOffsets = new Set([offsetMs(runAt - DAY_MS, zone), offsetMs(runAt, zone), offsetMs(runAt + DAY_MS, zone)]);
  if (shift === 0) {
    // No earlier instant shows the same wall time.
    for (const offset of neighbourOffsets) {
      const candidate = requested - offset;
      if (wallClockMs(candidate, zone) === requested) expect(candidate).toBeGreaterThanOrEqual(runAt);
    }
    return;
  }
  // DST gap: later by the size of the offset change, and the wall time truly does not exist.
  expect(shift).toBeGreaterThan(0);
  expect(offsetMs(runAt, zone) - offsetMs(runAt - shift, zone)).toBe(shift);
  for (const offset of neighbourOffsets) expect(wallClockMs(requested - offset, zone)).not.toBe(requested);
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

const civilDate = (months: fc.Arbitrary<number> = fc.integer({ min: 1, max: 12 })): fc.Arbitrary<CivilDate> =>
  fc
    .record({ year: fc.integer({ min: 2020, max: 2040 }), month: months, day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));

/** Biased toward the small hours, where DST changes happen. */
const timeOfDay = fc.oneof(
  fc.constantFrom("00:00", "00:30", "01:30", "02:00", "02:15", "02:30", "02:59", "03:00", "23:59"),
  fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) }).map(({ hour, minute }) => `${pad(hour)}:${pad(minute)}`),
);

const unit = fc.constantFrom<ScheduleUnit>("day", "week", "month", "year");

type Case = { schedule: Schedule; anchor: CivilDate };

const anySchedule: fc.Arbitrary<Case> = fc
  .record({
    anchor: civilDate(),
    unit,
    every: fc.integer({ min: 1, max: 12 }),
    timeOfDay,
    timeZone: fc.constantFrom(...ZONES),
  })
  .map(({ anchor, ...rest }) => ({ anchor, schedule: { ...rest, anchor: civilToString(anchor) } }));

/** Daily schedules starting in the months of DST changes, so gaps and overlaps are crossed often. */
const dstSchedule: fc.Arbitrary<Case> = fc
  .record({
    anchor: civilDate(fc.constantFrom(3, 4, 9, 10, 11)),
    every: fc.integer({ min: 1, max: 3 }),
    timeOfDay,
    timeZone: fc.constantFrom(...ZONES),
  })
  .map(({ anchor, ...rest }) => ({ anchor, schedule: { ...rest, unit: "day" as const, anchor: civilToString(anchor) } }));

function checkList({ schedule, anchor }: Case, list: Occurrence[], fromIndex = 0): void {
  list.forEach((occurrence, position) => {
    expect(occurrence.index).toBe(fromIndex + position);
    expect(occurrence.date).toBe(oracleDate(anchor, schedule.unit, schedule.every, occurrence.index));
    expect(occurrence.runAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    checkWallTime(occurrence, schedule);
    const previous = list[position - 1];
    if (previous) {
      expect(Date.parse(occurrence.runAt)).toBeGreaterThan(Date.parse(previous.runAt));
      expect(occurrence.date > previous.date).toBe(true);
    }
  });
  expect(new Set(list.map((occurrence) => occurrence.date)).size).toBe(list.length);
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("schedule properties", () => {
  it("dates follow the anchor formula; runAt strictly increases and shows timeOfDay locally", () => {
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 25 }), (testCase, fromIndex, count) => {
        const list = occurrences(testCase.schedule, { fromIndex, count });
        expect(list).toHaveLength(count);
        checkList(testCase, list, fromIndex);
      }),
      { numRuns: RUNS },
    );
  });

  it("across DST changes, every civil date gets exactly one instant", () => {
    fc.assert(
      fc.property(dstSchedule, (testCase) => {
        const list = occurrences(testCase.schedule, { count: 45 });
        checkList(testCase, list);
      }),
      { numRuns: RUNS },
    );
  });

  it("afterCount gives exactly that many occurrences; until keeps exactly the dates on or before it", () => {
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2000 }), (testCase, afterCount, untilDays) => {
        const byCount = occurrences({ ...testCase.schedule, end: { afterCount } }, { count: afterCount + 5 });
        expect(byCount).toHaveLength(afterCount);
        expect(byCount.at(-1)?.index).toBe(afterCount - 1);

        const { anchor, schedule } = testCase;
        const until = new Date(Date.UTC(anchor.year, anchor.month - 1, anchor.day) + untilDays * DAY_MS).toISOString().slice(0, 10);
        const byDate = occurrences({ ...schedule, end: { until } }, { count: 3000 });
        const expectedLength = byDate.length;
        expect(expectedLength).toBeGreaterThanOrEqual(1);
        expect(byDate.every((occurrence) => occurrence.date <= until)).toBe(true);
        expect(oracleDate(anchor, schedule.unit, schedule.every, expectedLength) > until).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("occurrenceAtOrAfter(runAt) is that occurrence; one second later it is the next one", () => {
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: 1, max: 12 }), ({ schedule }, afterCount) => {
        const bounded: Schedule = { ...schedule, end: { afterCount } };
        const list = occurrences(bounded, { count: afterCount });
        list.forEach((occurrence, position) => {
          expect(occurrenceAtOrAfter(bounded, occurrence.runAt)).toEqual(occurrence);
          const oneSecondLater = new Date(Date.parse(occurrence.runAt) + 1_000).toISOString();
          expect(occurrenceAtOrAfter(bounded, oneSecondLater)).toEqual(list[position + 1] ?? null);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("occurrenceAtOrAfter(t) is the first occurrence at or after t, for any t", () => {
    const start = Date.UTC(2019, 0, 1);
    const end = Date.UTC(2300, 0, 1);
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: start, max: end }), ({ schedule }, epochMs) => {
        const instant = new Date(epochMs).toISOString();
        const found = occurrenceAtOrAfter(schedule, instant);
        expect(found).not.toBeNull();
        if (!found) return;
        expect(found).toEqual(occurrenceAt(schedule, found.index));
        expect(Date.parse(found.runAt)).toBeGreaterThanOrEqual(epochMs);
        if (found.index > 0) expect(Date.parse(occurrenceAt(schedule, found.index - 1)!.runAt)).toBeLessThan(epochMs);
      }),
      { numRuns: RUNS },
    );
  });
});
