import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import { FREQUENCY_PRESETS, ScheduleError, frequencyPresetOf, scheduleIssues, scheduleSchema, validateSchedule, type Schedule } from "~/domain/schedule";
import { finalOccurrence, occurrenceAt, occurrenceAtOrAfter, occurrences, periodDate } from "~/domain/recurrence";
import { ManualClock, systemClock } from "~/domain/clock";
import { thrown } from "../helpers/expect-error";

const monthly: Schedule = { every: 1, unit: "month", anchor: "2026-01-31", timeOfDay: "09:00", timeZone: "Europe/Paris" };

function dates(schedule: Schedule, count: number): string[] {
  return occurrences(schedule, { count }).map((occurrence) => occurrence.date);
}

describe("period dates come from the anchor, clamped to month end", () => {
  it.each([
    {
      name: "Jan 31 monthly through a common year",
      schedule: { ...monthly, anchor: "2026-01-31" },
      expected: [
        "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
        "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31",
      ],
    },
    {
      name: "Jan 31 monthly through a leap year",
      schedule: { ...monthly, anchor: "2024-01-31" },
      expected: [
        "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31",
        "2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31", "2025-01-31",
      ],
    },
    {
      name: "Jan 30 monthly does not drift after February",
      schedule: { ...monthly, anchor: "2026-01-30" },
      expected: ["2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30"],
    },
    {
      name: "Aug 31 every 6 months",
      schedule: { ...monthly, every: 6, anchor: "2026-08-31" },
      expected: ["2026-08-31", "2027-02-28", "2027-08-31", "2028-02-29", "2028-08-31"],
    },
    {
      name: "Feb 29 yearly 2024 → 2028",
      schedule: { ...monthly, unit: "year", anchor: "2024-02-29" },
      expected: ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"],
    },
    {
      name: "Mar 31 quarterly",
      schedule: { ...monthly, every: 3, anchor: "2026-03-31" },
      expected: ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31", "2027-03-31"],
    },
    {
      name: "Dec 31 every 2 months crosses the year",
      schedule: { ...monthly, every: 2, anchor: "2025-12-31" },
      expected: ["2025-12-31", "2026-02-28", "2026-04-30", "2026-06-30"],
    },
    {
      name: "every 10 days",
      schedule: { ...monthly, unit: "day", every: 10, anchor: "2026-02-25" },
      expected: ["2026-02-25", "2026-03-07", "2026-03-17", "2026-03-27"],
    },
    {
      name: "every 2 weeks across a year end",
      schedule: { ...monthly, unit: "week", every: 2, anchor: "2026-12-21" },
      expected: ["2026-12-21", "2027-01-04", "2027-01-18"],
    },
  ] satisfies { name: string; schedule: Schedule; expected: string[] }[])("$name", ({ schedule, expected }) => {
    expect(dates(schedule, expected.length)).toEqual(expected);
  });

  it("periodDate gives the same date as the list, and ignores the end", () => {
    const schedule: Schedule = { ...monthly, end: { afterCount: 2 } };
    expect(periodDate(schedule, 1)).toBe("2026-02-28");
    expect(periodDate(schedule, 13)).toBe("2027-02-28");
    expect(periodDate({ ...monthly, every: 6, anchor: "2026-08-31" }, 3)).toBe("2028-02-29");
  });

  it("periodDate refuses negative, fractional and beyond-horizon indexes", () => {
    expect(() => periodDate(monthly, -1)).toThrow(RangeError);
    expect(() => periodDate(monthly, 1.5)).toThrow(RangeError);
    expect(() => periodDate({ ...monthly, unit: "year", every: 999 }, 9)).toThrow(RangeError);
  });

  it("fromIndex starts the list at that period", () => {
    expect(occurrences(monthly, { fromIndex: 12, count: 2 }).map(({ index, date }) => [index, date])).toEqual([
      [12, "2027-01-31"],
      [13, "2027-02-28"],
    ]);
    expect(occurrences(monthly, { count: 0 })).toEqual([]);
  });

  it("refuses bad options with a RangeError", () => {
    expect(() => occurrences(monthly, { count: -1 })).toThrow(RangeError);
    expect(() => occurrences(monthly, { count: 1.5 })).toThrow(RangeError);
    expect(() => occurrences(monthly, { fromIndex: -1, count: 1 })).toThrow(RangeError);
    expect(() => occurrenceAt(monthly, Number.NaN)).toThrow(RangeError);
  });
});

