// What the Shopify rail makes of a failure (toBillingError in
// app/gateways/shopify/billing-adapter.server.ts): Shopify out of reach is
// retried later; a bug in our own code stays a bug (the lane crashes and the
// run waits for its lease, counted as an interrupted attempt), never shown to
// the merchant as "Shopify could not be reached" and retried for hours.
import { describe, expect, it } from "vitest";
import { BillingError } from "~/domain/billing";
import { toBillingError } from "~/gateways/shopify/billing-adapter.server";

describe("the Shopify rail's failures", () => {
  it("a network failure (undici's TypeError 'fetch failed', the socket's code in its cause) is Shopify unreachable, retried", () => {
    const reset = toBillingError(new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }));
    expect(reset).toBeInstanceOf(BillingError);
    expect(reset).toMatchObject({ kind: "transient", code: "shopify_unreachable" });
    expect(toBillingError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }))).toMatchObject({ code: "shopify_unreachable" });
  });

  it("any other TypeError is a bug and goes on as itself", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(toBillingError(bug)).toBe(bug);
  });
});
