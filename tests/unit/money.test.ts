import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  MoneyError,
  STRIPE_THREE_DECIMAL,
  STRIPE_ZERO_DECIMAL,
  allocate,
  currencyExponent,
  formatMinor,
  formatMoney,
  fromStripeAmount,
  multiply,
  parseDecimal,
  percentOf,
  roundToStripeStep,
  stripeChargeStep,
  stripeExponent,
  sum,
  toStripeAmount,
} from "~/domain/money";
import { thrown } from "../helpers/expect-error";

const NBSP = "\u00a0"; // before "€" in fr-FR, after an ISO code in en-US
const NNBSP = "\u202f"; // fr-FR thousands separator

describe("currencyExponent (ISO 4217 minor units)", () => {
  it.each([
    ["EUR", 2], ["USD", 2], ["GBP", 2], ["CHF", 2],
    // ISO says 2 where CLDR display data says 0: ISO wins.
    ["HUF", 2], ["COP", 2], ["IDR", 2], ["TWD", 2], ["MGA", 2],
    ["JPY", 0], ["KRW", 0], ["VND", 0], ["CLP", 0], ["ISK", 0], ["UGX", 0], ["XAF", 0], ["XOF", 0], ["XPF", 0], ["PYG", 0],
    ["BHD", 3], ["JOD", 3], ["KWD", 3], ["OMR", 3], ["TND", 3], ["IQD", 3], ["LYD", 3],
    ["CLF", 4],
  ] as const)("%s → %i", (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it.each([
    ["eur", 'Unknown currency code "eur". Use a three-letter ISO 4217 code in capitals, such as "EUR".'],
    ["EURO", /"EURO"/],
    ["", /""/],
    ["E1R", /"E1R"/],
    ["ABC", 'Unknown currency code "ABC". Use an ISO 4217 code such as "EUR", "USD" or "JPY".'],
    ["QQQ", /"QQQ"/],
  ] as const)("rejects %j", (code, message) => {
    const error = thrown(MoneyError, () => currencyExponent(code));
    expect(error.code).toBe("unknown_currency");
    expect(error.name).toBe("MoneyError");
    expect(error).toBeInstanceOf(Error);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it("rejects units of account that have no minor unit", () => {
    const error = thrown(MoneyError, () => currencyExponent("XDR"));
    expect(error.code).toBe("currency_without_minor_unit");
    expect(error.message).toMatch(/"XDR"/);
  });
});

describe("Stripe amounts", () => {
  it("lists Stripe's zero- and three-decimal currencies", () => {
    expect([...STRIPE_ZERO_DECIMAL].sort()).toEqual(
      ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"],
    );
    expect([...STRIPE_THREE_DECIMAL].sort()).toEqual(["BHD", "JOD", "KWD", "OMR", "TND"]);
  });

  it.each([
    ["EUR", 2, 1], ["USD", 2, 1], ["JPY", 0, 1], ["UGX", 0, 1], ["MGA", 0, 100], ["KWD", 3, 10], ["BHD", 3, 10],
    ["ISK", 2, 1], ["HUF", 2, 1], ["TWD", 2, 1], ["IQD", 2, 10], ["LYD", 2, 10],
  ] as const)("%s: Stripe exponent %i, chargeable in steps of %i ISO minor units", (code, exponent, step) => {
    expect(stripeExponent(code)).toBe(exponent);
    expect(stripeChargeStep(code)).toBe(step);
  });

  it.each([
    { minor: 1999, currency: "EUR", stripe: 1999, note: "two-decimal: same number" },
    { minor: -310, currency: "EUR", stripe: -310, note: "negative (credit line)" },
    { minor: 500, currency: "JPY", stripe: 500, note: "zero-decimal: same number" },
    { minor: 5000, currency: "UGX", stripe: 5000, note: "UGX: zero-decimal in ISO and in Stripe" },
    { minor: 5, currency: "ISK", stripe: 500, note: "ISK: Stripe keeps two API decimals" },
    { minor: 1200, currency: "MGA", stripe: 12, note: "MGA: ISO 2 decimals, Stripe 0" },
    { minor: 5120, currency: "KWD", stripe: 5120, note: "three-decimal ending in 0" },
    { minor: 12345, currency: "HUF", stripe: 12345, note: "HUF charges keep two decimals" },
    { minor: 1230, currency: "IQD", stripe: 123, note: "IQD: ISO 3 decimals, Stripe 2" },
    { minor: 0, currency: "KWD", stripe: 0, note: "zero" },
  ])("toStripeAmount($minor, $currency) = $stripe ($note)", ({ minor, currency, stripe }) => {
    expect(toStripeAmount(minor, currency)).toBe(stripe);
    expect(fromStripeAmount(stripe, currency)).toBe(minor);
  });

  it.each([
    [5125, "KWD", 'KWD 5.125 cannot be charged through Stripe, which only accepts KWD amounts in steps of 0.010. Round the amount first.'],
    [-5125, "KWD", /KWD -5\.125/],
    [1250, "MGA", /steps of 1\.00/],
    [1235, "IQD", /steps of 0\.010/],
  ] as const)("toStripeAmount(%i, %s) refuses what Stripe cannot charge", (minor, currency, message) => {
    const error = thrown(MoneyError, () => toStripeAmount(minor, currency));
    expect(error.code).toBe("not_representable_in_stripe");
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it("fromStripeAmount refuses fractions the ISO unit cannot hold", () => {
    expect(thrown(MoneyError, () => fromStripeAmount(550, "ISK")).code).toBe("not_representable_in_stripe");
    expect(thrown(MoneyError, () => fromStripeAmount(1.5, "EUR")).code).toBe("invalid_amount");
  });

  it.each([
    [5124, "KWD", "half-up", 5120],
    [5125, "KWD", "half-up", 5130],
    [5125, "KWD", "half-even", 5120],
    [5135, "KWD", "half-even", 5140],
    [-5125, "KWD", "half-up", -5130],
    [1250, "MGA", "half-up", 1300],
    [1249, "MGA", "half-up", 1200],
    [1999, "EUR", "half-up", 1999],
  ] as const)("roundToStripeStep(%i, %s, %s) = %i", (minor, currency, rounding, expected) => {
    expect(roundToStripeStep(minor, currency, rounding)).toBe(expected);
    expect(() => toStripeAmount(expected, currency)).not.toThrow();
  });

  it("rejects an unknown currency", () => {
    expect(thrown(MoneyError, () => toStripeAmount(100, "eur")).code).toBe("unknown_currency");
    expect(thrown(MoneyError, () => stripeExponent("XYZ")).code).toBe("unknown_currency");
  });
});

describe("parseDecimal", () => {
  it.each([
    ["19.99", "EUR", 1999],
    ["1000", "EUR", 100000],
    ["0.5", "EUR", 50],
    ["0.05", "EUR", 5],
    ["-3.10", "EUR", -310],
    ["-0.01", "EUR", -1],
    ["19.990", "EUR", 1999],
    ["19.0000", "EUR", 1900],
    ["007.50", "EUR", 750],
    ["0", "EUR", 0],
    ["12.345", "KWD", 12345],
    ["12.3", "KWD", 12300],
    ["0.001", "KWD", 1],
    ["1000", "JPY", 1000],
    ["1000.00", "JPY", 1000],
    ["-500", "JPY", -500],
    ["0.1", "EUR", 10],
    ["1.15", "EUR", 115], // parseFloat("1.15") * 100 is 114.99999999999999
  ] as const)("%s %s → %i", (input, currency, expected) => {
    expect(parseDecimal(input, currency)).toBe(expected);
  });

  it("never returns negative zero", () => {
    expect(Object.is(parseDecimal("-0.00", "EUR"), 0)).toBe(true);
    expect(Object.is(parseDecimal("-0", "JPY"), 0)).toBe(true);
  });

  it("is exact up to Number.MAX_SAFE_INTEGER minor units", () => {
    expect(parseDecimal("90071992547409.91", "EUR")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDecimal("-90071992547409.91", "EUR")).toBe(-Number.MAX_SAFE_INTEGER);
    expect(thrown(MoneyError, () => parseDecimal("90071992547409.92", "EUR")).code).toBe("unsafe_amount");
  });

  it.each([
    ["19.999", "EUR", "too_many_fraction_digits", '"19.999" has more decimals than EUR allows (2).'],
    ["1.005", "USD", "too_many_fraction_digits", /"1.005"/],
    ["0.5", "JPY", "too_many_fraction_digits", /JPY allows \(0\)/],
    ["12.3456", "KWD", "too_many_fraction_digits", /KWD allows \(3\)/],
    ["1e3", "EUR", "invalid_decimal", /^"1e3" is not a decimal amount/],
    ["", "EUR", "invalid_decimal", /^"" is not a decimal amount/],
    ["abc", "EUR", "invalid_decimal", /"abc"/],
    ["1,5", "EUR", "invalid_decimal", /"1,5"/],
    ["1 000.00", "EUR", "invalid_decimal", /"1 000.00"/],
    [" 1.00", "EUR", "invalid_decimal", /" 1.00"/],
    ["1.", "EUR", "invalid_decimal", /"1."/],
    [".5", "EUR", "invalid_decimal", /".5"/],
    ["+1", "EUR", "invalid_decimal", /"\+1"/],
    ["--1", "EUR", "invalid_decimal", /"--1"/],
    ["1.2.3", "EUR", "invalid_decimal", /"1.2.3"/],
    ["Infinity", "EUR", "invalid_decimal", /"Infinity"/],
    ["NaN", "EUR", "invalid_decimal", /"NaN"/],
    ["0x10", "EUR", "invalid_decimal", /"0x10"/],
    ["€19.99", "EUR", "invalid_decimal", /"€19.99"/],
  ] as const)("rejects %j in %s (%s)", (input, currency, code, message) => {
    const error = thrown(MoneyError, () => parseDecimal(input, currency));
    expect(error.code).toBe(code);
    expect(error.input).toBe(input);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it("rejects a non-string at runtime and an unknown currency", () => {
    expect(thrown(MoneyError, () => parseDecimal(19.99 as unknown as string, "EUR")).code).toBe("invalid_decimal");
    expect(thrown(MoneyError, () => parseDecimal("19.99", "EURO")).code).toBe("unknown_currency");
  });
});

describe("formatMinor", () => {
  it.each([
    [1999, "EUR", "19.99"],
    [-310, "EUR", "-3.10"],
    [5, "EUR", "0.05"],
    [-5, "EUR", "-0.05"],
    [0, "EUR", "0.00"],
    [100000, "EUR", "1000.00"],
    [1000, "JPY", "1000"],
    [-1000, "JPY", "-1000"],
    [0, "JPY", "0"],
    [12345, "KWD", "12.345"],
    [1, "KWD", "0.001"],
    [Number.MAX_SAFE_INTEGER, "EUR", "90071992547409.91"],
  ] as const)("%i %s → %s", (minor, currency, expected) => {
    expect(formatMinor(minor, currency)).toBe(expected);
  });

  it("rejects non-integer and unsafe amounts", () => {
    expect(thrown(MoneyError, () => formatMinor(19.99, "EUR")).code).toBe("invalid_amount");
    expect(thrown(MoneyError, () => formatMinor(Number.MAX_SAFE_INTEGER + 1, "EUR")).code).toBe("invalid_amount");
    expect(thrown(MoneyError, () => formatMinor(Number.NaN, "EUR")).code).toBe("invalid_amount");
  });

  it("round-trips with parseDecimal for any safe amount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom("EUR", "JPY", "KWD", "CLF"),
        (minor, currency) => {
          expect(parseDecimal(formatMinor(minor, currency), currency)).toBe(minor);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("formatMoney", () => {
  it.each([
    [1999, "EUR", "en-US", "€19.99"],
    [1999, "EUR", "fr-FR", `19,99${NBSP}€`],
    [123456789, "EUR", "fr-FR", `1${NNBSP}234${NNBSP}567,89${NBSP}€`],
    [-310, "EUR", "fr-FR", `-3,10${NBSP}€`],
    [-310, "USD", "en-US", "-$3.10"],
    [100000, "JPY", "en-US", "¥100,000"],
    [100000, "JPY", "fr-FR", `100${NNBSP}000${NBSP}JPY`],
    [12345, "KWD", "en-US", `KWD${NBSP}12.345`],
    [5, "EUR", "en-US", "€0.05"],
    // ISO exponent even where CLDR would display none.
    [1000, "HUF", "en-US", `HUF${NBSP}10.00`],
    // Beyond float precision: still exact.
    [Number.MAX_SAFE_INTEGER, "USD", "en-US", "$90,071,992,547,409.91"],
  ] as const)("%i %s in %s → %s", (minor, currency, locale, expected) => {
    expect(formatMoney(minor, currency, locale)).toBe(expected);
  });

  it("rejects a malformed locale and an unknown currency", () => {
    expect(thrown(MoneyError, () => formatMoney(1999, "EUR", "not a locale!")).code).toBe("invalid_locale");
    expect(thrown(MoneyError, () => formatMoney(1999, "eur", "fr-FR")).code).toBe("unknown_currency");
  });
});

describe("arithmetic", () => {
  it.each([
    [[], 0],
    [[1999], 1999],
    [[1999, 1, -500], 1500],
    [[-1, -2], -3],
    [[Number.MAX_SAFE_INTEGER, -1, 1], Number.MAX_SAFE_INTEGER],
  ] as const)("sum(%j) = %i", (amounts, expected) => {
    expect(sum(amounts)).toBe(expected);
  });

  it("sum refuses overflow and non-integers", () => {
    expect(thrown(MoneyError, () => sum([Number.MAX_SAFE_INTEGER, 1])).code).toBe("unsafe_amount");
    expect(thrown(MoneyError, () => sum([0.1, 0.2])).code).toBe("invalid_amount");
  });

  it.each([
    [1999, 3, 5997],
    [1999, 0, 0],
    [-310, 2, -620],
    [310, -2, -620],
    [1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const)("multiply(%i, %i) = %i", (unit, quantity, expected) => {
    expect(multiply(unit, quantity)).toBe(expected);
  });

  it("multiply refuses fractional quantities and overflow", () => {
    expect(thrown(MoneyError, () => multiply(1999, 1.5)).code).toBe("invalid_quantity");
    expect(thrown(MoneyError, () => multiply(2, Number.MAX_SAFE_INTEGER)).code).toBe("unsafe_amount");
    expect(thrown(MoneyError, () => multiply(19.99, 2)).code).toBe("invalid_amount");
  });

  it.each([
    [1999, "20", "half-up", 400], // 399.8
    [1000, "8.875", "half-up", 89], // 88.75
    [250, "10", "half-up", 25],
    [25, "10", "half-up", 3], // 2.5 → away from zero
    [25, "10", "half-even", 2], // 2.5 → even
    [35, "10", "half-even", 4], // 3.5 → even
    [-25, "10", "half-up", -3],
    [-25, "10", "half-even", -2],
    [-1999, "20", "half-up", -400],
    [12345, "5.5", "half-up", 679], // 678.975
    [1, "0.001", "half-up", 0],
    [100000, "0", "half-up", 0],
    [1000, "100", "half-up", 1000],
    [1000, "150", "half-up", 1500],
    [1, "50", "half-up", 1], // 0.5
    [1, "50", "half-even", 0],
    [1, "49.999999999999999999", "half-up", 0], // a float would say 50
  ] as const)("percentOf(%i, %j, %s) = %i", (minor, rate, rounding, expected) => {
    expect(percentOf(minor, rate, rounding)).toBe(expected);
  });

  it("percentOf rounds half-up by default and never returns negative zero", () => {
    expect(percentOf(25, "10")).toBe(3);
    expect(Object.is(percentOf(-1, "10"), 0)).toBe(true);
  });

  it.each(["-5", "8,875", "20%", "", "1e2", " 20", ".5", "5."])("percentOf rejects the rate %j", (rate) => {
    const error = thrown(MoneyError, () => percentOf(1000, rate));
    expect(error.code).toBe("invalid_rate");
    expect(error.message).toContain(JSON.stringify(rate));
  });

  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [1000, [1999, 1], [1000, 0]],
    [7, [2, 3, 5], [1, 2, 4]],
    [5, [0, 1], [0, 5]],
    [0, [1, 2], [0, 0]],
    [1, [1, 1], [1, 0]],
    [10, [3], [10]],
  ] as const)("allocate(%i, %j) = %j", (total, ratios, expected) => {
    const parts = allocate(total, ratios);
    expect(parts).toEqual(expected);
    expect(parts.every((part) => !Object.is(part, -0))).toBe(true);
  });

  it.each([[[]], [[0, 0]], [[-1, 2]], [[1.5, 1]]])("allocate rejects ratios %j", (ratios) => {
    expect(thrown(MoneyError, () => allocate(100, ratios)).code).toBe("invalid_ratios");
  });

  it("allocate always adds up to the total and stays within one unit of the exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 12 }).filter((ratios) => ratios.some((ratio) => ratio > 0)),
        (total, ratios) => {
          const parts = allocate(total, ratios);
          expect(sum(parts)).toBe(total);
          const ratioSum = ratios.reduce((a, b) => a + b, 0);
          parts.forEach((part, index) => {
            const exact = (total * ratios[index]!) / ratioSum;
            expect(Math.abs(part - exact)).toBeLessThan(1.0001);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
