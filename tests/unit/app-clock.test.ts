import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "~/domain/clock";
import { appClock, setAppClock } from "~/clock.server";

afterEach(() => setAppClock(undefined));

describe("the app's default clock", () => {
  it("is the machine's, until the demo moves the whole process to its own, and the machine's again after", () => {
    const before = Date.now();
    expect(appClock.now().epochMilliseconds).toBeGreaterThanOrEqual(before);

    setAppClock(new ManualClock("2031-06-01T09:00:00Z"));
    expect(appClock.now().toString()).toBe("2031-06-01T09:00:00Z");

    setAppClock(undefined);
    expect(Math.abs(appClock.now().epochMilliseconds - Date.now())).toBeLessThan(1_000);
  });
});
