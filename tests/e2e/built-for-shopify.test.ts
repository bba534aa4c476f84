// Built for Shopify's admin patterns, as a merchant meets them in Chromium
// through the admin host stand-in (sandbox/admin-host) framing the production
// build of the app (sandbox/demo stack):
// - the template form's unsaved changes in the admin's contextual save bar
//   (App Bridge <ui-save-bar>): Discard restores the values, Save saves, and
//   leaving with unsaved changes is held until the merchant says so — from the
//   admin's menu and from the app's own back link;
// - the home page's setup guide, dismissed once and gone on the next visit;
// - the order page's print action (extensions/print-recurring, bundled with
//   esbuild as `shopify app build` would): the schedule before any invoice,
//   the latest invoice's PDF once one went out, a clear refusal otherwise.
//
// What the stand-in cannot reproduce of the real admin: the bar is the host
// page's own header bar (not Shopify's), and App Bridge's messages between the
// frame and the admin are the stand-in's postMessage protocol
// (sandbox/admin-host/app-bridge.js), not Shopify's; the print preview is the
// stand-in's (it loads `src` with the session token, as the app's print route
// expects), not the admin's print dialog.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleAdminExtension, MAX_EXTENSION_BUNDLE_BYTES, type AdminExtensionBundle } from "../../sandbox/admin-host/extension-bundle";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { launchChromium, screenshot, USER_AGENT } from "./browser";


let stack: DemoStack;
let browser: Browser;
let page: Page;
let app: FrameLocator;
let printBundle: AdminExtensionBundle;

async function openAdmin(pathname = "/app", locale: "en" | "fr" = "en") {
  await page.goto(`${stack.hostUrl}/?locale=${locale}&path=${encodeURIComponent(pathname)}`);
  app = page.frameLocator('[data-testid="app-frame"]');
}

function numericOrderId(name: string): string {
  const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === name);
  if (!order) throw new Error(`no order ${name} in the demo shop`);
  return order.id.split("/").pop()!;
}

const appPath = () => new URL(page.frame({ name: "app-iframe" })!.url()).pathname;
const saveBar = () => page.getByTestId("host-save-bar");
const leaveDialog = () => page.getByTestId("leave-dialog");

