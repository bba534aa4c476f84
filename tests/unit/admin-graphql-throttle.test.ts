// runAdminQuery's cost-aware backoff, with a scripted Admin client and a
// recording sleep (the stand-in version is in tests/integration/orders-gateway.test.ts).
import { describe, expect, it } from "vitest";
import {
  runAdminQuery,
  ShopifyGraphqlError,
  ShopifyThrottledError,
  throttleWaitMs,
  type AdminGraphql,
} from "~/gateways/shopify/graphql.server";

const THROTTLED = [{ message: "Throttled", extensions: { code: "THROTTLED" } }];
const cost = (requested: number, available: number, restoreRate = 100) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate } },
});

/** An admin client answering the scripted bodies in order; "throw" bodies are thrown like the library's GraphqlQueryError. */
function scripted(bodies: { thrown?: boolean; body: unknown }[]) {
  const calls: unknown[] = [];
  const admin = {
    graphql: async (_document: string, options?: { variables?: unknown }) => {
      calls.push(options?.variables);
      const next = bodies.shift();
      if (!next) throw new Error("no more scripted answers");
      if (next.thrown) throw Object.assign(new Error("GraphQL operation failed"), { body: next.body });
      return new Response(JSON.stringify(next.body));
    },
  } as unknown as AdminGraphql;
  return { admin, calls };
}

describe("runAdminQuery", () => {
  it("waits (requested − available) / restoreRate seconds after THROTTLED, then returns the data", async () => {
    const { admin, calls } = scripted([
      { body: { errors: THROTTLED, extensions: cost(402, 52) } },
      { body: { errors: THROTTLED, extensions: cost(402, 380, 50) } },
      { body: { data: { shop: { name: "Atelier" } }, extensions: cost(402, 1598) } },
    ]);
    const waits: number[] = [];
    const data = await runAdminQuery<{ shop: { name: string } }>(admin, "Shop", "query { shop { name } }", { a: 1 }, {
      sleep: async (ms) => void waits.push(ms),
    });
    expect(data.shop.name).toBe("Atelier");
    expect(waits).toEqual([3500, 440]);
    expect(calls).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
  });

  it("understands the library's thrown GraphqlQueryError shape", async () => {
    const { admin } = scripted([
      { thrown: true, body: { errors: { graphQLErrors: THROTTLED }, extensions: cost(10, 0) } },
      { body: { data: { ok: true } } },
    ]);
    const waits: number[] = [];
    await expect(runAdminQuery(admin, "Op", "query { ok }", undefined, { sleep: async (ms) => void waits.push(ms) })).resolves.toEqual({ ok: true });
    expect(waits).toEqual([100]);
  });

  it("gives up after the allowed retries with a typed, transient error", async () => {
    const { admin } = scripted(Array.from({ length: 3 }, () => ({ body: { errors: THROTTLED, extensions: cost(10, 0) } })));
    const error = await runAdminQuery(admin, "Op", "query { ok }", undefined, { sleep: async () => {}, maxThrottleRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottledError);
    expect((error as ShopifyThrottledError).attempts).toBe(3);
  });

  it("does not retry other errors", async () => {
    const { admin, calls } = scripted([{ thrown: true, body: { errors: { graphQLErrors: [{ message: "Field 'x' doesn't exist" }] } } }]);
    const error = await runAdminQuery(admin, "Op", "query { x }", undefined, { sleep: async () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect(error).not.toBeInstanceOf(ShopifyThrottledError);
    expect(calls).toHaveLength(1);
  });

  it("lets non-GraphQL failures (a re-authentication Response) through untouched", async () => {
    const reauth = new Response(null, { status: 401 });
    const admin = { graphql: async () => Promise.reject(reauth) } as unknown as AdminGraphql;
    await expect(runAdminQuery(admin, "Op", "query { ok }")).rejects.toBe(reauth);
  });
});

describe("throttleWaitMs", () => {
  it("waits at least one restore tick and backs off exponentially without cost information", () => {
    expect(throttleWaitMs(cost(10, 50).cost, 0)).toBe(10);
    expect(throttleWaitMs(undefined, 0)).toBe(1000);
    expect(throttleWaitMs(undefined, 2)).toBe(4000);
  });
});
