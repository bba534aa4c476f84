// Losing access, and getting it back: a rolled platform key (401
// api_key_expired) and a connected account that no longer grants the
// platform access (403 account_invalid), both switched by the control API.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY } from "./server.js";
import { MERCHANT, OTHER_MERCHANT, as, rejection, sdk, type Harness, withHarness } from "./test-helpers.js";

const SECOND_KEY = "sk_test_ritournelle_second_key";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
}, {
  standIn: { secretKeys: [DEFAULT_SECRET_KEY, SECOND_KEY] },
});

describe("a revoked platform key", () => {
  it("answers 401 api_key_expired (StripeAuthenticationError) on every account until restored", async () => {
    h.standIn.control.revokeSecretKey();
    for (const account of [MERCHANT, OTHER_MERCHANT]) {
      const err = await rejection(stripe.customers.create({ email: "a@example.com" }, as(account, `k-${account}`)));
      expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(err.statusCode).toBe(401);
      expect(err.code).toBe("api_key_expired");
      expect(err.rawType).toBe("invalid_request_error");
      expect(err.message).toMatch(/^Expired API Key provided: sk_test_\*+ndin$/);
    }
    expect((await sdk(h.standIn, SECOND_KEY).customers.list({}, as(MERCHANT))).object).toBe("list");
    expect(h.standIn.control.requests({ account: MERCHANT, method: "POST" })).toHaveLength(0); // refused before any account was acted on

    h.standIn.control.restoreSecretKey();
    // Nothing was saved under the key: the same key now creates the customer.
    const c = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, `k-${MERCHANT}`));
    expect(c.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("is switched over HTTP too, and refuses keys the stand-in does not have", async () => {
    const post = (path: string, body: unknown) => fetch(`${h.standIn.url}/__control${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("/keys/revoke", { key: SECOND_KEY })).status).toBe(200);
    expect((await rejection(sdk(h.standIn, SECOND_KEY).customers.list())).code).toBe("api_key_expired");
    expect((await stripe.customers.list()).object).toBe("list");
    expect((await post("/keys/restore", { key: SECOND_KEY })).status).toBe(200);
    expect((await sdk(h.standIn, SECOND_KEY).customers.list()).object).toBe("list");
    expect((await post("/keys/revoke", { key: "sk_test_unknown" })).status).toBe(400);
  });
});

describe("a connected account that no longer grants access", () => {
  it("answers 403 account_invalid (StripePermissionError) while disconnected, and works again once reconnected", async () => {
    const c = await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT));
    h.standIn.control.disconnectAccount(MERCHANT);
    const err = await rejection(stripe.invoices.create({ customer: c.id }, as(MERCHANT, "run-3:draft")));
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("account_invalid");
    expect(err.rawType).toBe("invalid_request_error");
    expect(err.message).toContain(`does not have access to account '${MERCHANT}'`);
    expect((await rejection(stripe.customers.retrieve(c.id, {}, as(MERCHANT)))).statusCode).toBe(403);
    expect((await stripe.customers.list({}, as(OTHER_MERCHANT))).object).toBe("list");
    expect(h.standIn.control.events(MERCHANT).map((e) => e.type)).toEqual(["customer.created", "account.application.deauthorized"]);

    h.standIn.control.reconnectAccount(MERCHANT);
    expect(h.standIn.control.events(MERCHANT).at(-1)?.type).toBe("account.application.authorized");
    const inv = await stripe.invoices.create({ customer: c.id }, as(MERCHANT, "run-3:draft"));
    expect(inv.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(1);
  });

  it("can be revoked without the webhook (the app must learn it from the 403), over HTTP", async () => {
    const post = (path: string, body: unknown) => fetch(`${h.standIn.url}/__control${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post(`/accounts/${MERCHANT}/disconnect`, { notify: false })).status).toBe(200);
    expect((await rejection(stripe.customers.list({}, as(MERCHANT)))).code).toBe("account_invalid");
    expect(h.standIn.control.events(MERCHANT)).toEqual([]);
    expect(h.standIn.control.accounts().find((a) => a.id === MERCHANT)?.connected).toBe(false);
    expect((await post(`/accounts/${MERCHANT}/reconnect`, { notify: false })).status).toBe(200);
    expect((await stripe.customers.list({}, as(MERCHANT))).object).toBe("list");
    expect(h.standIn.control.events(MERCHANT)).toEqual([]);
  });
});
