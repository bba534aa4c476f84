// Debian's Chromium driven by playwright-core: no browser is downloaded.
// The flags keep Chromium off the network this machine does not have.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { Temporal } from "temporal-polyfill";
import type { DemoStack } from "../../sandbox/demo/stack";

/** Shopify's library turns away bots; headless Chromium announces itself as one. */
export const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where journeys leave their screenshots; CI prints this folder. */
export const SCREENSHOT_DIR = path.resolve("artifacts/screenshots");

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's package: apt-get install chromium (bash .ci/run does).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A civil date in the demo shop's zone (Paris), `days` after the demo clock's today. */
export function parisDate(stack: DemoStack, days: number): string {
  return stack.clock.now().toZonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();
}

/** Moves the demo clock just past 09:00 (the invoices' time of day) in Paris on `date`. */
export async function advancePast9am(stack: DemoStack, date: string): Promise<void> {
  const due = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: "Europe/Paris", plainTime: "09:01" }).epochMilliseconds;
  await stack.advanceClock(due - stack.clock.now().epochMilliseconds);
}

/**
 * Reloads the app's framed page until `text` shows (webhooks and the worker
 * act asynchronously), opening its current page again through the admin host
 * as a merchant coming back to it would (fresh session token). On time out,
 * leaves a screenshot named `${screenshotPrefix}-<text>`.
 */
export async function reloadUntil(page: Page, text: string | RegExp, { screenshotPrefix = "failed-waiting-for", timeoutMs = 30_000 } = {}): Promise<void> {
  const app = page.frameLocator('[data-testid="app-frame"]');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await app.getByText(text, { exact: true }).count()) > 0) return;
    if (Date.now() > deadline) {
      await screenshot(page, `${screenshotPrefix}-${String(text).replace(/\W+/g, "-")}`);
      throw new Error(`"${String(text)}" did not appear within ${timeoutMs} ms`);
    }
    await page.waitForTimeout(500);
    const current = new URL(page.frame({ name: "app-iframe" })!.url()).pathname;
    await page.evaluate((pathname) => (window as unknown as { openApp(p: string): Promise<void> }).openApp(pathname), current);
    await page.frame({ name: "app-iframe" })?.waitForLoadState();
  }
}
