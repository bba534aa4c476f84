// The order page's "Make recurring" admin action (extensions/make-recurring)
// built and run: its module bundled with esbuild as `shopify app build` would
// (one minified ES module, Preact JSX), loaded in Debian's Chromium by the
// admin host stand-in (sandbox/admin-host) on an order's page, calling the
// production build of the app (sandbox/demo stack) across origins with real
// session tokens, against the Shopify Admin stand-in's seeded orders.
//
// What the stand-in cannot reproduce of the real admin, and how it differs:
// - Shopify runs an extension in a sandboxed Web Worker and renders its
//   remote DOM with the real Polaris web components in the admin's modal.
//   Here the bundle runs in a same-origin frame inside a <dialog>, on a real
//   DOM, and the s-* components are small stand-ins over native controls
//   (sandbox/admin-host/admin-extension-runtime.js): same properties, slots
//   and events as documented, not Shopify's rendering or keyboard behaviour.
// - The `shopify` global is the stand-in's: data.selected, close(),
//   auth.idToken(), i18n (translate from the extension's own locale files,
//   with the admin's fallback to the default locale) as the API 2026-01 types
//   declare them; no direct Admin API (shopify.query / shopify:admin fetches).
// - Session tokens are HS256 JWTs signed with the app's secret by the host,
//   as the admin's are; the frame's origin is not the app's, so CORS is the
//   browser's own (preflight included) — not Shopify's CDN origin, though.
// - `app:` links open the admin host page framing the app at that path,
//   where the real admin navigates to /store/<shop>/apps/<handle>/<path>.
// - The 64 KB bundle limit is Shopify's (enforced at deploy); checked here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleAdminExtension, MAX_EXTENSION_BUNDLE_BYTES, type AdminExtensionBundle } from "../../sandbox/admin-host/extension-bundle";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { launchChromium, screenshot, USER_AGENT } from "./browser";


let bundle: AdminExtensionBundle;
let stack: DemoStack;
let browser: Browser;
let page: Page;
let action: FrameLocator;
const consoleErrors: string[] = [];

function numericOrderId(name: string): string {
  const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === name);
  if (!order) throw new Error(`no order ${name} in the demo shop`);
  return order.id.split("/").pop()!;
}

/** A civil date in the demo shop's zone, `days` after the demo clock's today. */
function parisDate(days: number): string {
  return stack.clock.now().toZonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();
}

/** The merchant on an order's page: More actions → the action, which opens in its modal. */
async function openAction(orderName: string, locale: "en" | "fr", menuEntry: string) {
  await page.goto(`${stack.hostUrl}/orders/${numericOrderId(orderName)}?locale=${locale}`);
  await page.getByTestId("more-actions").click();
  await page.getByRole("menuitem", { name: menuEntry }).click();
  action = page.frameLocator('[data-testid="extension-frame"]');
}

/** What the action's banner says (its heading aside): the extension's own text, as it put it in the banner. */
function bannerMessage(): Promise<string | null> {
  return action.locator("s-banner").textContent();
}

async function templatesOf(orderName: string) {
  const { default: prisma } = await import("~/db.server");
  const order = stack.shopify.control.orders(stack.shop).find((candidate) => candidate.name === orderName)!;
  return prisma.recurringTemplate.findMany({ where: { sourceOrderId: order.id } });
}