describe("frequency presets", () => {
  it.each([
    ["weekly", "2026-01-22"],
    ["biweekly", "2026-01-29"],
    ["every4weeks", "2026-02-12"],
    ["monthly", "2026-02-15"],
    ["bimonthly", "2026-03-15"],
    ["quarterly", "2026-04-15"],
    ["every4months", "2026-05-15"],
    ["semiannual", "2026-07-15"],
    ["yearly", "2027-01-15"],
  ] as const)("%s: second period of an anchor on 2026-01-15 is %s", (id, second) => {
    const schedule: Schedule = { ...monthly, ...FREQUENCY_PRESETS[id], anchor: "2026-01-15" };
    expect(dates(schedule, 2)).toEqual(["2026-01-15", second]);
    expect(frequencyPresetOf(schedule)).toBe(id);
  });

  it("a custom frequency matches no preset", () => {
    expect(frequencyPresetOf({ every: 10, unit: "day" })).toBeNull();
    expect(frequencyPresetOf({ every: 5, unit: "month" })).toBeNull();
  });
});

describe("runAt is the local time of day in the shop's time zone", () => {
  it.each([
    // Ordinary days.
    { zone: "Europe/Paris", date: "2026-01-15", time: "09:00", runAt: "2026-01-15T08:00:00Z", note: "winter, UTC+1" },
    { zone: "Europe/Paris", date: "2026-07-15", time: "09:00", runAt: "2026-07-15T07:00:00Z", note: "summer, UTC+2" },
    { zone: "Asia/Kolkata", date: "2026-07-15", time: "09:00", runAt: "2026-07-15T03:30:00Z", note: "half-hour zone" },
    { zone: "Asia/Kathmandu", date: "2026-07-15", time: "09:00", runAt: "2026-07-15T03:15:00Z", note: "quarter-hour zone" },
    { zone: "UTC", date: "2026-07-15", time: "00:00", runAt: "2026-07-15T00:00:00Z", note: "UTC" },
    // Spring forward: the wall time does not exist, it moves forward past the gap.
    { zone: "Europe/Paris", date: "2026-03-29", time: "02:30", runAt: "2026-03-29T01:30:00Z", note: "gap → 03:30 CEST" },
    { zone: "Europe/Paris", date: "2026-03-29", time: "02:00", runAt: "2026-03-29T01:00:00Z", note: "gap start → 03:00 CEST" },
    { zone: "Europe/Paris", date: "2026-03-29", time: "03:00", runAt: "2026-03-29T01:00:00Z", note: "just after the gap" },
    { zone: "America/New_York", date: "2026-03-08", time: "02:30", runAt: "2026-03-08T07:30:00Z", note: "gap → 03:30 EDT" },
    { zone: "Australia/Sydney", date: "2026-10-04", time: "02:30", runAt: "2026-10-03T16:30:00Z", note: "gap → 03:30 AEDT" },
    { zone: "Pacific/Auckland", date: "2026-09-27", time: "02:30", runAt: "2026-09-26T14:30:00Z", note: "gap → 03:30 NZDT" },
    { zone: "Australia/Lord_Howe", date: "2026-10-04", time: "02:15", runAt: "2026-10-03T15:45:00Z", note: "30-minute gap → 02:45" },
    { zone: "America/Santiago", date: "2026-09-06", time: "00:30", runAt: "2026-09-06T04:30:00Z", note: "midnight gap → 01:30" },
    // Fall back: the wall time happens twice, the earlier instant wins.
    { zone: "Europe/Paris", date: "2026-10-25", time: "02:30", runAt: "2026-10-25T00:30:00Z", note: "overlap → CEST" },
    { zone: "America/New_York", date: "2026-11-01", time: "01:30", runAt: "2026-11-01T05:30:00Z", note: "overlap → EDT" },
    { zone: "Australia/Sydney", date: "2026-04-05", time: "02:30", runAt: "2026-04-04T15:30:00Z", note: "overlap → AEDT" },
    { zone: "Pacific/Auckland", date: "2026-04-05", time: "02:30", runAt: "2026-04-04T13:30:00Z", note: "overlap → NZDT" },
    { zone: "Australia/Lord_Howe", date: "2026-04-05", time: "01:45", runAt: "2026-04-04T14:45:00Z", note: "30-minute overlap" },
  ])("$zone $date $time ($note) → $runAt", ({ zone, date, time, runAt }) => {
    const [first] = occurrences({ every: 1, unit: "day", anchor: date, timeOfDay: time, timeZone: zone }, { count: 1 });
    expect(first).toEqual({ index: 0, date, runAt });
  });

  it.each([
    {
      name: "Paris spring forward at 02:30",
      schedule: { every: 1, unit: "day", anchor: "2026-03-27", timeOfDay: "02:30", timeZone: "Europe/Paris" },
      runAts: ["2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"],
    },
    {
      name: "Paris fall back at 02:30",
      schedule: { every: 1, unit: "day", anchor: "2026-10-23", timeOfDay: "02:30", timeZone: "Europe/Paris" },
      runAts: ["2026-10-23T00:30:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z"],
    },
    {
      name: "New York fall back at 01:30",
      schedule: { every: 1, unit: "day", anchor: "2026-10-30", timeOfDay: "01:30", timeZone: "America/New_York" },
      runAts: ["2026-10-30T05:30:00Z", "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
    },
    {
      name: "Sydney fall back (April) at 02:30",
      schedule: { every: 1, unit: "day", anchor: "2026-04-03", timeOfDay: "02:30", timeZone: "Australia/Sydney" },
      runAts: ["2026-04-02T15:30:00Z", "2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"],
    },
    {
      name: "Auckland spring forward (September) at 02:30",
      schedule: { every: 1, unit: "day", anchor: "2026-09-25", timeOfDay: "02:30", timeZone: "Pacific/Auckland" },
      runAts: ["2026-09-24T14:30:00Z", "2026-09-25T14:30:00Z", "2026-09-26T14:30:00Z", "2026-09-27T13:30:00Z"],
    },
  ] satisfies { name: string; schedule: Schedule; runAts: string[] }[])(
    "daily across a DST change: one occurrence per civil date ($name)",
    ({ schedule, runAts }) => {
      const list = occurrences(schedule, { count: runAts.length });
      expect(list.map((occurrence) => occurrence.runAt)).toEqual(runAts);
      const civilDates = list.map((occurrence) => occurrence.date);
      expect(new Set(civilDates).size).toBe(civilDates.length);
      for (let i = 1; i < list.length; i++) {
        expect(Temporal.PlainDate.from(civilDates[i - 1]!).add({ days: 1 }).toString()).toBe(civilDates[i]);
        expect(list[i]!.runAt > list[i - 1]!.runAt).toBe(true);
      }
    },
  );

  it("a monthly 02:30 schedule neither skips nor doubles the DST months", () => {
    const schedule: Schedule = { ...monthly, anchor: "2026-01-29", timeOfDay: "02:30" };
    const list = occurrences(schedule, { count: 12 });
    expect(list.map((occurrence) => occurrence.date)).toContain("2026-03-29");
    expect(list.find((occurrence) => occurrence.date === "2026-03-29")?.runAt).toBe("2026-03-29T01:30:00Z");
    expect(new Set(list.map((occurrence) => occurrence.runAt)).size).toBe(12);
  });
});

describe("end conditions", () => {
  it("afterCount is the total number of occurrences", () => {
    const schedule: Schedule = { ...monthly, end: { afterCount: 3 } };
    expect(dates(schedule, 10)).toEqual(["2026-01-31", "2026-02-28", "2026-03-31"]);
    expect(occurrences(schedule, { fromIndex: 2, count: 5 })).toHaveLength(1);
    expect(occurrences(schedule, { fromIndex: 3, count: 5 })).toEqual([]);
    expect(occurrenceAt(schedule, 2)?.date).toBe("2026-03-31");
    expect(occurrenceAt(schedule, 3)).toBeNull();
  });

  it("until is inclusive, on the exact date", () => {
    expect(dates({ ...monthly, end: { until: "2026-04-30" } }, 10)).toEqual([
      "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30",
    ]);
  });

  it("until between two periods keeps the earlier one", () => {
    expect(dates({ ...monthly, end: { until: "2026-04-29" } }, 10)).toEqual(["2026-01-31", "2026-02-28", "2026-03-31"]);
  });

  it("until compares civil dates, whatever the runAt instant", () => {
    // 00:30 in Auckland is the previous UTC day; the civil date decides.
    const schedule: Schedule = { ...monthly, anchor: "2026-01-15", timeOfDay: "00:30", timeZone: "Pacific/Auckland", end: { until: "2026-02-15" } };
    expect(occurrences(schedule, { count: 5 }).map((occurrence) => occurrence.runAt)).toEqual([
      "2026-01-14T11:30:00Z",
      "2026-02-14T11:30:00Z",
    ]);
  });

  it("until equal to the anchor gives exactly one occurrence", () => {
    expect(dates({ ...monthly, end: { until: monthly.anchor } }, 5)).toEqual([monthly.anchor]);
  });

  it("the earlier of afterCount and until wins", () => {
    expect(dates({ ...monthly, end: { afterCount: 2, until: "2026-12-31" } }, 10)).toHaveLength(2);
    expect(dates({ ...monthly, end: { afterCount: 20, until: "2026-03-31" } }, 10)).toHaveLength(3);
  });

  it("finalOccurrence is the last period of a bounded schedule, null when open-ended", () => {
    expect(finalOccurrence({ ...monthly, end: { afterCount: 13 } })).toEqual({
      index: 12,
      date: "2027-01-31",
      runAt: "2027-01-31T08:00:00Z",
    });
    expect(finalOccurrence({ ...monthly, end: { until: "2026-06-15" } })?.date).toBe("2026-05-31");
    expect(finalOccurrence(monthly)).toBeNull();
  });

  it("an open-ended schedule stops at the horizon, keeping four-digit years", () => {
    const schedule: Schedule = { ...monthly, unit: "year", every: 999, anchor: "2999-12-31" };
    expect(dates(schedule, 100)).toEqual(["2999-12-31", "3998-12-31", "4997-12-31", "5996-12-31", "6995-12-31", "7994-12-31", "8993-12-31", "9992-12-31"]);
    expect(occurrences({ ...monthly, unit: "day" }, { fromIndex: 50_000_000, count: 1 })).toEqual([]);
  });
});

describe("occurrenceAtOrAfter", () => {
  const daily: Schedule = { every: 1, unit: "day", anchor: "2026-03-27", timeOfDay: "02:30", timeZone: "Europe/Paris" };

  it.each([
    { instant: "2020-01-01T00:00:00Z", index: 0, note: "before the anchor → first period" },
    { instant: "2026-03-27T01:30:00Z", index: 0, note: "exactly at a runAt → that period" },
    { instant: "2026-03-27T01:30:01Z", index: 1, note: "one second later → next period" },
    { instant: "2026-03-29T01:30:00Z", index: 2, note: "the DST-gap runAt itself" },
    { instant: "2026-03-29T03:30:00+02:00", index: 2, note: "same instant written with an offset" },
    { instant: "2026-03-29T01:30:00.001Z", index: 3, note: "a millisecond after" },
    { instant: "2026-03-30T00:30:00Z", index: 3, note: "first day after the change" },
  ])("$note", ({ instant, index }) => {
    expect(occurrenceAtOrAfter(daily, instant)).toEqual(occurrenceAt(daily, index));
  });

  it("a civil day skipped by the zone still gets its period, at the next day's instant (Samoa, 2011-12-30)", () => {
    const apia: Schedule = { every: 1, unit: "day", anchor: "2011-12-28", timeOfDay: "09:00", timeZone: "Pacific/Apia" };
    expect(occurrences(apia, { fromIndex: 2, count: 3 })).toEqual([
      { index: 2, date: "2011-12-30", runAt: "2011-12-30T19:00:00Z" },
      { index: 3, date: "2011-12-31", runAt: "2011-12-30T19:00:00Z" },
      { index: 4, date: "2012-01-01", runAt: "2011-12-31T19:00:00Z" },
    ]);
    // The estimate from the local date (Dec 31) is one period too far; the
    // earliest period with that runAt must win.
    expect(occurrenceAtOrAfter(apia, "2011-12-30T19:00:00Z")?.index).toBe(2);
    expect(occurrenceAtOrAfter(apia, "2011-12-30T19:00:01Z")?.index).toBe(4);
  });

  it("accepts a Temporal.Instant", () => {
    expect(occurrenceAtOrAfter(daily, Temporal.Instant.from("2026-03-27T01:30:01Z"))?.index).toBe(1);
  });

  it("is null once the schedule has ended", () => {
    const bounded: Schedule = { ...monthly, end: { afterCount: 2 } };
    expect(occurrenceAtOrAfter(bounded, "2026-02-28T08:00:00Z")?.index).toBe(1);
    expect(occurrenceAtOrAfter(bounded, "2026-02-28T08:00:01Z")).toBeNull();
    expect(occurrenceAtOrAfter({ ...monthly, end: { until: "2026-03-31" } }, "2026-04-01T00:00:00Z")).toBeNull();
  });

  it("handles month-end clamping around the estimate", () => {
    expect(occurrenceAtOrAfter(monthly, "2026-02-28T12:00:00Z")?.date).toBe("2026-03-31");
    expect(occurrenceAtOrAfter(monthly, "2026-03-01T00:00:00Z")?.date).toBe("2026-03-31");
    expect(occurrenceAtOrAfter(monthly, "2028-02-29T07:59:59Z")?.date).toBe("2028-02-29");
  });

  it("finds a period decades away without walking from the anchor", () => {
    const old: Schedule = { every: 1, unit: "day", anchor: "1900-01-01", timeOfDay: "09:00", timeZone: "America/New_York" };
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const found = occurrenceAtOrAfter(old, `${2100 + i}-07-04T14:00:00Z`);
      expect(found?.date).toBe(`${2100 + i}-07-05`);
    }
    // 10:00 in New York, after the 09:00 run: the next day. A linear walk would visit ~73,000 periods per call.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("rejects something that is not an instant", () => {
    expect(() => occurrenceAtOrAfter(daily, "2026-03-27")).toThrow(RangeError);
    expect(() => occurrenceAtOrAfter(daily, "yesterday")).toThrow(/ISO-8601 instant/);
  });
});

