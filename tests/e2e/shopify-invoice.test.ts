// The Shopify invoice rail as a merchant and a customer meet it, in English
// and in French: the merchant makes an order recurring and chooses "Shopify
// invoice" (granting the draft orders permission in the admin's modal, App
// Bridge's Scopes API), sees Shopify's own total in the preview; the period
// comes (the demo clock); the customer opens the draft order's invoice link
// (the Shopify stand-in's checkout page) and pays; the merchant sees the
// invoice paid, from the stand-in's signed webhooks. The offline stack
// (sandbox/demo) with the production build, in Debian's Chromium.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoStack, type DemoStack } from "../../sandbox/demo/stack";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { advancePast9am, launchChromium, parisDate, reloadUntil, screenshot, USER_AGENT } from "./browser";


const WORDS = {
  en: {
    orders: "Orders",
    makeRecurring: (order: string) => `Make order ${order} recurring`,
    heading: "Make recurring",
    frequency: "Frequency",
    anchor: "First invoice date",
    timeOfDay: "Time of day",
    shopifyInvoice: "Shopify invoice",
    permission: "Shopify invoices need one more permission",
    grantAccess: "Grant access",
    shopifyTotal: "Shopify's total per invoice",
    create: "Create recurring invoice",
    created: "Recurring invoice created",
    paysBy: "Customer pays by: Shopify invoice",
    sent: "Sent",
    viewInvoice: "View invoice",
    paid: "Paid",
  },
  fr: {
    orders: "Commandes",
    makeRecurring: (order: string) => `Rendre la commande ${order} récurrente`,
    heading: "Rendre récurrente",
    frequency: "Fréquence",
    anchor: "Date de la première facture",
    timeOfDay: "Heure d’envoi",
    shopifyInvoice: "Facture Shopify",
    permission: "Les factures Shopify nécessitent une autorisation de plus",
    grantAccess: "Accorder l’accès",
    shopifyTotal: "Total Shopify par facture",
    create: "Créer la facture récurrente",
    created: "Facture récurrente créée",
    paysBy: "Le client paie par : Facture Shopify",
    sent: "Envoyée",
    viewInvoice: "Voir la facture",
    paid: "Payée",
  },
} as const;

/** Where a wait that timed out leaves its screenshot. */
const WAITING = { screenshotPrefix: "shopify-invoice-failed-waiting-for" };

let stack: DemoStack;
let browser: Browser;
let page: Page;
let app: FrameLocator;

beforeAll(async () => {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-e2e-rail-")), "demo.sqlite");
  stack = await startDemoStack({ appPort: 0, hostPort: 0, databaseFile, fresh: true, tickMs: 250 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, userAgent: USER_AGENT });
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("Shopify invoice, from the order to the payment", { timeout: 150_000 }, () => {
  it.each([
    { locale: "en" as const, order: "#1002", days: 1 },
    { locale: "fr" as const, order: "#1003", days: 40 },
  ])("$locale: the merchant chooses Shopify invoice on $order, the period comes, the customer pays on Shopify's checkout, the merchant sees it paid", async ({ locale, order, days }) => {
    const w = WORDS[locale];
    // Each journey starts from a shop that never granted draft orders: the merchant is asked.
    await stack.shopify.control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
    await page.goto(`${stack.hostUrl}/?locale=${locale}&path=${encodeURIComponent("/app")}`);
    app = page.frameLocator('[data-testid="app-frame"]');
    await page.locator("nav").getByRole("link", { name: w.orders }).click();
    await app.getByRole("link", { name: w.makeRecurring(order) }).click();
    await expect.poll(() => app.getByRole("heading", { name: w.heading }).count(), { timeout: 20_000 }).toBe(1);

    const firstDate = parisDate(stack, days);
    await app.getByLabel(w.frequency).selectOption("monthly");
    await app.getByLabel(w.anchor).fill(firstDate);
    await app.getByLabel(w.timeOfDay).fill("09:00");
    // Polaris draws the radio over its input: click its label, as a merchant does.
    await app.getByText(w.shopifyInvoice, { exact: true }).click();
    expect(await app.getByRole("radio", { name: w.shopifyInvoice }).isChecked()).toBe(true);

    // Not granted yet: the form asks, and the admin's permission modal grants it; what was typed stays.
    await expect.poll(() => app.getByText(w.permission).count()).toBe(1);
    await app.getByRole("button", { name: w.grantAccess }).click();
    await page.getByTestId("scopes-grant").click();
    await expect.poll(() => app.getByText(w.permission).count(), { timeout: 15_000 }).toBe(0);
    expect(stack.shopify.control.appScopes(DEMO_SHOP_DOMAIN).granted).toContain("write_draft_orders");
    expect(await app.getByLabel(w.anchor).inputValue()).toBe(firstDate);

    // Shopify's own calculation beside the template's total, before saving.
    await expect.poll(() => app.getByText(w.shopifyTotal).count(), { timeout: 15_000 }).toBe(1);
    await screenshot(page, `shopify-invoice-${locale}-1-form`);
    await app.getByRole("button", { name: w.create }).first().click();
    await expect.poll(() => app.getByText(w.created).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await app.getByText(w.paysBy).count()).toBe(1);

    // The period comes: a draft order, its invoice e-mailed by Shopify.
    await advancePast9am(stack, firstDate);
    await reloadUntil(page, w.sent, WAITING);
    const link = app.getByRole("link", { name: w.viewInvoice }).first();
    const invoiceUrl = await link.getAttribute("href");
    const draft = stack.shopify.control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => invoiceUrl?.endsWith(`/invoices/${d.invoiceToken}`));
    expect(draft).toBeDefined();
    expect(stack.shopify.control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === draft!.id)).toHaveLength(1);
    await screenshot(page, `shopify-invoice-${locale}-2-sent`);

    // The customer opens the invoice link and pays on Shopify's checkout.
    const customer = await browser.newPage({ userAgent: USER_AGENT });
    await customer.goto(invoiceUrl!);
    await customer.getByRole("button", { name: "Pay now" }).click();
    await expect.poll(() => customer.getByTestId("paid").count(), { timeout: 10_000 }).toBe(1);
    await screenshot(customer, `shopify-invoice-${locale}-3-customer-paid`);
    await customer.close();

    // The merchant sees it paid (orders/paid, draft_orders/update from the stand-in, HMAC-signed).
    await reloadUntil(page, w.paid, WAITING);
    await screenshot(page, `shopify-invoice-${locale}-4-merchant-paid`);
  });
});