beforeAll(async () => {
  bundle = await bundleAdminExtension(path.resolve("extensions/make-recurring"));
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-action-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 250, extensions: [bundle] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 }, userAgent: USER_AGENT });
  page.setDefaultTimeout(15_000);
  // Console errors of the page and of the extension's frame: a missing translation, a missing component…
  // Only on the order page (the app's own pages are the journeys' business); the
  // 400, 404 and 422 answers this test asks for are logged by Chromium as failed loads.
  page.on("console", (message) => {
    if (message.type() !== "error" || !page.url().includes("/orders/")) return;
    if (!/status of (400|404|422)\b/.test(message.text())) consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the order page's Make recurring action", { timeout: 120_000 }, () => {
  it("is a bundle the admin accepts: one target, API 2026-01, under Shopify's 64 KB", () => {
    expect(bundle).toMatchObject({ handle: "make-recurring", target: "admin.order-details.action.render", apiVersion: "2026-01", defaultLocale: "en" });
    expect(Buffer.byteLength(bundle.script)).toBeLessThan(MAX_EXTENSION_BUNDLE_BYTES);
    expect(Object.keys(bundle.locales).sort()).toEqual(["en", "fr"]);
  });

  it("previews the order, creates it every 2 weeks, and the recurring invoice is in the app", async () => {
    await openAction("#1001", "en", "Make recurring");
    await expect.poll(() => action.getByRole("heading", { name: "Make order #1001 recurring" }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => action.getByText("Invoiced to Camille Dubois (camille.dubois@example.fr)").count()).toBe(1);
    const total = await action.getByText(/^Total per invoice: /).textContent();
    expect(total).toMatch(/^Total per invoice: €\d+\.\d{2}$/);
    // The shop's defaults are preselected.
    expect(await action.getByLabel("Frequency").inputValue()).toBe("monthly");
    expect(await action.getByLabel("First invoice date").inputValue()).toBe(
      stack.clock.now().toZonedDateTimeISO("Europe/Paris").toPlainDate().add({ months: 1 }).toString(),
    );
    await screenshot(page, "action-1-preview");

    await action.getByLabel("Frequency").selectOption({ label: "Every 2 weeks" });
    await action.getByLabel("First invoice date").fill(parisDate(3));
    // An impatient merchant: two clicks, one recurring invoice.
    await action.getByRole("button", { name: "Create recurring invoice" }).dblclick();
    await expect.poll(() => action.getByText("Recurring invoice created", { exact: true }).count(), { timeout: 20_000 }).toBe(1);
    expect(await bannerMessage()).toMatch(/^First invoice: .+\. Frequency: Every 2 weeks\.$/);
    await screenshot(page, "action-2-created");

    const templates = await templatesOf("#1001");
    expect(templates).toHaveLength(1);
    expect(templates[0]).toMatchObject({ scheduleEvery: 2, scheduleUnit: "week", scheduleAnchor: parisDate(3), status: "active" });
    expect(total).toBe(`Total per invoice: €${(templates[0]!.periodTotal / 100).toFixed(2)}`);

    // "Open recurring invoice" leaves the order page for the app's page of the template.
    await action.getByRole("button", { name: "Open recurring invoice" }).click();
    await page.waitForURL(/\?locale=en&path=/);
    const app = page.frameLocator('[data-testid="app-frame"]');
    await expect.poll(() => app.getByText(/· Every 2 weeks$/).count(), { timeout: 30_000 }).toBe(1);
    expect(new URL(page.url()).searchParams.get("path")).toBe(`/app/templates/${templates[0]!.id}`);
    await screenshot(page, "action-3-template-in-app");
  });

  it("opens the app's full form for the order with Edit all details", async () => {
    await openAction("#1002", "en", "Make recurring");
    await action.getByRole("button", { name: "Edit all details" }).click();
    await page.waitForURL(/\?locale=en&path=/);
    const app = page.frameLocator('[data-testid="app-frame"]');
    await expect.poll(() => app.getByRole("heading", { name: "Make recurring" }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => app.getByText("From order #1002, invoiced in EUR").count()).toBe(1);
    expect(await templatesOf("#1002")).toHaveLength(0);
  });

  it("says why an order cannot recur, and closes", async () => {
    await openAction("#1006", "en", "Make recurring");
    await expect.poll(() => action.getByText("This order cannot be made recurring yet").count(), { timeout: 20_000 }).toBe(1);
    expect(await action.getByText(/^The customer of order #1006 has no e-mail address/).count()).toBe(1);
    expect(await action.getByRole("button", { name: "Create recurring invoice" }).count()).toBe(0);
    await screenshot(page, "action-4-refused");
    await action.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => page.getByTestId("action-status").textContent()).toBe("Make recurring — closed");
  });

  it("says so when the order is not the shop's, without calling it an order that cannot recur", async () => {
    await page.goto(`${stack.hostUrl}/orders/999999999?locale=en`);
    await page.getByTestId("more-actions").click();
    await page.getByRole("menuitem", { name: "Make recurring" }).click();
    action = page.frameLocator('[data-testid="extension-frame"]');
    await expect.poll(() => bannerMessage(), { timeout: 20_000 }).toBe("This order does not exist in your shop (it may have been deleted). Pick another order.");
    expect(await action.getByText("This order cannot be made recurring yet").count()).toBe(0);
  });

  it("speaks French to a French merchant, from the menu entry to the app's answer, and closes when done", async () => {
    await openAction("#1003", "fr", "Rendre récurrente");
    await expect.poll(() => action.getByRole("heading", { name: "Rendre la commande #1003 récurrente" }).count(), { timeout: 20_000 }).toBe(1);
    expect(await action.getByText(/^Total par facture : \d[\d\u202f\u00a0]*,\d{2}\u00a0€$/).count()).toBe(1);
    await action.getByLabel("Fréquence").selectOption({ label: "Tous les 3 mois" });
    await action.getByLabel("Date de la première facture").fill(parisDate(-1));
    await action.getByRole("button", { name: "Créer la facture récurrente" }).click();
    // A date in the past: the app's refusal, in French, on the field.
    await expect.poll(() => action.getByText("Choisissez aujourd’hui ou une date ultérieure.").count(), { timeout: 20_000 }).toBe(1);
    expect(await action.getByText("Rien n’a été créé").count()).toBe(1);
    expect(await templatesOf("#1003")).toHaveLength(0);

    await action.getByLabel("Date de la première facture").fill(parisDate(7));
    await action.getByRole("button", { name: "Créer la facture récurrente" }).click();
    await expect.poll(() => bannerMessage(), { timeout: 20_000 }).toMatch(/^Première facture : .+\. Fréquence : Tous les 3 mois\.$/);
    await screenshot(page, "action-5-created-fr");
    await action.getByRole("button", { name: "Terminé" }).click();
    await expect.poll(() => page.getByTestId("action-status").textContent()).toBe("Rendre récurrente — fermée");
    expect(await templatesOf("#1003")).toMatchObject([{ scheduleEvery: 3, scheduleUnit: "month", scheduleAnchor: parisDate(7) }]);
  });

  it("left no console error (missing translation, missing component, failed request)", () => {
    expect(consoleErrors).toEqual([]);
  });
});
