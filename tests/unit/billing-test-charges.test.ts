// Whether a Shopify test charge makes a shop Pro: never in production unless
// the operator says so, always elsewhere unless told otherwise (README "Pricing").
import { describe, expect, it } from "vitest";
import { countsTestCharges } from "~/config.server";
import { planOfSubscriptions } from "~/domain/plan";

const testCharge = { id: "gid://shopify/AppSubscription/1", name: "Pro", status: "ACTIVE", test: true };

describe("BILLING_TEST_CHARGES", () => {
  it("ignores test charges in production by default, counts them in development and tests", () => {
    expect(countsTestCharges({ NODE_ENV: "production", BILLING_TEST_CHARGES: undefined })).toBe(false);
    expect(countsTestCharges({ NODE_ENV: "development", BILLING_TEST_CHARGES: undefined })).toBe(true);
    expect(countsTestCharges({ NODE_ENV: "test", BILLING_TEST_CHARGES: undefined })).toBe(true);
  });

  it("follows the variable when it is set", () => {
    expect(countsTestCharges({ NODE_ENV: "production", BILLING_TEST_CHARGES: "count" })).toBe(true);
    expect(countsTestCharges({ NODE_ENV: "development", BILLING_TEST_CHARGES: "ignore" })).toBe(false);
  });

  it("makes a shop whose only subscription is a test charge Pro only when test charges count", () => {
    expect(planOfSubscriptions([testCharge], { countTestCharges: false })).toEqual({ plan: "free", subscriptionId: null });
    expect(planOfSubscriptions([testCharge], { countTestCharges: true })).toEqual({ plan: "pro", subscriptionId: testCharge.id });
    expect(planOfSubscriptions([{ ...testCharge, status: "FROZEN", test: false }], { countTestCharges: true }).plan).toBe("free");
  });
});
