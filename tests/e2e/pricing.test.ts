// App pricing as a merchant meets it, in Chromium over the offline stack: a
// shop on the Free plan makes 3 recurring invoices, is asked to upgrade at
// the 4th (the form keeps what was typed), approves Pro on Shopify's
// plan-selection page in the admin host (which sends the signed
// app_subscriptions/update webhook to the app), and makes the 4th.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { launchChromium, screenshot, USER_AGENT } from "./browser";


let stack: DemoStack;
let browser: Browser;
let page: Page;
let app: FrameLocator;
const pageErrors: string[] = [];

const parisDate = (days: number) => stack.clock.now().toZonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();

async function openAdmin(pathname = "/app") {
  await page.goto(`${stack.hostUrl}/?locale=en&path=${encodeURIComponent(pathname)}`);
  app = page.frameLocator('[data-testid="app-frame"]');
}

/** Opens the order's "Make recurring" form and fills it (monthly, first invoice in `days` days). */
async function fillForm(orderName: string, days: number) {
  await page.locator("nav").getByRole("link", { name: "Orders" }).click();
  await app.getByRole("link", { name: `Make order ${orderName} recurring` }).click();
  await expect.poll(() => app.getByRole("heading", { name: "Make recurring" }).count(), { timeout: 20_000 }).toBe(1);
  await app.getByLabel("Frequency").selectOption("monthly");
  await app.getByLabel("First invoice date").fill(parisDate(days));
  await expect.poll(() => app.getByText("Next 12 invoices").count()).toBe(1);
}

const submit = () => app.getByRole("button", { name: "Create recurring invoice" }).click();
const created = () => expect.poll(() => app.getByText("Recurring invoice created").count(), { timeout: 20_000 }).toBeGreaterThan(0);

beforeAll(async () => {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-e2e-pricing-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 250 });
  // The demo shop is seeded on Pro; this merchant starts on Free.
  await stack.shopify.control.choosePlan(stack.shop, "free");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  page.setDefaultTimeout(15_000);
  // A page that breaks in the browser fails the test, whatever it shows.
  page.on("pageerror", (error) => pageErrors.push(String(error)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("pricing in the browser", { timeout: 180_000 }, () => {
  it("a Free shop makes 3, is asked to upgrade at the 4th, upgrades on Shopify's plan page and makes the 4th", async () => {
    await openAdmin("/app/settings");
    await expect.poll(() => app.getByTestId("plan-usage").textContent(), { timeout: 30_000 }).toBe("0 of 3 active recurring invoices — Free plan");

    for (const order of ["#1001", "#1002", "#1003"]) {
      await fillForm(order, 3);
      await submit();
      await created();
    }

    await fillForm("#1004", 5);
    await submit();
    await expect.poll(() => app.getByText("Upgrade to Pro to make this recurring invoice").count()).toBe(1);
    await expect.poll(() => app.getByTestId("plan-limit").textContent()).toContain("The Free plan runs up to 3 recurring invoices at the same time, and 3 are active.");
    // Nothing typed is lost: the form still holds the merchant's values.
    expect(await app.getByLabel("First invoice date").inputValue()).toBe(parisDate(5));
    expect(await app.getByLabel("Frequency").inputValue()).toBe("monthly");
    await screenshot(page, "pricing-1-free-plan-limit");

    // Shopify's plan-selection page opens in a new tab of the admin.
    const [plans] = await Promise.all([page.waitForEvent("popup"), app.getByRole("link", { name: "Upgrade to Pro" }).click()]);
    await plans.waitForLoadState();
    expect(new URL(plans.url()).pathname).toBe("/store/ritournelle-demo/charges/ritournelle/pricing_plans");
    await expect.poll(() => plans.getByRole("heading", { name: "Choose a plan for Ritournelle" }).count()).toBe(1);
    await screenshot(plans, "pricing-2-plan-selection");
    await plans.getByTestId("choose-pro").click();
    await plans.waitForURL(/\?path=%2Fapp$/);
    expect(stack.shopify.control.webhookDeliveries().map((delivery) => [delivery.topic, delivery.status]).at(-1)).toEqual(["app_subscriptions/update", 200]);
    await plans.close();

    // Back in the first tab, the same values, the same button.
    await submit();
    await created();
    expect(await app.getByText("Upgrade to Pro to make this recurring invoice").count()).toBe(0);
    await openAdmin("/app/settings");
    await expect.poll(() => app.getByTestId("plan-usage").textContent(), { timeout: 30_000 }).toBe("4 active recurring invoices — Pro plan, unlimited");
    await screenshot(page, "pricing-3-pro-plan");
    expect(pageErrors).toEqual([]);
  });
});
