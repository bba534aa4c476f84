// The Stripe client's pieces that need no server: where the SDK is pointed,
// the per-account rate limiter (under fake timers), and what may be retried.
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  SharedAccountRateLimiter,
  AccountRateLimiter,
  connectBaseUrl,
  defaultRequestsPerSecond,
  isRetryable,
  isUnknownOutcomeReplay,
  stripeEndpoint,
  withoutCallSiteStack,
} from "~/gateways/stripe/client.server";

describe("configuration", () => {
  it("points the SDK at STRIPE_API_URL when set, at Stripe otherwise", () => {
    expect(stripeEndpoint("http://127.0.0.1:12111")).toEqual({ host: "127.0.0.1", port: 12111, protocol: "http" });
    expect(stripeEndpoint("https://stripe.internal")).toEqual({ host: "stripe.internal", port: 443, protocol: "https" });
    expect(stripeEndpoint(undefined)).toBeNull();
  });

  it("builds the consent page's origin: Stripe Connect in production, the stand-in's origin offline", () => {
    expect(connectBaseUrl(undefined)).toBe("https://connect.stripe.com");
    expect(connectBaseUrl("http://127.0.0.1:12111/")).toBe("http://127.0.0.1:12111");
  });

  it("defaults to Stripe's documented limits: 25 requests/s in test mode, 100 live", () => {
    expect(defaultRequestsPerSecond("sk_test_abc")).toBe(25);
    expect(defaultRequestsPerSecond("rk_test_abc")).toBe(25);
    expect(defaultRequestsPerSecond("sk_live_abc")).toBe(100);
  });
});

describe("the SDK's call-site stack, skipped", () => {
  it("starts the call with stack traces off, and gives every other error its stack back, the call succeeding, failing or throwing", async () => {
    const limit = Error.stackTraceLimit;
    let seen: string | undefined;
    await withoutCallSiteStack(async () => {
      seen = new Error("call site").stack; // what stripe-node does before each request
    });
    expect(seen).toBe("Error: call site"); // no frame formatted
    await expect(withoutCallSiteStack(() => Promise.reject(new Error("declined")))).rejects.toThrow("declined");
    expect(() =>
      withoutCallSiteStack(() => {
        throw new Error("a bug before the request");
      }),
    ).toThrow("a bug before the request");
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("later").stack).toMatch(/\n\s+at /);
  });
});

describe("AccountRateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Acquires `count` slots for each account at once; returns the instants (fake ms) they were granted. */
  async function grants(limiter: AccountRateLimiter, accounts: Record<string, number>): Promise<Record<string, number[]>> {
    const start = Date.now();
    const times: Record<string, number[]> = {};
    const all = Object.entries(accounts).flatMap(([account, count]) =>
      Array.from({ length: count }, () => limiter.acquire(account).then(() => (times[account] ??= []).push(Date.now() - start))),
    );
    await vi.runAllTimersAsync();
    await Promise.all(all);
    return times;
  }

  function maxInAnyWindow(times: number[], windowMs: number): number {
    return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
  }

  it("never lets more than the limit leave in any one-second window, spread evenly", async () => {
    const limiter = new AccountRateLimiter({ requestsPerSecond: 20, guardMs: 0, now: () => Date.now() });
    const { acct_a: times = [] } = await grants(limiter, { acct_a: 70 });

    expect(times).toHaveLength(70);
    expect(maxInAnyWindow(times, 1000)).toBe(20);
    // 70 requests at 20/s take a good 3 s; never a burst of 20 (a bare cap would release 20 at once),
    // at most the 200 ms of catch-up (4 slots) back to back.
    expect(times.at(-1)).toBeGreaterThanOrEqual(3200);
    expect(times.at(-1)).toBeLessThan(3500);
    expect(maxInAnyWindow(times, 250)).toBeLessThanOrEqual(10);
  });

  it("keeps accounts apart: a busy merchant does not slow another one down", async () => {
    const limiter = new AccountRateLimiter({ requestsPerSecond: 10, now: () => Date.now() });
    const times = await grants(limiter, { acct_busy: 50, acct_quiet: 2 });

    expect(times.acct_busy!.at(-1)).toBeGreaterThan(4000);
    expect(times.acct_quiet!.every((t) => t < 200)).toBe(true);
  });

  it("serves waiters in arrival order", async () => {
    const limiter = new AccountRateLimiter({ requestsPerSecond: 5, now: () => Date.now() });
    const order: number[] = [];
    const all = Array.from({ length: 8 }, (_, index) => limiter.acquire("acct_a").then(() => order.push(index)));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a request let go is on time at its socket write for maxLatenessMs only: written later, it would land among the next ones", async () => {
    let clock = 0;
    const limiter = new AccountRateLimiter({ requestsPerSecond: 25, maxLatenessMs: 20, now: () => clock });
    const onTime = await limiter.acquire("acct_a");
    clock = 20;
    expect(onTime()).toBe(true);
    clock = 21;
    expect(onTime()).toBe(false);
  });
});

