// Details of the Shopify invoice rail, through the worker, the app's
// background Admin client and the Shopify stand-in: how far back the run-id
// lookup reads the shop's drafts after a lost answer, the language of the
// invoice e-mail's message, and a run whose Shopify customer was deleted.
// (The promise itself, one draft and one e-mail per period, is
// promise-proofs-shopify-rail.test.ts's.)
import { AppProvider } from "@shopify/polaris";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PreviewSection } from "~/components/template-form/PreviewSection";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { polarisTranslations, translator, type Locale } from "~/i18n";
import { formatAmount } from "~/i18n/format";
import { I18nProvider } from "~/i18n/react";
import { setShopLocale } from "~/models/shop.server";
import { createShopifyRail, shopAdminFor } from "~/services/invoicing/shopify-rail.server";
import { compareShopifyTotal } from "~/services/templates/shopify-total.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { drain, templateInput } from "../helpers/recurring";
import { createShopifyRailTemplate, installDemoShop, shopifyRailWorker, withShopifyRailStandIn } from "../helpers/shopify-rail";

const TOKEN = "shpat_rail_details";
const standIn = withShopifyRailStandIn(TOKEN);
const CAMILLE = "gid://shopify/Customer/7410000000101";
const THEO = "gid://shopify/Customer/7410000000102";

/** A Shopify-rail template of the demo shop billing Camille, with its first period (Jan 15) due. */
async function onePeriodDue(customer: Partial<ReturnType<typeof templateInput>["customer"]> = {}) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const base = templateInput();
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...base.customer, shopifyCustomerId: CAMILLE, ...customer } }), clock);
  clock.set("2026-01-15T09:30:00Z");
  return { clock, shop, template };
}

async function runOf(templateId: string) {
  return prisma.invoiceRun.findFirstOrThrow({ where: { templateId, periodIndex: 0 } });
}

/** The background Admin client, losing once the answer to draftOrderCreate after Shopify applied it; counts the listings read. */
function losingCreateOnce(clock: ManualClock) {
  const seen = { listings: 0 };
  let lost = false;
  const real = shopAdminFor({ clock });
  const adminFor = async (shop: string): Promise<AdminGraphql> => {
    const admin = await real(shop);
    return {
      graphql: (async (document: string, options?: Parameters<AdminGraphql["graphql"]>[1]) => {
        if (document.includes("query RitournelleRecentDraftOrders")) seen.listings++;
        const response = await admin.graphql(document, options);
        if (!lost && document.includes("mutation RitournelleDraftOrderCreate")) {
          lost = true;
          throw new TypeError("fetch failed");
        }
        return response;
      }) as AdminGraphql["graphql"],
    };
  };
  return { adminFor, seen };
}

const otherDraft = (i: number) => ({
  purchasingEntity: { customerId: THEO },
  lineItems: [{ title: `Commande téléphone ${i}`, quantity: 1, originalUnitPriceWithCurrency: { amount: "12.00", currencyCode: "EUR" } }],
});

describe("the run-id lookup after a lost draftOrderCreate answer", () => {
  it("reads the shop's drafts back to ten minutes before the newest, not further: one page when the older drafts are older than that", async () => {
    standIn().control.setSearchIndexLag(DEMO_SHOP_DOMAIN, 3_600_000); // the tag search finds nothing during the test
    for (let i = 0; i < 120; i++) standIn().control.createDraftOrder(DEMO_SHOP_DOMAIN, otherDraft(i));
    standIn().control.advanceClock(11 * 60_000); // Shopify's clock: those 120 were made 11 minutes before the run's
    const { clock, template } = await onePeriodDue();
    const { adminFor, seen } = losingCreateOnce(clock);
    await drain(shopifyRailWorker(clock, { shopifyGateway: createShopifyRail({ clock, adminFor }) }));
    const run = await runOf(template.id);
    expect(run.state).toBe("sent");
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN).filter((d) => d.tags.includes(`ritournelle-run-${run.id}`))).toHaveLength(1);
    // Its page (the run's draft and 49 of the 120) reached drafts older than the bound: the 70 others are not read.
    expect(seen.listings).toBe(1);
  });
});

describe("the invoice e-mail's message", () => {
  it("is in the shop's language: a French shop's draftOrderInvoiceSend carries the French message, whatever the customer's language", async () => {
    const { clock, template } = await onePeriodDue({ locale: "en" });
    await setShopLocale(DEMO_SHOP_DOMAIN, "fr");
    await drain(shopifyRailWorker(clock));
    const run = await runOf(template.id);
    expect(run.state).toBe("sent");
    const emails = standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN);
    expect(emails.map((e) => [e.draftId, e.to, e.customMessage])).toEqual([
      [run.invoiceId, "claire.martin@example.fr", "Votre facture pour la période du 2026-01-15. Réglez-la en toute sécurité depuis le lien ci-dessous."],
    ]);
  });

  it("is in English for an English shop, even for a French-speaking customer", async () => {
    const { clock, template } = await onePeriodDue({ locale: "fr" });
    await setShopLocale(DEMO_SHOP_DOMAIN, "en");
    await drain(shopifyRailWorker(clock));
    const run = await runOf(template.id);
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).map((e) => [e.draftId, e.customMessage])).toEqual([
      [run.invoiceId, "Your invoice for the period of 2026-01-15. Pay it securely from the link below."],
    ]);
  });
});

