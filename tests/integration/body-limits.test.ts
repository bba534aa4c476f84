// The outer body limit (app/http/body-limits.ts, applied by server/body-limit.ts)
// over the app's real HTTP server: bodies past a route's limit are refused
// with 413 before anything reads them — before Shopify's HMAC check, before
// the Stripe webhook's signature check, before a session token is looked at —
// whether they declare their length or stream it chunked. Each refused body
// here is otherwise valid (correctly signed), so a missing limit shows as a
// 200 and a row written.
import { createHmac, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMITS, DEFAULT_BODY_LIMIT } from "~/http/body-limits";
import prisma, { configureDatabase } from "~/db.server";
import { resetConfigForTests } from "~/config.server";
import { createShop } from "../helpers/recurring";
import { mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { startApp, streamBody, type RunningApp, type StreamOptions } from "../helpers/app-server";

const MiB = 1024 * 1024;
const WEBHOOK_SECRET = "whsec_body_limits_test";
const CLIENT_ID = "ca_body_limits_test";
const SHOP = "limits.myshopify.com";

let app: RunningApp;

beforeAll(async () => {
  Object.assign(process.env, { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_CLIENT_ID: CLIENT_ID });
  resetConfigForTests();
  await configureDatabase(prisma);
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});
beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.webhookDelivery.deleteMany();
  await prisma.session.deleteMany();
});

function limitOf(path: string): number {
  return BODY_LIMITS.find((rule) => rule.path === path)!.maxBytes;
}

/** A JSON payload of about `bytes` bytes: `fields` plus padding. */
function padded(fields: Record<string, unknown>, bytes: number): string {
  const base = JSON.stringify({ ...fields, padding: "" });
  return JSON.stringify({ ...fields, padding: "x".repeat(Math.max(0, bytes - base.length)) });
}

/** app/uninstalled exactly as Shopify delivers it, HMAC-signed with the app secret. */
function shopifyWebhook(body: string, options: StreamOptions = {}) {
  const hmac = createHmac("sha256", process.env.SHOPIFY_API_SECRET!).update(body, "utf8").digest("base64");
  return streamBody(`${app.url}/webhooks/app/uninstalled`, Buffer.from(body), {
    ...options,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "app/uninstalled",
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-API-Version": "2026-01",
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Event-Id": randomUUID(),
    },
  });
}

/** account.application.deauthorized as Stripe delivers it, signed with the endpoint's secret. */
function stripeWebhook(account: string, bytes: number, options: StreamOptions = {}) {
  const body = padded({ id: `evt_${randomUUID()}`, object: "event", type: "account.application.deauthorized", account, data: { object: { id: CLIENT_ID, object: "application" } } }, bytes);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) });
  return streamBody(`${app.url}/webhooks/stripe`, Buffer.from(body), {
    ...options,
    headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature },
  });
}

/** The 413's JSON: says what was too large and the limit. */
function expectTooLarge(answer: { status: number; body: string }, path: string, maxBytes: number) {
  expect(answer.status).toBe(413);
  const body = JSON.parse(answer.body) as { error: string; message: string; limitBytes: number };
  expect(body.error).toBe("payload_too_large");
  expect(body.limitBytes).toBe(maxBytes);
  expect(body.message).toContain("The request body is too large");
  expect(body.message).toContain(path);
  expect(body.message).toContain(`(${maxBytes} bytes)`);
}

