// The template page's activity list as the merchant reads it, in English and
// French, after a real issue through the pipeline (worker → Stripe SDK →
// Stripe stand-in): each issuing step by its name, the invoice number where
// Stripe gave one, every actor in the merchant's words — never the generic
// "Issuing step completed", never a stored value such as "customer".
import fs from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ActivitySection } from "~/components/template/ActivitySection";
import { actorLabel } from "~/components/template/event-labels";
import { RUN_EVENT_ACTORS } from "~/domain/run-event";
import { polarisTranslations, translator, type Locale } from "~/i18n";
import { I18nProvider } from "~/i18n/react";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { issuedRun, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

/** The activity section's text, rendered by the real components. */
function activityText(events: Awaited<ReturnType<typeof loadTemplatePage>>["events"], locale: Locale): string {
  const html = renderToStaticMarkup(
    createElement(AppProvider, { i18n: polarisTranslations(locale) }, createElement(I18nProvider, { locale, children: createElement(ActivitySection, { events, timeZone: "Europe/Paris" }) })),
  );
  return html.replace(/<[^>]+>/g, "\n").replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");
}

describe("the template page's activity list", () => {
  it("names each issuing step, with the invoice number, in English and French", async () => {
    const { shop, template, run } = await issuedRun(stripeStandIn());
    // The customer signs: an entry written by the signing flow's actor.
    await prisma.runEvent.create({ data: { shopId: shop.id, templateId: template.id, runId: run.id, type: "run.signed", actor: "customer", at: new Date() } });
    const page = await loadTemplatePage(shop, template.id);
    expect(run.invoiceNumber).toBeTruthy();

    const en = activityText(page.events, "en");
    for (const label of ["Customer ready in Stripe", "Invoice draft created in Stripe", "Invoice lines added", `Invoice finalized — No. ${run.invoiceNumber}`, "Invoice sent"]) {
      expect(en).toContain(label);
    }
    expect(en).not.toContain("Issuing step completed");
    expect(en).toContain("By Ritournelle");
    expect(en).toContain("By the customer");
    expect(en).not.toMatch(/By (customer|worker|merchant|ritournelle)\b/);

    const fr = activityText(page.events, "fr");
    for (const label of ["Client prêt dans Stripe", "Lignes de la facture ajoutées", `Facture finalisée — n° ${run.invoiceNumber}`, "Facture envoyée"]) {
      expect(fr).toContain(label);
    }
    expect(fr).not.toContain("Étape d’émission terminée");
    expect(fr).toContain("Par le client");
    expect(fr).toContain("Par Ritournelle");
    expect(fr).not.toMatch(/Par (customer|worker|merchant|ritournelle|vous-même)\b/);
  });
});

describe("actors", () => {
  it("every actor the app writes is one the page translates (a new literal without a label fails here)", () => {
    // The actor values written by app code: `actor: "…"` literals.
    const written = new Set<string>();
    const walk = (directory: string) => {
      for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const file = path.join(directory, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name)) for (const match of fs.readFileSync(file, "utf8").matchAll(/\bactor(?:\?\?)?:\s*"([a-z_:-]+)"/g)) written.add(match[1]!);
      }
    };
    walk(path.resolve("app"));
    expect(written.size).toBeGreaterThanOrEqual(4);
    for (const actor of [...written, "worker:web-1"]) {
      expect(RUN_EVENT_ACTORS.some((known) => actor === known || actor.startsWith("worker:")), actor).toBe(true);
    }
  });

  it("shows each actor in the merchant's language, never its stored value", () => {
    const fr = translator("fr");
    const labels = Object.fromEntries([...RUN_EVENT_ACTORS, "worker:web-1", "from-a-newer-release"].map((actor) => [actor, actorLabel(fr, actor)]));
    expect(labels).toEqual({
      merchant: "vous",
      customer: "le client",
      shopify: "Shopify",
      stripe: "Stripe",
      ritournelle: "Ritournelle",
      "worker:web-1": "Ritournelle",
      "from-a-newer-release": "une autre partie de Ritournelle",
    });
  });
});
