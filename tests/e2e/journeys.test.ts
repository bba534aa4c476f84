// The product as a person meets it: the offline stack (sandbox/demo) with the
// production build of the app, driven in Debian's Chromium. Each journey goes
// through the real paths — session tokens from the admin host, token exchange
// with the Shopify stand-in, invoices through the real Stripe SDK, payment
// confirmed by the Stripe stand-in's signed webhooks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoStack, type DemoStack, DEMO_APP } from "../../sandbox/demo/stack";
import { advancePast9am, launchChromium, parisDate, reloadUntil, screenshot, SCREENSHOT_DIR, USER_AGENT } from "./browser";

const HOUR = 3_600_000;

let stack: DemoStack;
let browser: Browser;
let page: Page;
let app: FrameLocator;

async function openAdmin(locale: "en" | "fr" = "en", pathname = "/app") {
  await page.goto(`${stack.hostUrl}/?locale=${locale}&path=${encodeURIComponent(pathname)}`);
  app = page.frameLocator('[data-testid="app-frame"]');
}

/** Fills the template form for an order and submits it; lands on the template page. */
async function makeRecurring(orderName: string, firstInvoiceDate: string, options: { signature?: boolean } = {}) {
  await page.locator("nav").getByRole("link", { name: "Orders" }).click();
  await app.getByRole("link", { name: `Make order ${orderName} recurring` }).click();
  await expect.poll(() => app.getByRole("heading", { name: "Make recurring" }).count(), { timeout: 20_000 }).toBe(1);
  await app.getByLabel("Frequency").selectOption("monthly");
  await app.getByLabel("First invoice date").fill(firstInvoiceDate);
  await app.getByLabel("Time of day").fill("09:00");
  await expect.poll(() => app.getByText("Next 12 invoices").count()).toBe(1);
  if (options.signature) await app.getByLabel("Ask the customer to sign each invoice").check();
  await app.getByRole("button", { name: "Create recurring invoice" }).click();
  await expect.poll(() => app.getByText("Recurring invoice created").count(), { timeout: 20_000 }).toBeGreaterThan(0);
}