const STREAMING: StreamOptions = { pauseMs: 5 };
const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("Shopify webhooks (/webhooks/*: 1 MiB)", () => {
  it("a signed webhook under the limit goes through (the route is reachable and writes)", async () => {
    await createShop({ domain: SHOP });
    const answer = await shopifyWebhook(padded({ id: 1, domain: SHOP }, 200 * 1024), { declareLength: true });
    expect(answer.status).toBe(200);
    expect(await prisma.webhookDelivery.count()).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeInstanceOf(Date);
  });

  it("a signed webhook declaring more than 1 MiB is refused before its body is read: nothing written", async () => {
    await createShop({ domain: SHOP });
    const answer = await shopifyWebhook(padded({ id: 1, domain: SHOP }, 3 * MiB), { declareLength: true, ...STREAMING });
    expectTooLarge(answer, "/webhooks", limitOf("/webhooks"));
    // Answered before the client had even sent the limit's worth: nothing was waited for.
    expect(answer.sentBeforeAnswer).toBeLessThan(limitOf("/webhooks"));
    expect(await prisma.webhookDelivery.count()).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeNull();
  });

  it("a signed webhook streamed chunked past 1 MiB is cut off while streaming: nothing written", async () => {
    await createShop({ domain: SHOP });
    const answer = await shopifyWebhook(padded({ id: 1, domain: SHOP }, 3 * MiB), STREAMING);
    expectTooLarge(answer, "/webhooks", limitOf("/webhooks"));
    expect(answer.bodyCompleteBeforeAnswer).toBe(false);
    expect(await prisma.webhookDelivery.count()).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeNull();
  });
});

describe("Stripe webhook (/webhooks/stripe: 1 MiB)", () => {
  it("a signed event under the limit goes through, one streamed past it is cut off: the shop stays connected", async () => {
    const connected = await createShop({ billingAccountId: "acct_small" });
    const small = await stripeWebhook("acct_small", 100 * 1024, STREAMING);
    expect(small.status).toBe(200);
    expect(await prisma.stripeEvent.count({ where: { account: "acct_small" } })).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: connected.id } })).billingAccountId).toBeNull();

    const target = await createShop({ billingAccountId: "acct_big" });
    const big = await stripeWebhook("acct_big", 2 * MiB, STREAMING);
    expectTooLarge(big, "/webhooks", limitOf("/webhooks"));
    expect(big.bodyCompleteBeforeAnswer).toBe(false);
    expect(await prisma.stripeEvent.count({ where: { account: "acct_big" } })).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: target.id } })).billingAccountId).toBe("acct_big");
  });
});

describe("public pages", () => {
  // These pages read their form themselves with a tighter limit and a
  // message of their own (app/http/body-limit.server.ts): a streamed body
  // meets that one first. A declared length over the outer limit never
  // reaches them.
  it("/sign/<token> (1 MiB): a form declared over the limit gets the server's 413; one streamed past it a 413 before its end", async () => {
    const body = Buffer.from(`name=Claire&image=${"A".repeat(2 * MiB)}`);
    const declared = await streamBody(`${app.url}/sign/some-token`, body, { declareLength: true, ...STREAMING, headers: form });
    expectTooLarge(declared, "/sign", limitOf("/sign"));
    expect(declared.sentBeforeAnswer).toBeLessThan(limitOf("/sign"));
    const streamed = await streamBody(`${app.url}/sign/some-token`, body, { ...STREAMING, headers: form });
    expect(streamed.status).toBe(413);
    expect(streamed.bodyCompleteBeforeAnswer).toBe(false);
  });

  it("/sign/<token>.data (the page's own form post, single fetch) has the page's limit", async () => {
    const answer = await streamBody(`${app.url}/sign/some-token.data`, Buffer.alloc(2 * MiB, 65), { declareLength: true, headers: form });
    expectTooLarge(answer, "/sign", limitOf("/sign"));
  });

  it("/verify (a PDF of up to 10 MiB): an upload past the limit gets 413 before its end, one under it reaches the page", async () => {
    const boundary = "----limits";
    const multipart = (bytes: number) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        Buffer.alloc(bytes, 37),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const headers = { "Content-Type": `multipart/form-data; boundary=${boundary}` };
    const declared = await streamBody(`${app.url}/verify`, multipart(11 * MiB), { declareLength: true, headers, chunkBytes: 256 * 1024, pauseMs: 2 });
    expectTooLarge(declared, "/verify", limitOf("/verify"));
    expect(declared.sentBeforeAnswer).toBeLessThan(limitOf("/verify"));
    const streamed = await streamBody(`${app.url}/verify`, multipart(11 * MiB), { headers, chunkBytes: 256 * 1024, pauseMs: 2 });
    expect(streamed.status).toBe(413);
    expect(streamed.bodyCompleteBeforeAnswer).toBe(false);
    // Under the page's own 10 MiB: the page answers (not a genuine PDF, but no 413).
    const under = await streamBody(`${app.url}/verify`, multipart(64 * 1024), { headers, declareLength: true });
    expect(under.status).toBe(200);
  });
});

