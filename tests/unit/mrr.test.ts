// Monthly recurring revenue: exact per-currency normalisation to one month.
import { describe, expect, it } from "vitest";
import { monthlyRecurringRevenue } from "~/domain/mrr";

describe("monthlyRecurringRevenue", () => {
  it("brings each frequency to one month with the documented factors", () => {
    expect(monthlyRecurringRevenue([{ currency: "EUR", total: 10000, every: 1, unit: "month" }])).toEqual([{ currency: "EUR", monthly: 10000 }]);
    expect(monthlyRecurringRevenue([{ currency: "EUR", total: 120000, every: 1, unit: "year" }])).toEqual([{ currency: "EUR", monthly: 10000 }]);
    // 100.00 × 52 / 12 / 2 = 216.666… → 216.67
    expect(monthlyRecurringRevenue([{ currency: "EUR", total: 10000, every: 2, unit: "week" }])).toEqual([{ currency: "EUR", monthly: 21667 }]);
    // 1.00 × 365 / 12 = 30.4166… → 30.42
    expect(monthlyRecurringRevenue([{ currency: "EUR", total: 100, every: 1, unit: "day" }])).toEqual([{ currency: "EUR", monthly: 3042 }]);
    // quarterly 300.00 → 100.00
    expect(monthlyRecurringRevenue([{ currency: "EUR", total: 30000, every: 3, unit: "month" }])).toEqual([{ currency: "EUR", monthly: 10000 }]);
  });

  it("sums exact fractions and rounds once per currency, never adding currencies together", () => {
    // Three templates of 0.01 every 3 months: 0.0033… each; rounded each it would be 0.00, summed exactly it is 0.01.
    const small = { currency: "EUR", total: 1, every: 3, unit: "month" as const };
    expect(monthlyRecurringRevenue([small, small, small])).toEqual([{ currency: "EUR", monthly: 1 }]);
    expect(
      monthlyRecurringRevenue([
        { currency: "USD", total: 5400, every: 1, unit: "month" },
        { currency: "JPY", total: 19800, every: 1, unit: "year" },
        { currency: "EUR", total: 7580, every: 1, unit: "month" },
        { currency: "USD", total: 1300, every: 1, unit: "week" },
      ]),
    ).toEqual([
      { currency: "EUR", monthly: 7580 },
      { currency: "JPY", monthly: 1650 },
      // 54.00 + 13.00 × 52 / 12 = 54.00 + 56.333… = 110.33
      { currency: "USD", monthly: 11033 },
    ]);
  });

  it("is empty without templates and refuses a nonsensical interval", () => {
    expect(monthlyRecurringRevenue([])).toEqual([]);
    expect(() => monthlyRecurringRevenue([{ currency: "EUR", total: 1, every: 0, unit: "month" }])).toThrow(RangeError);
  });
});
