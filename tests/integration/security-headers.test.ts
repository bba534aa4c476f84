// The security headers of each kind of page (app/http/security-headers.ts),
// read from the app's real HTTP server: public pages get a strict CSP with a
// fresh nonce that every script of the page carries, no Referer, no sniffing,
// and cannot be framed; the embedded admin keeps Shopify's frame-ancestors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { startApp, type RunningApp } from "../helpers/app-server";
import { storeOfflineSession } from "../helpers/shopify";

let app: RunningApp;

beforeAll(async () => {
  await configureDatabase(prisma);
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

type Page = { status: number; headers: Headers; html: string };

async function get(path: string, headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(`${app.url}${path}`, { redirect: "manual", headers: { "User-Agent": "Mozilla/5.0", ...headers } });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** The directives of a CSP header, by name. */
function directives(policy: string | null): Map<string, string> {
  return new Map(
    (policy ?? "")
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => [part.split(/\s+/)[0]!, part.slice(part.indexOf(" ") + 1)] as const),
  );
}

/** Asserts the public policy, and that every <script> of the page carries its nonce; returns the nonce. */
function expectPublicPage(page: Page, referrerPolicy = "no-referrer"): string {
  const csp = directives(page.headers.get("content-security-policy"));
  expect(csp.get("default-src")).toBe("'self'");
  expect(csp.get("frame-ancestors")).toBe("'none'");
  expect(csp.get("form-action")).toBe("'self'");
  expect(csp.get("object-src")).toBe("'none'");
  expect(csp.get("base-uri")).toBe("'none'");
  const nonce = /'nonce-([^']+)'/.exec(csp.get("script-src") ?? "")?.[1];
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  // No inline script without the nonce: only 'self' and the nonce may run.
  expect(csp.get("script-src")).toBe(`'self' 'nonce-${nonce}'`);
  expect(page.headers.get("referrer-policy")).toBe(referrerPolicy);
  expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  for (const script of page.html.match(/<script\b[^>]*>/g) ?? []) expect(script).toContain(`nonce="${nonce}"`);
  return nonce!;
}

describe("public pages", () => {
  it("/verify: strict CSP, its scripts carry the nonce, no Referer", async () => {
    const page = await get("/verify");
    expect(page.status).toBe(200);
    expect(page.html).toContain("<script");
    expectPublicPage(page);
  });

  it("each answer has a nonce of its own", async () => {
    const first = expectPublicPage(await get("/verify"));
    const second = expectPublicPage(await get("/verify"));
    expect(first).not.toBe(second);
  });

  it("/sign/<token>: the same policy, with Referer only to our own origin (its form's Origin check needs it)", async () => {
    const page = await get("/sign/not-a-real-token");
    expect(page.status).toBe(404);
    expectPublicPage(page, "same-origin");
  });

  it("the landing page, and its redirect into the admin when opened with a shop", async () => {
    expectPublicPage(await get("/"));
    const withShop = await get("/?shop=headers.myshopify.com");
    expect(withShop.status).toBe(302);
    expectPublicPage(withShop);
  });

  it("the Stripe OAuth callback's page", async () => {
    const page = await get("/stripe/oauth/callback?state=unknown&code=ac_123");
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toContain("text/html");
    expectPublicPage(page);
  });

  it("error pages: a path no route answers", async () => {
    const page = await get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.html).toContain("404");
    expectPublicPage(page);
  });

  it("a page's single-fetch data request and static assets carry the policy too", async () => {
    expectPublicPage(await get("/verify.data"));
    const asset = await get("/favicon.svg");
    expect(asset.status).toBe(200);
    expectPublicPage(asset);
  });
});

describe("the embedded admin", () => {
  it("keeps Shopify's frame-ancestors (the shop and the Shopify admin) and gets no public policy", async () => {
    const shop = "headers.myshopify.com";
    await storeOfflineSession(shop);
    const host = Buffer.from(`${shop}/admin`).toString("base64url");
    const page = await get(`/app?embedded=1&shop=${shop}&host=${host}`);
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain(`frame-ancestors https://${shop} https://admin.shopify.com`);
    expect(policy).not.toContain("'none'");
    expect(policy).not.toContain("default-src");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("machine endpoints", () => {
  it("webhooks, the extension API and the health check: nosniff, no page policy", async () => {
    for (const path of ["/healthz", "/webhooks/stripe", "/api/extension/orders/1"]) {
      const page = await get(path);
      expect(page.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(page.headers.get("content-security-policy"), path).toBeNull();
    }
  });
});
