import { describe, expect, it } from "vitest";
import type { StripeApiError } from "./errors.js";
import { multiplyDecimals, parseDecimal, roundHalfUp, formatMinor } from "./money.js";
import { canonical, decodeForm, validateParams } from "./params.js";

describe("form decoding (Stripe bracket params)", () => {
  it("decodes nested hashes, indexed arrays and [] appends", () => {
    const raw = decodeForm(
      [
        "lines[0][price_data][unit_amount]=1200",
        "lines[0][price_data][product]=prod_1",
        "lines[1][description]=Second%20line",
        "metadata[run_id]=run_42",
        "expand[]=customer",
        "expand[]=discounts",
        "custom_fields[0][name]=PO",
        "custom_fields[0][value]=A%2BB",
        "default_tax_rates[0]=txr_1",
        "description=caf%C3%A9+cr%C3%A8me",
      ].join("&"),
    );
    expect(raw).toEqual({
      lines: { "0": { price_data: { unit_amount: "1200", product: "prod_1" } }, "1": { description: "Second line" } },
      metadata: { run_id: "run_42" },
      expand: ["customer", "discounts"],
      custom_fields: { "0": { name: "PO", value: "A+B" } },
      default_tax_rates: { "0": "txr_1" },
      description: "café crème",
    });
  });

  it("validates against a schema: arrays from indexed keys, ints, bools, decimals, metadata", () => {
    const raw = decodeForm("quantity=3&discountable=false&unit_amount_decimal=10.50&tax_rates[0]=txr_a&tax_rates[1]=txr_b&metadata[k]=v&expand[0]=invoice");
    const p = validateParams(
      {
        quantity: { t: "int" },
        discountable: { t: "bool" },
        unit_amount_decimal: { t: "decimal" },
        tax_rates: { t: "array", of: { t: "string" } },
        metadata: { t: "metadata" },
      },
      raw,
    );
    expect(p).toEqual({ quantity: 3, discountable: false, unit_amount_decimal: "10.50", tax_rates: ["txr_a", "txr_b"], metadata: { k: "v" }, expand: ["invoice"] });
  });

  it("rejects unknown, missing and malformed parameters the way Stripe words them", () => {
    const fields = { customer: { t: "string", req: true }, days_until_due: { t: "int" }, period: { t: "object", fields: { start: { t: "int" } } } } as const;
    const err = (q: string) => {
      try {
        validateParams(fields, decodeForm(q));
      } catch (e) {
        return e as StripeApiError;
      }
      throw new Error("expected failure");
    };
    expect(err("customer=c&colour=red").body).toMatchObject({ code: "parameter_unknown", param: "colour", message: "Received unknown parameter: colour" });
    expect(err("customer=c&period[end]=1").body).toMatchObject({ code: "parameter_unknown", param: "period[end]" });
    expect(err("days_until_due=3").body).toMatchObject({ code: "parameter_missing", param: "customer", message: "Missing required param: customer." });
    expect(err("customer=c&days_until_due=soon").body).toMatchObject({ code: "parameter_invalid_integer", param: "days_until_due" });
    expect(err("customer=c&days_until_due=soon").beforeExecution).toBe(true);
  });

  it("treats an empty value as 'unset' for emptyable params and canonicalizes for idempotency", () => {
    const p = validateParams({ metadata: { t: "metadata" }, discounts: { t: "array", emptyable: true, of: { t: "string" } } }, decodeForm("metadata=&discounts="));
    expect(p).toEqual({ metadata: null, discounts: null });
    expect(canonical(decodeForm("a=1&b[x]=2"))).toBe(canonical(decodeForm("b[x]=2&a=1")));
    expect(canonical(decodeForm("a=1"))).not.toBe(canonical(decodeForm("a=2")));
  });
});

describe("exact money arithmetic", () => {
  it("rounds half away from zero on exact rationals", () => {
    expect(roundHalfUp(8875n * 10000n, 100n * 1000n)).toBe(888n); // 8.875% of 100.00 = 8.875 → 8.88
    expect(roundHalfUp(25n, 10n)).toBe(3n);
    expect(roundHalfUp(-25n, 10n)).toBe(-3n);
    expect(parseDecimal("8.875")).toEqual({ num: 8875n, den: 1000n });
    expect(multiplyDecimals("10.5", "3")).toBe("31.5");
    expect(formatMinor(123456, "eur")).toBe("1,234.56 EUR");
    expect(formatMinor(12000, "jpy")).toBe("12,000 JPY");
    expect(formatMinor(1005, "kwd")).toBe("1.005 KWD");
  });
});
