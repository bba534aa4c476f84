// Fault injection: a real rate limit, 5xx before/after commit, dropped
// connections after commit, latency — all seen through the SDK.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, OTHER_MERCHANT, as, rejection, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
});

async function newInvoiceParams(): Promise<Stripe.InvoiceCreateParams> {
  const c = await stripe.customers.create({ email: "f@example.com" }, as(MERCHANT));
  return { customer: c.id, collection_method: "send_invoice", days_until_due: 30, metadata: { run_id: "run-fault" } };
}

describe("fault injection", () => {
  it("enforces a token-bucket rate limit per account (429 rate_limit)", async () => {
    h.standIn.control.setFaults(MERCHANT, { rateLimit: { requestsPerSecond: 2, burst: 5 } });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => stripe.customers.list({}, as(MERCHANT))));
    const limited = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as Stripe.errors.StripeError);
    // Burst of 5, refilling at 2/s: a slow machine may earn one more token during the volley.
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    for (const e of limited) {
      expect(e).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(e.statusCode).toBe(429);
      expect(e.code).toBe("rate_limit");
    }
    expect((await stripe.customers.list({}, as(OTHER_MERCHANT))).object).toBe("list");
    await new Promise((r) => setTimeout(r, 600));
    expect((await stripe.customers.list({}, as(MERCHANT))).object).toBe("list");
  });

  it("a limit set for every account ('*') still counts each account's requests apart, as Stripe does", async () => {
    h.standIn.control.setFaults("*", { rateLimit: { requestsPerSecond: 0.001, burst: 3 } });
    const volley = (account: string) => Promise.allSettled(Array.from({ length: 4 }, () => stripe.customers.list({}, as(account))));
    const [mine, theirs] = await Promise.all([volley(MERCHANT), volley(OTHER_MERCHANT)]);
    // Three tokens each: one account's volley does not spend the other's.
    expect(mine.map((r) => r.status).sort()).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    expect(theirs.map((r) => r.status).sort()).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
  });

  it("commits then drops the connection: the SDK sees StripeConnectionError, the ledger has the invoice", async () => {
    const params = await newInvoiceParams();
    // Two drops: the SDK retries a reset connection once on its own (same key), and that retry is dropped too.
    h.standIn.control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/invoices" } });
    const err = await rejection(stripe.invoices.create(params, as(MERCHANT, "run-fault:draft")));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const ledger = h.standIn.control.ledger(MERCHANT);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.metadata).toEqual({ run_id: "run-fault" });
    const log = h.standIn.control.requests({ path: "/v1/invoices", method: "POST" });
    expect(log.map((r) => [r.fault, r.replayed, r.idempotencyKey])).toEqual([
      ["dropped", false, "run-fault:draft"],
      ["dropped", true, "run-fault:draft"],
    ]);
    // The app's recovery: retry with the same key → the saved response.
    const retried = await stripe.invoices.create(params, as(MERCHANT, "run-fault:draft"));
    expect(retried.id).toBe(ledger[0]?.id);
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
  });

  it("a single drop is absorbed by the SDK's own retry on a reset connection (same idempotency key)", async () => {
    const params = await newInvoiceParams();
    h.standIn.control.setFaults(MERCHANT, { dropNext: { count: 1, path: "/v1/invoices" } });
    const inv = await stripe.invoices.create(params, as(MERCHANT));
    expect(inv.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(1);
  });

  it("fails before execution with 500 (nothing saved) or after commit (the 500 is saved and replayed)", async () => {
    const params = await newInvoiceParams();
    h.standIn.control.setFaults(MERCHANT, { failNext: { count: 1, path: "/v1/invoices" } });
    const before = await rejection(stripe.invoices.create(params, as(MERCHANT, "k500a")));
    expect(before).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(before.statusCode).toBe(500);
    expect(before.headers?.["stripe-should-retry"]).toBe("true");
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(0);
    const ok = await stripe.invoices.create(params, as(MERCHANT, "k500a"));
    expect(ok.lastResponse.headers["idempotent-replayed"]).toBeUndefined();

    h.standIn.control.setFaults(MERCHANT, { failNext: { count: 1, path: "/v1/invoices", mode: "after_commit" } });
    const after = await rejection(stripe.invoices.create(params, as(MERCHANT, "k500b")));
    expect(after.statusCode).toBe(500);
    expect(after.headers?.["stripe-should-retry"]).toBe("false");
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(2);
    const replay = await rejection(stripe.invoices.create(params, as(MERCHANT, "k500b")));
    expect(replay.statusCode).toBe(500);
    expect(replay.headers?.["idempotent-replayed"]).toBe("true");
    const found = await stripe.invoices.search({ query: "metadata['run_id']:'run-fault'" }, as(MERCHANT));
    expect(found.data).toHaveLength(2);
  });

  it("draws random faults from the seed, reproducibly", async () => {
    const run = async () => {
      h.standIn.control.reset({ seed: 42 });
      h.standIn.control.setFaults("*", { serverErrorRatio: 0.5 });
      const outcomes: string[] = [];
      for (let i = 0; i < 16; i++) {
        outcomes.push(await stripe.customers.list({}, as(MERCHANT)).then(() => "ok", (e: Stripe.errors.StripeError) => String(e.statusCode)));
      }
      return outcomes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain("500");
    expect(a).toContain("ok");
  });

  it("adds latency and exposes faults and the request log over the control API", async () => {
    const res = await fetch(`${h.standIn.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ account: MERCHANT, latency: { fixedMs: 120 } }),
    });
    expect(res.status).toBe(200);
    const t0 = performance.now();
    await stripe.customers.list({}, as(MERCHANT));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    const log = (await (await fetch(`${h.standIn.url}/__control/requests?account=${MERCHANT}`)).json()) as { path: string; status: number; account: string }[];
    expect(log.at(-1)).toMatchObject({ path: "/v1/customers", status: 200, account: MERCHANT });
    const clock = (await (await fetch(`${h.standIn.url}/__control/clock`, { method: "POST", body: JSON.stringify({ set: Date.UTC(2027, 0, 1) }) })).json()) as { now: number };
    expect(clock.now).toBe(Date.UTC(2027, 0, 1));
    expect(h.standIn.control.now()).toBe(Date.UTC(2027, 0, 1));
  });
});