beforeAll(async () => {
  fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-e2e-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 250 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  // A step that cannot happen fails with Playwright's message, well within the test's time.
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("browser journeys", { timeout: 120_000 }, () => {
  it("merchant: makes an order recurring, previews the dates, and sees the invoice sent when its day comes", async () => {
    await openAdmin("en");
    await expect.poll(() => app.getByRole("heading", { name: "Recurring invoices" }).count(), { timeout: 30_000 }).toBe(1);
    await screenshot(page, "1-merchant-home");

    const firstDate = parisDate(stack, 1);
    await makeRecurring("#1001", firstDate);
    await screenshot(page, "2-merchant-template-created");
    expect(await app.getByText("Sent", { exact: true }).count()).toBe(0); // nothing is issued before its day

    await advancePast9am(stack, firstDate);
    await reloadUntil(page, "Sent");
    await expect.poll(() => app.getByRole("link", { name: /View invoice/ }).count()).toBeGreaterThan(0);
    await screenshot(page, "3-merchant-run-sent");
    const invoices = stack.stripe.control.ledger(DEMO_APP.stripeAccount);
    expect(invoices.filter((invoice) => invoice.status !== "draft")).toHaveLength(1);
  });

  it("customer: pays the hosted invoice, and the merchant sees it paid through Stripe's webhooks", async () => {
    const hostedUrl = await app.getByRole("link", { name: /View invoice/ }).first().getAttribute("href");
    expect(hostedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const customer = await browser.newPage({ userAgent: USER_AGENT });
    await customer.goto(hostedUrl!);
    await screenshot(customer, "4-customer-hosted-invoice");
    await customer.getByRole("button", { name: /^Pay \d/ }).click();
    await expect.poll(() => customer.getByText(/paid/i).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await customer.close();

    await reloadUntil(page, "Paid");
    // The payment, stamped on the demo's time line, is the newest event of the
    // trail (newest first): after the invoice was sent, not days before it.
    const trail = await app.locator("body").innerText();
    expect(trail.indexOf("Invoice paid")).toBeGreaterThan(-1);
    expect(trail.indexOf("Invoice paid")).toBeLessThan(trail.indexOf("Invoice sent"));
    await screenshot(page, "5-merchant-run-paid");
  });

  it("speaks French to a French merchant", async () => {
    await openAdmin("fr");
    await expect.poll(() => app.getByRole("heading", { name: "Factures récurrentes" }).count(), { timeout: 30_000 }).toBe(1);
    await screenshot(page, "6-merchant-home-fr");
  });

  it("failure: Stripe errors make the run fail with a message; after the fault clears, retry sends it", async () => {
    await openAdmin("en");
    const firstDate = parisDate(stack, 1);
    await makeRecurring("#1002", firstDate);

    stack.stripe.control.setFaults(DEMO_APP.stripeAccount, { serverErrorRatio: 1 });
    await advancePast9am(stack, firstDate);
    // Transient errors are retried with backoff; move time until the retries run out.
    for (let hour = 0; hour < 12 && (await app.getByText("Failed", { exact: true }).count()) === 0; hour++) {
      await stack.advanceClock(HOUR);
      await reloadUntil(page, /Failed|Issuing|Planned/);
    }
    await reloadUntil(page, "Failed");
    await screenshot(page, "7-merchant-run-failed");
    expect(await app.getByText(/Stripe/).count()).toBeGreaterThan(0); // the message says what happened

    stack.stripe.control.clearFaults(DEMO_APP.stripeAccount);
    await app.getByRole("button", { name: "Retry" }).click();
    await reloadUntil(page, "Sent");
    await screenshot(page, "8-merchant-run-sent-after-retry");
  });

  it("signature: the customer follows the invoice's signing link, draws, signs, then pays; the merchant sees signed and paid", async () => {
    await openAdmin("en");
    const firstDate = parisDate(stack, 1);
    await makeRecurring("#1003", firstDate, { signature: true });
    await advancePast9am(stack, firstDate);
    await reloadUntil(page, "Sent");
    const hostedUrl = await app.getByRole("link", { name: /View invoice/ }).first().getAttribute("href");

    const customer = await browser.newPage({ userAgent: USER_AGENT, viewport: { width: 390, height: 844 }, hasTouch: false });
    customer.setDefaultTimeout(15_000);
    await customer.goto(hostedUrl!);
    // The hosted invoice carries the signing link (a custom field of the Stripe invoice).
    const signingUrl = /https?:\/\/\S+\/sign\/[\w-]+/.exec(await customer.locator("body").innerText())?.[0];
    expect(signingUrl).toBeDefined();
    await customer.goto(signingUrl!);
    const canvas = customer.getByTestId("signature-canvas");
    await customer.waitForLoadState("networkidle"); // the pad's script loads after hydration
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await customer.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await customer.mouse.down();
    for (let step = 1; step <= 12; step++) {
      await customer.mouse.move(box.x + 20 + step * 18, box.y + box.height * (0.7 - 0.4 * Math.sin(step / 2)), { steps: 3 });
    }
    await customer.mouse.up();
    await customer.getByTestId("signer-name").fill("Nathalie Perrin");
    await customer.getByTestId("consent").check();
    await screenshot(customer, "9-customer-signing");
    await customer.getByTestId("sign-submit").click();
    await expect.poll(() => customer.getByTestId("signed-state").count()).toBe(1);
    await screenshot(customer, "10-customer-signed");

    await customer.getByTestId("pay-link").click();
    await customer.getByRole("button", { name: /^Pay \d/ }).click();
    await expect.poll(() => customer.getByText(/paid/i).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await customer.close();

    await reloadUntil(page, "Paid");
    await reloadUntil(page, "Signed");
    await expect.poll(() => app.getByText(/^Signed by Nathalie Perrin on /).count()).toBe(1);
    await screenshot(page, "11-merchant-run-signed-and-paid");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      app.getByRole("button", { name: "Download signed PDF" }).click(),
    ]);
    const pdf = fs.readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
