// The child process of bench/vitals.ts: the demo stack (the production build
// of the app framed by the admin host, on a fresh SQLite file), the demo shop
// grown to 10,000 recurring invoices and 50,000 runs, and Debian's Chromium
// loading each measured page `loads` times through the admin host, each load
// in a fresh browser context (cold cache, new session token, as a merchant
// opening the app). The Web Vitals are the ones the App Bridge stand-in
// gathers in the app's frame with the web-vitals library
// (sandbox/admin-host/app-bridge.js), read from the host page; the JS and CSS
// are what the frame downloaded from the app for the page. Prints one JSON
// line: every load's figures per page.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { startDemoStack } from "../sandbox/demo/stack";
import { launchChromium } from "../tests/e2e/browser";
import { FEATURED_TEMPLATE } from "./admin-fixtures";

export type VitalsLoad = {
  /** Bytes on the wire (compressed) of the JS and CSS, beside the decoded ones. */
  jsTransferred: number;
  cssTransferred: number; lcp?: number; cls?: number; inp?: number; ttfb?: number; fcp?: number; jsBytes: number; cssBytes: number; jsFiles: number; cssFiles: number };
export type VitalsProbe = { templates: number; runs: number; pages: Record<string, VitalsLoad[]> };

// Shopify's library turns away bots; headless Chromium announces itself as one (tests/e2e/browser.ts).
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const TEMPLATES = 10_000;
/** After the page shows, how long late layout shifts and LCP candidates may still come. */
const SETTLE_MS = 1_000;

// The server renders with React's production build, as under `npm start`
// (server/start.ts sets NODE_ENV=production before loading anything). The demo
// stack refuses NODE_ENV=production (its stand-ins never run in production),
// so React is loaded first under it and NODE_ENV put back; the app's own
// configuration then defaults to production as in the demo, the stack
// allowing its stand-in URLs (ALLOW_STANDIN_URLS).
process.env.NODE_ENV = "production";
await import("react");
await import("react/jsx-runtime");
await import("react-dom");
await import("react-dom/server");
Reflect.deleteProperty(process.env, "NODE_ENV");

const { loads, warmup } = JSON.parse(process.argv[2] ?? "{}") as { loads: number; warmup: number };
const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-bench-vitals-")), "demo.sqlite");
// The worker ticks once at start (nothing is due yet) and not again during the bench: no invoice goes out while pages are measured.
const stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 3_600_000 });
let browser: Browser | undefined;

type Vital = { name: string; value: number; path: string };
const appFrame = (page: Page): Frame => page.frame({ name: "app-iframe" })!;

/** Loads `pathname` in the admin host in a new context; `ready` waits for the page's content in the frame; `act` interacts. */
async function load(pathname: string, ready: (frame: Frame) => Promise<unknown>, act?: (frame: Frame) => Promise<void>): Promise<VitalsLoad> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const assets: Promise<{ kind: "js" | "css"; bytes: number; transferred: number }>[] = [];
    let counting = true;
    page.on("response", (response) => {
      const type = response.request().resourceType();
      if (!counting || !response.url().startsWith(stack.appUrl) || (type !== "script" && type !== "stylesheet")) return;
      assets.push(
        Promise.all([response.body(), response.request().sizes()]).then(([body, sizes]) => ({
          kind: type === "script" ? "js" : "css",
          bytes: body.length,
          transferred: sizes.responseBodySize,
        })),
      );
    });
    await page.goto(`${stack.hostUrl}/?locale=en&path=${encodeURIComponent(pathname)}`);
    await page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('[data-testid="app-frame"]')?.src);
    let frame = appFrame(page);
    await frame.waitForLoadState("load");
    await ready(frame);
    await page.waitForTimeout(SETTLE_MS);
    counting = false;
    if (act) {
      await act(frame);
      frame = appFrame(page);
    }
    // INP is reported once the browser is idle after the interaction (web-vitals waits for it).
    await page.waitForTimeout(act ? SETTLE_MS : 0);
    const vitals = ((await page.evaluate(() => (window as unknown as { __webVitals?: Vital[] }).__webVitals ?? [])) as Vital[]).filter(
      (vital) => vital.path === pathname,
    );
    const last = (name: string) => vitals.filter((vital) => vital.name === name).at(-1)?.value;
    const downloaded = await Promise.all(assets);
    const sum = (kind: "js" | "css", size: "bytes" | "transferred" = "bytes") =>
      downloaded.filter((asset) => asset.kind === kind).reduce((total, asset) => total + asset[size], 0);
    return {
      lcp: last("LCP"),
      cls: last("CLS"),
      inp: last("INP"),
      ttfb: last("TTFB"),
      fcp: last("FCP"),
      jsBytes: sum("js"),
      cssBytes: sum("css"),
      jsTransferred: sum("js", "transferred"),
      cssTransferred: sum("css", "transferred"),
      jsFiles: downloaded.filter((asset) => asset.kind === "js").length,
      cssFiles: downloaded.filter((asset) => asset.kind === "css").length,
    };
  } finally {
    await context.close();
  }
}