describe("the run's Shopify customer was deleted in Shopify", () => {
  it("the draft is made for the template's e-mail address and addresses, without the customer, and its invoice e-mailed there once", async () => {
    const { clock, template } = await onePeriodDue();
    standIn().control.deleteCustomer(DEMO_SHOP_DOMAIN, CAMILLE);
    await drain(shopifyRailWorker(clock));
    const run = await runOf(template.id);
    expect(run).toMatchObject({ state: "sent", lastErrorCode: null });
    const drafts = standIn().control.draftOrders(DEMO_SHOP_DOMAIN);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ id: run.invoiceId, customerId: null, email: "claire.martin@example.fr" });
    expect([drafts[0]!.billingAddress, drafts[0]!.shippingAddress].map((a) => [a?.address1, a?.city, a?.zip, a?.countryCodeV2])).toEqual([
      ["12 rue des Lilas", "Lyon", "69003", "FR"],
      ["12 rue des Lilas", "Lyon", "69003", "FR"],
    ]);
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).map((e) => [e.draftId, e.to])).toEqual([[run.invoiceId, "claire.martin@example.fr"]]);
  });

  it("the form's preview still shows Shopify's total (calculated as the draft will be made: by e-mail alone)", async () => {
    standIn().control.deleteCustomer(DEMO_SHOP_DOMAIN, CAMILLE);
    const content = {
      customer: { name: "Claire Martin", email: "claire.martin@example.fr", shopifyCustomerId: CAMILLE, address: { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" } },
      currency: "EUR",
      lines: [{ title: "Service", quantity: 2, unitAmount: 2490, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }],
      taxesIncluded: true,
      shipping: null,
      memo: null,
      daysUntilDue: 14,
      signatureRequested: false,
    };
    const comparison = await compareShopifyTotal(DEMO_SHOP_DOMAIN, content, { periodDate: "2026-01-15" });
    expect(comparison).toMatchObject({ currency: "EUR", ours: 4980, shopify: 4980, difference: 0, shopifyTax: 830 });
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
  });
});

describe("the template form's preview on the Shopify rail: the total difference banner", () => {
  /** The preview beside the form, as the merchant's page renders it, reduced to its text. */
  function previewText(locale: Locale, comparison: { ours: number; shopify: number; shopifyTax: number }) {
    const section = createElement(PreviewSection, {
      count: 1,
      occurrences: [{ index: 0, date: "2026-01-15", runAt: "2026-01-15T14:00:00Z" }],
      complete: true,
      draft: { currency: "USD", lines: [], subtotal: 2020, totalTax: comparison.ours - 2020, expectedTotal: comparison.ours },
      currency: "USD",
      timeZone: "America/New_York",
      timeOfDay: "09:00",
      shopify: { state: "ready", comparison: { currency: "USD", difference: comparison.shopify - comparison.ours, ...comparison } },
    });
    const html = renderToStaticMarkup(createElement(AppProvider, { i18n: polarisTranslations(locale) }, createElement(I18nProvider, { locale, children: section })));
    const entities: Record<string, string> = { "&amp;": "&", "&#x27;": "'", "&quot;": '"', "&lt;": "<", "&gt;": ">", "&nbsp;": "\u00a0" };
    return html.replace(/<[^>]+>/g, " ").replace(/&(?:amp|#x27|quot|lt|gt|nbsp);/g, (entity) => entities[entity]!).replace(/\s+/g, " ");
  }

  it.each(["en", "fr"] as const)("shows Shopify's total beside the template's and explains the difference before saving (%s)", (locale) => {
    const money = (minor: number) => formatAmount(minor, "USD", locale);
    const text = previewText(locale, { ours: 2199, shopify: 2200, shopifyTax: 180 }); // New York's three taxes, each rounded, against one 8.875 % rate
    const t = translator(locale);
    const words = { shopify: money(2200), ours: money(2199), difference: money(1), tax: money(180) };
    expect(text).toContain(t("form.preview.shopify.total"));
    expect(text).toContain(t("form.preview.shopify.more", words).replace(/\s+/g, " "));
    expect(text).toContain(t("form.preview.shopify.why", words).replace(/\s+/g, " "));
    expect(text).not.toContain(t("form.preview.shopify.matches", words).replace(/\s+/g, " "));
    // The words themselves, in each language (not only whatever the key holds).
    if (locale === "en") {
      expect(text).toContain("Shopify will charge $22.00: $0.01 more than this recurring invoice's $21.99");
      expect(text).toContain("Shopify computes taxes and discounts itself");
      expect(text).toContain("(tax $1.80)");
      expect(text).toContain("before saving");
    } else {
      expect(text).toContain(`Shopify facturera ${money(2200)} : ${money(1)} de plus que les ${money(2199)} de cette facture récurrente`.replace(/\s+/g, " "));
      expect(text).toContain("Shopify calcule lui-même taxes et remises");
      expect(text).toContain("avant d’enregistrer");
    }
  });

  it.each(["en", "fr"] as const)("says less when Shopify's total is below the template's, and nothing of a difference when they agree (%s)", (locale) => {
    const money = (minor: number) => formatAmount(minor, "USD", locale);
    const t = translator(locale);
    const less = previewText(locale, { ours: 2200, shopify: 2150, shopifyTax: 130 });
    expect(less).toContain(t("form.preview.shopify.less", { shopify: money(2150), ours: money(2200), difference: money(50) }).replace(/\s+/g, " "));
    const same = previewText(locale, { ours: 2200, shopify: 2200, shopifyTax: 180 });
    expect(same).toContain(t("form.preview.shopify.matches", { ours: money(2200), tax: money(180) }).replace(/\s+/g, " "));
    expect(same).not.toContain(t("form.preview.shopify.why", { tax: money(180) }).replace(/\s+/g, " "));
  });
});
