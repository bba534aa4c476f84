// The worker's pure decisions: which due periods a catch-up policy issues,
// and how long a transient failure waits.
import { describe, expect, it } from "vitest";
import type { Schedule } from "~/domain/schedule";
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from "~/domain/retry-policy";
import { decidePeriods } from "~/services/invoicing/plan-periods.server";

const daily: Schedule = { every: 1, unit: "day", anchor: "2026-01-01", timeOfDay: "09:00", timeZone: "UTC" };
const context = { activeSince: new Date("2025-12-01T00:00:00Z"), lateToleranceMs: 3_600_000, maxPeriods: 50 };

function decisions(policy: "all" | "latest" | "none", now: string, overrides: Partial<typeof context> = {}, from = 0) {
  return decidePeriods(daily, from, policy, { ...context, ...overrides, now: new Date(now) }).map((decision) => [
    decision.occurrence.date,
    decision.skipReason,
  ]);
}

describe("decidePeriods", () => {
  it("decides nothing before the next period is due, and includes a period due exactly now", () => {
    expect(decisions("all", "2026-01-01T08:59:59Z")).toEqual([]);
    expect(decisions("all", "2026-01-01T09:00:00Z")).toEqual([["2026-01-01", null]]);
  });

  it("all: every due period; latest: only the most recent; none: only those within the tolerance", () => {
    const now = "2026-01-03T09:30:00Z"; // Jan 1, 2, 3 due; Jan 3 is 30 minutes late
    expect(decisions("all", now)).toEqual([
      ["2026-01-01", null],
      ["2026-01-02", null],
      ["2026-01-03", null],
    ]);
    expect(decisions("latest", now)).toEqual([
      ["2026-01-01", "catch_up_latest"],
      ["2026-01-02", "catch_up_latest"],
      ["2026-01-03", null],
    ]);
    expect(decisions("none", now)).toEqual([
      ["2026-01-01", "catch_up_none"],
      ["2026-01-02", "catch_up_none"],
      ["2026-01-03", null],
    ]);
  });

  it("none: a period due before the template became active is late only from that moment", () => {
    const now = "2026-01-01T12:00:00Z"; // 3 h after the 09:00 period
    expect(decisions("none", now)).toEqual([["2026-01-01", "catch_up_none"]]);
    expect(decisions("none", now, { activeSince: new Date("2026-01-01T11:30:00Z") })).toEqual([["2026-01-01", null]]);
  });

  it("decides at most maxPeriods at a time, continuing from where the last batch stopped", () => {
    const now = "2026-01-10T10:00:00Z"; // 10 periods due
    const first = decisions("latest", now, { maxPeriods: 4 });
    expect(first).toHaveLength(4);
    expect(first.every(([, reason]) => reason === "catch_up_latest")).toBe(true);
    expect(decisions("latest", now, { maxPeriods: 4 }, 8)).toEqual([
      ["2026-01-09", "catch_up_latest"],
      ["2026-01-10", null],
    ]);
  });

  it("stops at the end of the schedule", () => {
    const ending: Schedule = { ...daily, end: { afterCount: 2 } };
    const due = decidePeriods(ending, 0, "all", { ...context, now: new Date("2026-02-01T00:00:00Z") });
    expect(due.map((decision) => decision.occurrence.date)).toEqual(["2026-01-01", "2026-01-02"]);
  });
});

describe("backoffDelayMs (full jitter)", () => {
  it("draws uniformly below a ceiling that doubles from the base up to the cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };
    const halfway = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffDelayMs(attempt, policy, () => 0.5));
    expect(halfway).toEqual([15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.999_999)).toBe(119_999);
  });
});