/** A template's own page (not the new-template form, not the edit form). */
const templatePage = (url: URL) => /^\/app\/templates\/[^/]+$/.test(url.pathname) && url.pathname !== "/app/templates/new";
const heading = (name: string) => (frame: Frame) => frame.getByRole("heading", { name }).first().waitFor();

try {
  browser = await launchChromium();
  // The first load installs the demo shop (token exchange); then one real
  // template, made from an order through the form, whose edit form is measured.
  await load("/app", heading("Recurring invoices"));
  let formPath = "";
  await load("/app/orders", heading("Orders"), async (frame) => {
    await frame.getByRole("link", { name: "Make order #1002 recurring" }).click();
    await frame.getByRole("button", { name: "Create recurring invoice" }).first().click();
    await frame.waitForURL(templatePage);
    formPath = `${new URL(frame.url()).pathname}/edit`;
  });
  // Filled by another process: this one's SQLite (the adapter's own copy of
  // better-sqlite3) holds the file, and a second SQLite library in one process
  // would drop its POSIX locks on close and corrupt the file.
  const filled = execFileSync(process.execPath, ["--import", "tsx", "bench/vitals-fill.ts", databaseFile, stack.shop, String(TEMPLATES)], { encoding: "utf8" });
  const loaded = JSON.parse(filled.trim().split("\n").at(-1)!) as { runs: number };

  let frequency = "Monthly";
  const pages: Record<string, [string, (frame: Frame) => Promise<unknown>, ((frame: Frame) => Promise<void>)?]> = {
    home: ["/app", heading("Recurring invoices")],
    "templates index": ["/app/templates", (frame) => frame.getByRole("link", { name: /Client 9999\b/ }).first().waitFor()],
    "template page (120 runs)": [`/app/templates/${FEATURED_TEMPLATE}`, (frame) => frame.getByText(`B-${FEATURED_TEMPLATE}r119`).first().waitFor()],
    "template form": [
      formPath,
      heading("Edit recurring invoice"),
      // INP: the merchant opens the frequency select, picks another, and saves.
      async (frame) => {
        const select = frame.getByLabel("Frequency");
        await select.click();
        await page(frame).keyboard.press("Escape");
        frequency = frequency === "Monthly" ? "Every 3 months" : "Monthly";
        await select.selectOption({ label: frequency });
        await frame.getByRole("button", { name: "Save changes" }).first().click();
        await frame.waitForURL(templatePage);
      },
    ],
  };
  const results: Record<string, VitalsLoad[]> = {};
  for (const [name, [pathname, ready, act]] of Object.entries(pages)) {
    results[name] = [];
    for (let index = 0; index < warmup + loads; index++) {
      const measured = await load(pathname, ready, act);
      if (index >= warmup) results[name].push(measured);
    }
  }
  const probe: VitalsProbe = { templates: TEMPLATES + 2, runs: loaded.runs, pages: results };
  console.log(JSON.stringify(probe));
} finally {
  await browser?.close();
  await stack.close();
  fs.rmSync(path.dirname(databaseFile), { recursive: true, force: true });
}

function page(frame: Frame): Page {
  return frame.page();
}