describe("authenticated routes: the limit comes before authentication", () => {
  it("the extension API (16 KiB) refuses a larger body without a session token, readably for the extension (CORS)", async () => {
    const answer = await streamBody(`${app.url}/api/extension/orders/1001`, Buffer.from(padded({ frequency: "monthly" }, 64 * 1024)), {
      declareLength: true,
      headers: { "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com" },
    });
    expectTooLarge(answer, "/api/extension", limitOf("/api/extension"));
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
  });

  it("the admin's actions (/app: 1 MiB): declared over the limit, refused before the session token is looked at", async () => {
    const answer = await streamBody(`${app.url}/app/settings`, Buffer.alloc(2 * MiB, 65), { declareLength: true, headers: form });
    expectTooLarge(answer, "/app", limitOf("/app"));
  });

  it("the admin's actions: an authenticated merchant's form streamed past the limit is cut off while the action reads it; nothing saved", async () => {
    const shop = "admin-limits.myshopify.com";
    await createShop({ domain: shop });
    await storeOfflineSession(shop);
    const before = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const body = Buffer.from(`daysUntilDue=30&padding=${"A".repeat(2 * MiB)}`);
    const answer = await streamBody(`${app.url}/app/settings`, body, { ...STREAMING, headers: { ...form, Authorization: `Bearer ${mintSessionToken(shop)}` } });
    expectTooLarge(answer, "/app", limitOf("/app"));
    expect(answer.bodyCompleteBeforeAnswer).toBe(false);
    expect(await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).toEqual(before);
  });

  it("a path no route reads a body on has the smallest limit (16 KiB)", async () => {
    const answer = await streamBody(`${app.url}/healthz`, Buffer.alloc(64 * 1024, 65), { declareLength: true });
    expectTooLarge(answer, "this path", DEFAULT_BODY_LIMIT.maxBytes);
  });
});

describe("the client still sending when refused", () => {
  // Closing a connection while the client is still sending makes the kernel
  // reset it, and the client loses the 413 it was about to read. The server
  // half-closes, drains for a moment, then closes.
  for (const connection of ["close", "keep-alive"] as const) {
    it(`reads its 413, not a reset (Connection: ${connection})`, async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await streamBody(`${app.url}/webhooks/stripe`, Buffer.alloc(8 * MiB, 65), { declareLength: true, connection, chunkBytes: 256 * 1024, pauseMs: 1 });
        expectTooLarge(answer, "/webhooks", limitOf("/webhooks"));
        const streamed = await streamBody(`${app.url}/webhooks/stripe`, Buffer.alloc(8 * MiB, 65), { connection, chunkBytes: 256 * 1024, pauseMs: 1 });
        expectTooLarge(streamed, "/webhooks", limitOf("/webhooks"));
      }
    });
  }
});

describe("Expect: 100-continue", () => {
  it("a body declared over the limit is refused before the client is told to send it", async () => {
    const answer = await streamBody(`${app.url}/webhooks/stripe`, Buffer.alloc(2 * MiB, 65), { declareLength: true, expectContinue: true });
    expectTooLarge(answer, "/webhooks", limitOf("/webhooks"));
    expect(answer.continued).toBe(false);
    expect(answer.sentBeforeAnswer).toBe(0);
  });

  it("a body within the limit is told to continue and reaches the route", async () => {
    const answer = await streamBody(`${app.url}/webhooks/stripe`, Buffer.from("{}"), { declareLength: true, expectContinue: true, headers: { "Stripe-Signature": "t=1,v1=00" } });
    expect(answer.continued).toBe(true);
    expect(answer.status).toBe(400); // reached the route: the signature is wrong
  });
});
