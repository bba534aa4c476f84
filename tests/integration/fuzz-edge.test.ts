// A fuzz test of the public edge over the real HTTP server (Express + the
// production build): random methods, headers and bodies against every public,
// webhook and API route, and the admin's. Whatever arrives:
// - the answer is never a 5xx (bad input is the client's error: 4xx with a message);
// - nothing is written without authentication: every table has the rows it
//   had before (the rate limiter's own counters excepted: counting anonymous
//   requests is their job);
// - every request is answered within a generous bound (a hang counts as a failure).
// FUZZ_RUNS raises the number of cases (CI runs the default). Needs `npm run build`.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { startApp, type RunningApp } from "../helpers/app-server";
import { createShop } from "../helpers/recurring";
import { tableRowCounts } from "../helpers/tables";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Far above any honest answer here (tens of ms); only a hang reaches it. */
const ANSWER_BOUND_MS = 15_000;

// A configured deployment: Stripe's webhook secret and Connect are set (unset, their routes say so with a 503).
process.env.STRIPE_WEBHOOK_SECRET = "whsec_fuzz";
process.env.STRIPE_CLIENT_ID = "ca_fuzz";

let app: RunningApp;
beforeAll(async () => {
  await configureDatabase(prisma);
  await createShop({ domain: "fuzz-shop.myshopify.com" });
  // Behind "one proxy": each case may say it comes from another address, so per-address limits do not hide the parsers.
  app = await startApp({ trustProxy: 1 });
});
afterAll(async () => {
  await app?.close();
});

const ROUTES = [
  "/",
  "/healthz",
  "/verify",
  "/verify.data",
  `/sign/${randomBytes(32).toString("base64url")}`,
  `/sign/${randomBytes(32).toString("base64url")}.data`,
  `/sign/${randomBytes(32).toString("base64url")}/pdf`,
  "/sign/%ff%fe",
  "/stripe/oauth/callback",
  "/webhooks/stripe",
  "/webhooks/app/uninstalled",
  "/webhooks/app/scopes_update",
  "/webhooks/customers/data_request",
  "/webhooks/customers/redact",
  "/webhooks/shop/redact",
  "/api/extension/orders/gid%3A%2F%2Fshopify%2FOrder%2F1001",
  "/api/extension/orders/1",
  "/api/extension/print/gid%3A%2F%2Fshopify%2FOrder%2F1001",
  "/api/extension/print/1?document=schedule",
  "/app",
  "/app/settings",
  "/app/settings/stripe",
  "/stripe/oauth/start",
  "/stripe/oauth/start?state=abc",
  "/app/templates/unknown",
  "/app/templates/new",
  "/auth/login",
  "/no/such/page",
];

const CONTENT_TYPES = [
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=xyz",
  "application/json",
  "text/plain",
  "application/octet-stream",
  "application/x-www-form-urlencoded; charset=latin1",
  "garbage/;;;=",
];

const bodyArbitrary = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
  fc.json({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom("name", "consent", "image", "hash", "intent", "documentHash", "nonce", "file", "code", "state"), fc.string({ maxLength: 40 })).map(
    (fields) => new URLSearchParams(fields).toString(),
  ),
  fc.tuple(fc.string({ maxLength: 30 }), fc.uint8Array({ maxLength: 100 })).map(([name, bytes]) =>
    Buffer.concat([Buffer.from(`--xyz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(bytes), Buffer.from("\r\n--xyz--\r\n")]),
  ),
  // A field far over any route's own limit (the server's outer limit is 16 KiB to 10 MiB).
  fc.integer({ min: 70_000, max: 200_000 }).map((size) => `name=${"x".repeat(size)}`),
  fc.constant(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xc3, 0x28, 0xff])), // "name=" + invalid UTF-8
);

const headerValue = fc.oneof(fc.string({ maxLength: 60 }).map((value) => value.replace(/[^\x20-\x7e]/g, "")), fc.constantFrom("", "null", "Bearer x.y.z", "t=1,v1=abc"));

const caseArbitrary = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
  route: fc.constantFrom(...ROUTES),
  query: fc.oneof(fc.constant(""), fc.constantFrom("?state=abc&code=ac_x", "?lang=fr", "?shop=fuzz-shop.myshopify.com&embedded=1", "?_data=routes%2Fverify", "?%ff=%fe"), fc.string({ maxLength: 20 }).map((q) => `?${encodeURIComponent(q)}`)),
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
  forwardedFor: fc.option(fc.ipV4(), { nil: undefined }),
  extra: fc.dictionary(
    fc.constantFrom("authorization", "x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-webhook-id", "stripe-signature", "origin", "referer", "accept-language", "cookie", "accept"),
    headerValue,
    { maxKeys: 4 },
  ),
  body: bodyArbitrary,
});

function reportWithoutBody(details: fc.RunDetails<[Case]>): void {
  if (!details.failed) return;
  const example = details.counterexample?.[0];
  const shown = example ? { ...example, body: `${typeof example.body === "string" ? "text" : "bytes"} of ${example.body.length}` } : null;
  throw new Error(`fuzz case failed (seed ${details.seed}, path ${details.counterexamplePath}): ${JSON.stringify(shown)}\n${String(details.errorInstance)}`);
}

type Case = typeof caseArbitrary extends fc.Arbitrary<infer T> ? T : never;

async function send(c: Case): Promise<{ status: number; body: string }> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(c.extra)) headers.set(name, value);
  if (c.contentType) headers.set("content-type", c.contentType);
  if (c.forwardedFor) headers.set("x-forwarded-for", c.forwardedFor);
  const init: RequestInit = { method: c.method, headers, redirect: "manual", signal: AbortSignal.timeout(ANSWER_BOUND_MS) };
  if (c.method !== "GET" && c.method !== "HEAD") init.body = typeof c.body === "string" ? c.body : new Uint8Array(c.body);
  const response = await fetch(`${app.url}${c.route}${c.query}`, init);
  return { status: response.status, body: (await response.text()).slice(0, 300) };
}

describe("the public edge under random input", () => {
  it(`never answers 5xx, never writes without authentication, always answers (${RUNS} cases)`, { timeout: Math.max(120_000, RUNS * 1_000) }, async () => {
    const before = await tableRowCounts();
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const answer = await send(c);
        if (answer.status >= 500) throw new Error(`${c.method} ${c.route}${c.query} (${c.contentType ?? "no content type"}) answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      }),
      // A failing case is reported shrunk, without its (possibly huge) body.
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, reporter: reportWithoutBody },
    );
    const after = await tableRowCounts();
    const { RateLimitCounter: _before, ...others } = before;
    const { RateLimitCounter: _after, ...othersAfter } = after;
    expect(othersAfter).toEqual(others);
  });
});