describe("SharedAccountRateLimiter", () => {
  it("gives up a slot it learned of too late, and asks the next one a round trip ahead", async () => {
    let clock = 0;
    const asked: { spacingMs: number; leadMs: number }[] = [];
    // The schedule's clock is this one. The first reservation takes 100 ms to
    // answer (a stalled process): its slot, due at 50, could be left 100 ms late.
    // The second answers in 1 ms.
    const slots = async (_account: string, spacingMs: number, leadMs: number) => {
      asked.push({ spacingMs, leadMs });
      const first = asked.length === 1;
      const scheduleNow = clock + (first ? 50 : 0.5);
      clock += first ? 100 : 1;
      return { slotAt: scheduleNow + leadMs, now: scheduleNow };
    };
    const limiter = new SharedAccountRateLimiter({ requestsPerSecond: 25, slots, now: () => clock });
    const onTime = await limiter.acquire("acct_1");
    // (1 s + the 75 ms guard) ÷ 25 requests per second.
    expect(asked).toEqual([
      { spacingMs: 43, leadMs: 0 },
      { spacingMs: 43, leadMs: 200 },
    ]);
    // Asked again as the request is written: on time up to 20 ms after its slot, not after.
    expect(onTime()).toBe(true);
    clock += 200 + 18;
    expect(onTime()).toBe(true);
    clock += 5;
    expect(onTime()).toBe(false);
  });

  it("the requests of one account waiting at once share one reservation, a slot each, in turn; later ones wait for the next", async () => {
    const reservations: { account: string; count: number; slotAt: number }[] = [];
    const nextSlot = new Map<string, number>();
    // A schedule whose clock stays at 0: `count` consecutive slots from the account's next free one.
    const slots = async (account: string, spacingMs: number, _leadMs: number, count: number) => {
      await Promise.resolve();
      const slotAt = nextSlot.get(account) ?? 0;
      nextSlot.set(account, slotAt + count * spacingMs);
      reservations.push({ account, count, slotAt });
      return { slotAt, now: 0 };
    };
    // This process's clock stays at 0 too: each request sleeps until its slot (0, 43, 86… ms) and is never late.
    const limiter = new SharedAccountRateLimiter({ requestsPerSecond: 25, maxSlotsPerReservation: 4, slots, now: () => 0 });
    const released: string[] = [];
    const request = (account: string, index: number) => limiter.acquire(account).then(() => released.push(`${account}#${index}`));
    // Six at once for acct_1: four in its first reservation, the two others in the next; one for acct_2.
    await Promise.all([...Array.from({ length: 6 }, (_, index) => request("acct_1", index)), request("acct_2", 0)]);
    // (1 s + the 75 ms guard) ÷ 25 = 43 ms a slot: the second reservation starts after the first one's four.
    expect(reservations).toEqual([
      { account: "acct_1", count: 4, slotAt: 0 },
      { account: "acct_2", count: 1, slotAt: 0 },
      { account: "acct_1", count: 2, slotAt: 172 },
    ]);
    // Each request leaves at its own slot, in the order the requests came.
    expect(released.filter((name) => name.startsWith("acct_1"))).toEqual(["acct_1#0", "acct_1#1", "acct_1#2", "acct_1#3", "acct_1#4", "acct_1#5"]);
    expect(released).toContain("acct_2#0");
  });

  it("a reservation that fails fails each request waiting for it, and the next requests ask again", async () => {
    let fail = true;
    const counts: number[] = [];
    const slots = async (_account: string, _spacingMs: number, _leadMs: number, count: number) => {
      counts.push(count);
      await Promise.resolve();
      if (fail) throw new Error("database unreachable");
      return { slotAt: 0, now: 0 };
    };
    const limiter = new SharedAccountRateLimiter({ requestsPerSecond: 25, slots, now: () => 0 });
    const results = await Promise.allSettled([limiter.acquire("acct_1"), limiter.acquire("acct_1"), limiter.acquire("acct_1")]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(counts).toEqual([3]);
    fail = false;
    await limiter.acquire("acct_1");
    expect(counts).toEqual([3, 1]);
  });

  it("spaces slots exactly (window ÷ limit), not rounded to a whole millisecond", async () => {
    const asked: number[] = [];
    const slots = async (_account: string, spacingMs: number) => {
      asked.push(spacingMs);
      return { slotAt: 0, now: 0 };
    };
    await new SharedAccountRateLimiter({ requestsPerSecond: 25, guardMs: 80, slots, now: () => 0 }).acquire("acct_1");
    expect(asked).toEqual([43.2]);
  });
});

describe("retry decisions", () => {
  const generate = (raw: Parameters<typeof Stripe.errors.StripeError.generate>[0]) => Stripe.errors.StripeError.generate(raw);

  it("retries 429, 409 and whatever Stripe marks Stripe-Should-Retry: true; never Stripe-Should-Retry: false", () => {
    expect(isRetryable(generate({ type: "invalid_request_error", code: "rate_limit", statusCode: 429 }))).toBe(true);
    expect(isRetryable(generate({ type: "api_error", statusCode: 409 }))).toBe(true);
    expect(isRetryable(generate({ type: "api_error", statusCode: 500, headers: { "stripe-should-retry": "true" } }))).toBe(true);
    expect(isRetryable(generate({ type: "api_error", statusCode: 500, headers: { "stripe-should-retry": "false" } }))).toBe(false);
    expect(isRetryable(generate({ type: "invalid_request_error", statusCode: 400 }))).toBe(false);
    expect(isRetryable(new Error("not Stripe's"))).toBe(false);
  });

  it("recognises a 5xx saved under the key: repeating it would only replay the error", () => {
    expect(isUnknownOutcomeReplay(generate({ type: "api_error", statusCode: 500, headers: { "stripe-should-retry": "false" } }))).toBe(true);
    expect(isUnknownOutcomeReplay(generate({ type: "api_error", statusCode: 500, headers: { "idempotent-replayed": "true" } }))).toBe(true);
    expect(isUnknownOutcomeReplay(generate({ type: "api_error", statusCode: 500, headers: { "stripe-should-retry": "true" } }))).toBe(false);
    expect(isUnknownOutcomeReplay(generate({ type: "invalid_request_error", statusCode: 400 }))).toBe(false);
  });
});