describe("validation", () => {
  it.each([
    { patch: { every: 0 }, field: "every", code: "invalid_every", message: "The interval must be a whole number from 1 to 999; got 0." },
    { patch: { every: -1 }, field: "every", code: "invalid_every", message: /got -1/ },
    { patch: { every: 1.5 }, field: "every", code: "invalid_every", message: /got 1.5/ },
    { patch: { every: 1000 }, field: "every", code: "invalid_every", message: /from 1 to 999/ },
    { patch: { every: "2" }, field: "every", code: "invalid_every", message: /got "2"/ },
    { patch: { every: Number.NaN }, field: "every", code: "invalid_every", message: /got NaN/ },
    { patch: { unit: "fortnight" }, field: "unit", code: "unknown_unit", message: 'Unknown repeat unit "fortnight". Use "day", "week", "month" or "year".' },
    { patch: { unit: "Month" }, field: "unit", code: "unknown_unit", message: /"Month"/ },
    {
      patch: { timeZone: "Europe/Pariss" },
      field: "timeZone",
      code: "unknown_time_zone",
      message: 'Unknown time zone "Europe/Pariss". Use an IANA name such as "Europe/Paris".',
    },
    { patch: { timeZone: "" }, field: "timeZone", code: "unknown_time_zone", message: /Unknown time zone ""/ },
    { patch: { timeZone: "+01:00" }, field: "timeZone", code: "unknown_time_zone", message: /IANA name/ },
    { patch: { timeZone: undefined }, field: "timeZone", code: "unknown_time_zone", message: /Unknown time zone nothing/ },
    { patch: { anchor: "2026-02-30" }, field: "anchor", code: "invalid_date", message: 'Start date "2026-02-30" does not exist: February 2026 has 28 days.' },
    { patch: { anchor: "2025-02-29" }, field: "anchor", code: "invalid_date", message: /February 2025 has 28 days/ },
    { patch: { anchor: "2026-04-31" }, field: "anchor", code: "invalid_date", message: /April 2026 has 30 days/ },
    { patch: { anchor: "2026-13-01" }, field: "anchor", code: "invalid_date", message: /no month 13/ },
    { patch: { anchor: "2026-00-10" }, field: "anchor", code: "invalid_date", message: /no month 0/ },
    { patch: { anchor: "2026-01-00" }, field: "anchor", code: "invalid_date", message: /January 2026 has 31 days/ },
    { patch: { anchor: "2026-1-5" }, field: "anchor", code: "invalid_date_format", message: /must be written YYYY-MM-DD/ },
    { patch: { anchor: "31/01/2026" }, field: "anchor", code: "invalid_date_format", message: /"31\/01\/2026"/ },
    { patch: { anchor: "2026-01-31T00:00" }, field: "anchor", code: "invalid_date_format", message: /YYYY-MM-DD/ },
    { patch: { anchor: "1850-06-01" }, field: "anchor", code: "date_out_of_range", message: /between 1900-01-01 and 2999-12-31/ },
    { patch: { timeOfDay: "24:00" }, field: "timeOfDay", code: "invalid_time_of_day", message: 'Time of day "24:00" is not valid. Use 24-hour HH:MM from 00:00 to 23:59, e.g. "09:00".' },
    { patch: { timeOfDay: "9:5" }, field: "timeOfDay", code: "invalid_time_of_day", message: /"9:5"/ },
    { patch: { timeOfDay: "09:60" }, field: "timeOfDay", code: "invalid_time_of_day", message: /"09:60"/ },
    { patch: { timeOfDay: "09:00:00" }, field: "timeOfDay", code: "invalid_time_of_day", message: /HH:MM/ },
    { patch: { timeOfDay: "9am" }, field: "timeOfDay", code: "invalid_time_of_day", message: /"9am"/ },
    { patch: { end: { until: "2025-12-31" } }, field: "end.until", code: "until_before_anchor", message: 'End date "2025-12-31" is before the start date "2026-01-31". Choose an end date on or after the start date.' },
    { patch: { end: { until: "2026-02-30" } }, field: "end.until", code: "invalid_date", message: /End date "2026-02-30" does not exist/ },
    { patch: { end: { until: "soon" } }, field: "end.until", code: "invalid_date_format", message: /End date "soon"/ },
    { patch: { end: { afterCount: 0 } }, field: "end.afterCount", code: "invalid_after_count", message: "The number of invoices must be a whole number of at least 1; got 0." },
    { patch: { end: { afterCount: 2.5 } }, field: "end.afterCount", code: "invalid_after_count", message: /got 2.5/ },
    { patch: { end: "never" }, field: "end", code: "invalid_end", message: /afterCount and\/or until/ },
  ])("$field → $code: $patch", ({ patch, field, code, message }) => {
    const error = thrown(ScheduleError, () => validateSchedule({ ...monthly, ...patch }));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ScheduleError");
    expect(error.field).toBe(field);
    expect(error.code).toBe(code);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    // Every entry point validates.
    expect(() => occurrences({ ...monthly, ...patch } as Schedule, { count: 1 })).toThrow(ScheduleError);
    expect(() => occurrenceAtOrAfter({ ...monthly, ...patch } as Schedule, "2026-01-01T00:00:00Z")).toThrow(ScheduleError);
  });

  it("rejects a non-object", () => {
    expect(thrown(ScheduleError, () => validateSchedule(null)).field).toBe("schedule");
    expect(thrown(ScheduleError, () => validateSchedule("monthly")).code).toBe("invalid_schedule");
  });

  it("scheduleIssues reports every bad field at once", () => {
    const issues = scheduleIssues({ every: 0, unit: "month", anchor: "2026-02-30", timeOfDay: "24:00", timeZone: "Mars/Olympus", end: { afterCount: 0 } });
    expect(issues.map((issue) => issue.field)).toEqual(["every", "anchor", "timeOfDay", "timeZone", "end.afterCount"]);
    expect(scheduleIssues(monthly)).toEqual([]);
  });

  it("normalises: canonical time zone spelling, null or empty end dropped", () => {
    expect(validateSchedule({ ...monthly, timeZone: "europe/paris", end: null })).toEqual(monthly);
    expect(validateSchedule({ ...monthly, end: {} })).toEqual(monthly);
    expect(validateSchedule({ ...monthly, end: { afterCount: null, until: "2026-12-31" } })).toEqual({ ...monthly, end: { until: "2026-12-31" } });
    expect(validateSchedule({ ...monthly, extra: "ignored" })).toEqual(monthly);
  });

  it("accepts the edges of the ranges", () => {
    expect(() => validateSchedule({ ...monthly, every: 999, timeOfDay: "23:59" })).not.toThrow();
    expect(() => validateSchedule({ ...monthly, anchor: "1900-01-01", timeOfDay: "00:00", timeZone: "UTC" })).not.toThrow();
    expect(() => validateSchedule({ ...monthly, anchor: "2999-12-31", end: { until: "9999-12-31", afterCount: 1 } })).not.toThrow();
  });

  it("scheduleSchema maps issues to field paths and codes", () => {
    const result = scheduleSchema.safeParse({ ...monthly, timeZone: "Europe/Pariss", end: { until: "2025-01-01" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["timeZone", 'Unknown time zone "Europe/Pariss". Use an IANA name such as "Europe/Paris".'],
      ["end.until", 'End date "2025-01-01" is before the start date "2026-01-31". Choose an end date on or after the start date.'],
    ]);
    expect(result.error?.issues[0]).toMatchObject({ params: { code: "unknown_time_zone" } });
  });

  it("scheduleSchema outputs a normalised Schedule", () => {
    expect(scheduleSchema.parse({ ...monthly, timeZone: "europe/paris", end: null })).toEqual(monthly);
    expect(scheduleSchema.safeParse({ ...monthly, every: "2" }).success).toBe(false);
  });
});

describe("clock", () => {
  it("ManualClock starts, jumps and advances", () => {
    const clock = new ManualClock("2026-03-29T00:00:00Z");
    expect(clock.now().toString()).toBe("2026-03-29T00:00:00Z");
    expect(clock.advance(90_000).toString()).toBe("2026-03-29T00:01:30Z");
    expect(clock.advance({ hours: 1, minutes: 30 }).toString()).toBe("2026-03-29T01:31:30Z");
    expect(clock.advance("P1D").toString()).toBe("2026-03-30T01:31:30Z");
    expect(clock.advance(Temporal.Duration.from({ seconds: 30 })).toString()).toBe("2026-03-30T01:32:00Z");
    expect(clock.set("2026-01-01T00:00:00+01:00").toString()).toBe("2025-12-31T23:00:00Z");
    expect(clock.now().toString()).toBe("2025-12-31T23:00:00Z");
  });

  it("ManualClock refuses to run backwards or by calendar units", () => {
    const clock = new ManualClock();
    expect(clock.now().toString()).toBe("2026-01-01T00:00:00Z");
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance({ months: 1 })).toThrow(/no fixed length/);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("drives occurrenceAtOrAfter", () => {
    const clock = new ManualClock("2026-03-28T12:00:00Z");
    const schedule: Schedule = { every: 1, unit: "day", anchor: "2026-03-27", timeOfDay: "02:30", timeZone: "Europe/Paris" };
    expect(occurrenceAtOrAfter(schedule, clock.now())?.date).toBe("2026-03-29");
    clock.advance({ hours: 24 });
    expect(occurrenceAtOrAfter(schedule, clock.now())?.date).toBe("2026-03-30");
  });

  it("systemClock reads the machine's time", () => {
    const drift = Math.abs(systemClock.now().epochMilliseconds - Date.now());
    expect(drift).toBeLessThan(1_000);
  });
});