beforeAll(async () => {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-bfs-")), "demo.sqlite");
  printBundle = await bundleAdminExtension(path.resolve("extensions/print-recurring"));
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 250, extensions: [printBundle] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("Built for Shopify admin patterns", { timeout: 120_000 }, () => {
  it("home: the setup guide is dismissed once and stays dismissed for the shop", async () => {
    await openAdmin("/app");
    const guide = app.getByTestId("setup-guide");
    await expect.poll(() => guide.count(), { timeout: 30_000 }).toBe(1);
    expect(await guide.getByText("Setup guide", { exact: true }).count()).toBe(1);
    await screenshot(page, "bfs-1-setup-guide");

    await guide.getByRole("button", { name: "Dismiss the setup guide" }).click();
    await expect.poll(() => app.getByTestId("setup-guide").count()).toBe(0);

    // A fresh visit (new session token, new document): the server remembers.
    await openAdmin("/app");
    await expect.poll(() => app.getByRole("heading", { name: "Recurring invoices" }).count(), { timeout: 30_000 }).toBe(1);
    expect(await app.getByTestId("setup-guide").count()).toBe(0);
    const { default: prisma } = await import("~/db.server");
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: stack.shop } })).setupGuideDismissedAt).not.toBeNull();
  });

  it("template form: unsaved changes show the save bar; Discard restores, a navigation is held, Save saves", async () => {
    await openAdmin("/app/orders");
    await app.getByRole("link", { name: "Make order #1002 recurring" }).click();
    await expect.poll(() => app.getByRole("heading", { name: "Make recurring" }).count(), { timeout: 20_000 }).toBe(1);
    const memo = app.getByLabel("Note on the invoice");
    const original = await memo.inputValue();
    // Nothing typed yet: no bar.
    expect(await saveBar().isHidden()).toBe(true);

    await memo.fill("Abonnement café — livraison le lundi");
    await expect.poll(() => saveBar().isVisible()).toBe(true);
    expect(await saveBar().getByText("Unsaved changes").count()).toBe(1);
    await screenshot(page, "bfs-2-save-bar");

    // Discard: the values come back, the bar goes.
    await saveBar().getByTestId("save-bar-discard").click();
    await expect.poll(() => memo.inputValue()).toBe(original);
    await expect.poll(() => saveBar().isHidden()).toBe(true);

    // Edited again: the admin's menu asks before leaving; Stay keeps the edit.
    await memo.fill("Abonnement café — livraison le mardi");
    await expect.poll(() => saveBar().isVisible()).toBe(true);
    await page.locator("nav").getByRole("link", { name: "Recurring invoices" }).click();
    await expect.poll(() => leaveDialog().isVisible()).toBe(true);
    expect(await leaveDialog().getByText("Leave page with unsaved changes?").count()).toBe(1);
    await screenshot(page, "bfs-3-leave-held");
    await leaveDialog().getByTestId("leave-stay").click();
    expect(appPath()).toBe("/app/templates/new");
    expect(await memo.inputValue()).toBe("Abonnement café — livraison le mardi");

    // The app's own back link is held the same way (App Bridge's leaveConfirmation).
    await app.getByRole("link", { name: "Orders" }).first().click();
    await expect.poll(() => leaveDialog().isVisible()).toBe(true);
    await leaveDialog().getByTestId("leave-stay").click();
    expect(appPath()).toBe("/app/templates/new");
    expect(await memo.inputValue()).toBe("Abonnement café — livraison le mardi");

    // Save through the bar: the recurring invoice is created with the edit, the bar goes.
    await saveBar().getByTestId("save-bar-save").click();
    await expect.poll(() => app.getByText("Recurring invoice created").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => saveBar().isHidden()).toBe(true);
    expect(appPath()).toMatch(/^\/app\/templates\/[^/]+$/);
    const { default: prisma } = await import("~/db.server");
    const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === "#1002")!;
    const [template] = await prisma.recurringTemplate.findMany({ where: { sourceOrderId: order.id } });
    expect(template?.memo).toBe("Abonnement café — livraison le mardi");

    // Saved: leaving asks nothing.
    await page.locator("nav").getByRole("link", { name: "Orders" }).click();
    await expect.poll(() => appPath()).toBe("/app/orders");
    expect(await leaveDialog().isVisible()).toBe(false);
  });

  it("template form: Leave page lets the merchant go, without saving", async () => {
    await openAdmin("/app/orders");
    await app.getByRole("link", { name: "Make order #1003 recurring" }).click();
    await expect.poll(() => app.getByRole("heading", { name: "Make recurring" }).count(), { timeout: 20_000 }).toBe(1);
    await app.getByLabel("Note on the invoice").fill("Jamais enregistré");
    await expect.poll(() => saveBar().isVisible()).toBe(true);
    await app.getByRole("link", { name: "Orders" }).first().click();
    await expect.poll(() => leaveDialog().isVisible()).toBe(true);
    await leaveDialog().getByTestId("leave-confirm").click();
    await expect.poll(() => appPath()).toBe("/app/orders");
    await expect.poll(() => saveBar().isHidden()).toBe(true);
    const { default: prisma } = await import("~/db.server");
    const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === "#1003")!;
    expect(await prisma.recurringTemplate.count({ where: { sourceOrderId: order.id } })).toBe(0);
  });

  it("settings: a changed default shows the save bar; Discard restores it, Save through the bar stores it", async () => {
    await openAdmin("/app/settings");
    const days = app.getByLabel("Payment due after");
    await expect.poll(() => days.count(), { timeout: 30_000 }).toBe(1);
    const original = await days.inputValue();
    expect(await saveBar().isHidden()).toBe(true);

    await days.fill("30");
    await expect.poll(() => saveBar().isVisible()).toBe(true);
    await saveBar().getByTestId("save-bar-discard").click();
    await expect.poll(() => days.inputValue()).toBe(original);
    await expect.poll(() => saveBar().isHidden()).toBe(true);

    await days.fill("21");
    await expect.poll(() => saveBar().isVisible()).toBe(true);
    await saveBar().getByTestId("save-bar-save").click();
    await expect.poll(() => app.getByText("Settings saved. New recurring invoices use these defaults.").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => saveBar().isHidden()).toBe(true);
    const { default: prisma } = await import("~/db.server");
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: stack.shop } });
    expect((JSON.parse(shop.settings) as { daysUntilDue?: number }).daysUntilDue).toBe(21);
  });

  it("print action: a bundle the admin accepts (one target, API 2026-01, under 64 KB)", () => {
    expect(printBundle).toMatchObject({ handle: "print-recurring", target: "admin.order-details.print-action.render", apiVersion: "2026-01", defaultLocale: "en" });
    expect(Buffer.byteLength(printBundle.script)).toBeLessThan(MAX_EXTENSION_BUNDLE_BYTES);
  });

  it("print action: prints the schedule before the first invoice, then the latest invoice's PDF", async () => {
    const print = page.frameLocator('[data-testid="extension-frame"]');
    const openPrint = async (orderName: string, locale: "en" | "fr" = "en") => {
      await page.goto(`${stack.hostUrl}/orders/${numericOrderId(orderName)}?locale=${locale}`);
      await page.getByTestId("print-menu").click();
      await page.getByRole("menuitem", { name: locale === "fr" ? "Imprimer la facture récurrente" : "Print recurring invoice" }).click();
    };
    const printAction = () => print.locator("s-admin-print-action");

    // #1002 became a recurring invoice above; nothing has been sent yet.
    await openPrint("#1002");
    await expect.poll(() => print.getByText(/^Recurring invoice for /).count(), { timeout: 20_000 }).toBe(1);
    expect(await print.getByLabel("Latest invoice — none sent yet").isDisabled()).toBe(true);
    expect(await print.getByLabel("Schedule: invoices sent and the next ones").isChecked()).toBe(true);
    await expect.poll(() => printAction().getAttribute("data-preview-status"), { timeout: 20_000 }).toBe("200");
    expect(await printAction().getAttribute("data-preview-type")).toBe("text/html");
    const preview = print.frameLocator('iframe[title="Print preview"]');
    await expect.poll(() => preview.getByText("Next 12 invoices").count()).toBe(1);
    expect(await preview.getByText("Abonnement café — livraison le mardi").count()).toBe(1);
    expect(await print.getByRole("button", { name: "Print" }).isEnabled()).toBe(true);
    await screenshot(page, "bfs-4-print-schedule");

    // The first invoice goes out (31 days later, past its time of day).
    await stack.advanceClock(32 * 24 * 3_600_000);
    const { default: prisma } = await import("~/db.server");
    const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === "#1002")!;
    await expect
      .poll(async () => (await prisma.invoiceRun.findMany({ where: { template: { sourceOrderId: order.id } } })).some((run) => run.state === "sent"), { timeout: 30_000 })
      .toBe(true);

    await openPrint("#1002", "fr");
    await expect.poll(() => print.getByText(/^Facture récurrente pour /).count(), { timeout: 20_000 }).toBe(1);
    expect(await print.getByLabel(/^Dernière facture, n° .+ \(PDF\)$/).isChecked()).toBe(true);
    await expect.poll(() => printAction().getAttribute("data-preview-status"), { timeout: 20_000 }).toBe("200");
    expect(await printAction().getAttribute("data-preview-type")).toBe("application/pdf");
    expect(await print.getByRole("button", { name: "Imprimer" }).isEnabled()).toBe(true);
    await screenshot(page, "bfs-5-print-invoice");
  });

  it("print action: an order that is not a recurring invoice says so, and nothing can be printed", async () => {
    await page.goto(`${stack.hostUrl}/orders/${numericOrderId("#1005")}?locale=en`);
    await page.getByTestId("print-menu").click();
    await page.getByRole("menuitem", { name: "Print recurring invoice" }).click();
    const print = page.frameLocator('[data-testid="extension-frame"]');
    await expect.poll(() => print.getByText(/not a recurring invoice/).count(), { timeout: 20_000 }).toBe(1);
    expect(await print.getByRole("button", { name: "Print" }).isDisabled()).toBe(true);
  });
});
