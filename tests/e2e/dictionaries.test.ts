// The browser holds only the page's language: an English admin page loads no
// French words, a French one no English words of the app (the app's
// dictionary is 60 kB of JSON per language; app/i18n/dictionaries/browser.ts
// loads the one the server wrote in <html lang> before hydrating). Checked
// on what Chromium really downloads from the app through the admin host, in
// both languages, switching language between loads (the merchant's admin
// language decides, and the shop remembers it), with the page hydrated
// without a mismatch (a page hydrated with the wrong words would be
// re-rendered by React and report it).
//
// One dictionary stays on every admin page whatever its language, from
// Shopify's library: @shopify/shopify-app-remix's AppProvider imports
// Polaris' English (11 kB) as its fallback; only the app's own words are
// checked here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import fr from "~/i18n/fr.json";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { launchChromium } from "./browser";

// Shopify's library turns away bots; headless Chromium announces itself as one.
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

let stack: DemoStack;
let browser: Browser;

/**
 * Words only one language's dictionary has: long values that differ between
 * the two and that a bundle holds verbatim (no quote, backslash or brace
 * that the bundler might escape).
 */
function ownWords(mine: Record<string, string>, other: Record<string, string>): string[] {
  return Object.entries(mine)
    .filter(([key, value]) => value.length >= 25 && value !== other[key] && !/["'\\{}<>]/.test(value) && !Object.values(other).some((text) => text.includes(value)))
    .map(([, value]) => value);
}
const ENGLISH = ownWords(en, fr);
const FRENCH = ownWords(fr, en);

type Visit = { scripts: string; lang: string; heading: string; errors: string[] };

/** One merchant opening the home page in a fresh browser (cold cache), in `locale`; what the app's frame downloaded and showed. */
async function visit(locale: "en" | "fr", heading: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const bodies: Promise<string>[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(stack.appUrl) && response.request().resourceType() === "script") bodies.push(response.text());
    });
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${stack.hostUrl}/?locale=${locale}&path=${encodeURIComponent("/app")}`);
    await page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('[data-testid="app-frame"]')?.src);
    const frame: Frame = page.frame({ name: "app-iframe" })!;
    await frame.waitForLoadState("load");
    await frame.getByRole("heading", { name: heading }).first().waitFor();
    // Hydrated: React's root is on the document (entry.client.tsx hydrates once the dictionary is in), and the network is quiet.
    await frame.waitForFunction(() => Object.keys(document).some((key) => key.startsWith("__reactContainer")));
    await page.waitForLoadState("networkidle");
    return { scripts: (await Promise.all(bodies)).join("\n"), lang: await frame.evaluate(() => document.documentElement.lang), heading, errors };
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-dictionaries-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 3_600_000 });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the browser gets the merchant's language only", { timeout: 120_000 }, () => {
  it("has words of each language's own to look for", () => {
    expect(ENGLISH.length).toBeGreaterThan(100);
    expect(FRENCH.length).toBeGreaterThan(100);
  });

  it("an English page downloads no French, a French page no English, and switching language between loads works", async () => {
    for (const [locale, heading, own, foreign] of [
      ["en", en["home.title"], ENGLISH, FRENCH],
      ["fr", fr["home.title"], FRENCH, ENGLISH],
      ["en", en["home.title"], ENGLISH, FRENCH],
    ] as const) {
      const seen = await visit(locale, heading);
      expect({ locale, lang: seen.lang }).toEqual({ locale, lang: locale });
      // Its own words are there (the dictionary was loaded, the check below means something)…
      expect({ locale, missing: own.filter((words) => !seen.scripts.includes(words)).slice(0, 3) }).toEqual({ locale, missing: [] });
      // …and none of the other language's.
      expect({ locale, foreign: foreign.filter((words) => seen.scripts.includes(words)).slice(0, 3) }).toEqual({ locale, foreign: [] });
      expect({ locale, errors: seen.errors.filter((text) => /hydrat|Minified React error|dictionary/i.test(text)) }).toEqual({ locale, errors: [] });
    }
  });
});
