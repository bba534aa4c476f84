// The public pages' Content-Security-Policy as a browser enforces it: the
// pages hydrate (their scripts carry the answer's nonce), nothing on them is
// refused, and another site cannot frame them. The signing page itself is
// walked end to end, pad and all, in journeys.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { launchChromium, USER_AGENT } from "./browser";


let stack: DemoStack;
let browser: Browser;

beforeAll(async () => {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-csp-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 60_000 });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/**
 * A page that records every CSP violation the browser reports, from before
 * the first script runs. Playwright's own evaluations (page.evaluate, its
 * locators) use eval() through the DevTools protocol, which Chromium may
 * report as an "eval" violation from no script of the page; those are left
 * out (an eval() in one of our scripts names that script).
 */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage({ userAgent: USER_AGENT });
  page.setDefaultTimeout(15_000);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      if (event.blockedURI === "eval" && !event.sourceFile.startsWith(location.origin)) return;
      seen.push(`${event.violatedDirective} ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  // Violations are reported asynchronously: let the page settle before reading them.
  const violations = async () => {
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  };
  return { page, violations };
}

/** Remix sets this once the page has hydrated: its scripts ran. */
function hydrated(page: Page): Promise<boolean> {
  return page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter === "object");
}

describe("public pages in Chromium", { timeout: 60_000 }, () => {
  it("/verify hydrates under its CSP and its form works, with no violation", async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${stack.appUrl}/verify`);
    await expect.poll(() => hydrated(page)).toBe(true);
    await page.getByTestId("verify-hash").fill("not-a-hash");
    await page.getByTestId("verify-submit").click();
    await expect.poll(() => page.getByText("A SHA-256 fingerprint is 64 characters, 0–9 and a–f.").count()).toBe(1);
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it("the landing page and the error page hydrate with no violation", async () => {
    for (const pathname of ["/", "/no/such/page"]) {
      const { page, violations } = await watchedPage();
      await page.goto(`${stack.appUrl}${pathname}`);
      await expect.poll(() => hydrated(page), { message: pathname }).toBe(true);
      expect(await violations(), pathname).toEqual([]);
      await page.close();
    }
  });

  it("another site cannot frame a public page", async () => {
    const page = await browser.newPage({ userAgent: USER_AGENT });
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/frame-ancestors/.test(message.text())) refused.push(message.text());
    });
    // The admin host's origin: it may frame the embedded admin, not the public pages.
    await page.goto(`${stack.hostUrl}/app-bridge.js`);
    await page.setContent(`<iframe name="framed" src="${stack.appUrl}/verify"></iframe>`);
    await expect.poll(() => refused.length).toBeGreaterThan(0);
    expect(refused[0]).toContain("frame-ancestors 'none'");
    const framed = page.frame({ name: "framed" });
    expect(await framed?.evaluate(() => document.querySelector("[data-testid=verify-hash]") !== null).catch(() => false)).toBe(false);
    await page.close();
  });
});
