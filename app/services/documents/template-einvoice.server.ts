// The template page's e-invoice card: what it shows (the template's
// e-invoice settings, or a prefill from the customer and the lines; the
// Factur-X of its issued runs) and saving it.
import { z } from "zod";
import { buyerProblems, type EInvoiceProblemCode, type LineNature } from "~/domain/einvoice";
import { prefilledEInvoice, type TemplateEInvoice } from "~/domain/einvoice-template";
import { compactIdentifier } from "~/domain/french-identifiers";
import { eInvoiceDocumentsOfTemplate, findEInvoiceDocumentForShop, parseTemplateEInvoice, saveTemplateEInvoice } from "~/models/einvoice.server";
import { readSettings } from "~/models/shop.server";
import { findTemplateForShop, type Template } from "~/models/template.server";

export type EInvoiceCardData = {
  settings: TemplateEInvoice;
  /** The run lines the natures are for: the template's lines, then its shipping. */
  lineTitles: string[];
  /** The shop filled in Settings → Legal identity. */
  hasLegalIdentity: boolean;
  /** The Factur-X made for the template's runs, newest first. */
  documents: { runId: string; kind: string; number: string; issueDate: string; total: number }[];
};

type RunLine = { title: string; variantId?: string };

const runLinesOf = (template: Template): RunLine[] => [
  ...template.lines.map((line): RunLine => (line.variantId ? { title: line.title, variantId: line.variantId } : { title: line.title })),
  ...(template.shipping ? [{ title: template.shipping.title }] : []),
];

/**
 * What the card shows for one of the shop's templates; null for another
 * shop's or an unknown one. Effects: none.
 */
export async function loadEInvoiceCard(shop: { id: string; settings: string }, templateId: string): Promise<EInvoiceCardData | null> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) return null;
  const lines = runLinesOf(template);
  const settings = parseTemplateEInvoice(template.einvoice) ?? prefilledEInvoice(template.customer, lines);
  return {
    settings: { ...settings, natures: lines.map((line, index) => settings.natures[index] ?? (line.variantId ? "goods" : "services")) },
    lineTitles: lines.map((line) => line.title),
    hasLegalIdentity: readSettings(shop).legalIdentity !== undefined,
    documents: await eInvoiceDocumentsOfTemplate(shop.id, templateId),
  };
}

const text = (max: number) => z.string().trim().max(max).catch("");

const formSchema = z.object({
  enabled: z.literal("on").optional().catch(undefined).transform(Boolean),
  name: text(200),
  siren: text(20),
  vatNumber: text(30),
  electronicAddress: text(125),
  line1: text(200),
  line2: text(200),
  postalCode: text(20),
  city: text(100),
  country: text(2).transform((value) => value.toUpperCase()),
  deliveryDiffers: z.literal("on").optional().catch(undefined).transform(Boolean),
  deliveryLine1: text(200),
  deliveryPostalCode: text(20),
  deliveryCity: text(100),
  deliveryCountry: text(2).transform((value) => value.toUpperCase()),
});

export type SaveEInvoiceResult = { ok: true } | { ok: false; errors: Record<string, EInvoiceProblemCode> } | { ok: false; notFound: true };

/** Problem path → the card's field name ("address.city" → "city", "deliveryAddress.city" → "deliveryCity"). */
function fieldOf(path: string): string {
  if (path.startsWith("address.")) return path.slice("address.".length);
  if (path.startsWith("deliveryAddress.")) return `delivery${path.charAt("deliveryAddress.".length).toUpperCase()}${path.slice("deliveryAddress.".length + 1)}`;
  return path;
}

/**
 * Validates and stores the template's e-invoice settings.
 *
 * Inputs: the shop's id, the template id (from the URL: scoped by shop), the
 * posted fields (`nature.<index>` = goods | services for each run line).
 * Effects: RecurringTemplate.einvoice replaced; runs issued from now on use it.
 * The buyer's identity is checked (SIREN key, VAT key, electronic address of
 * the SIREN) whether or not Factur-X is on, so turning it on later cannot
 * fail on a typo saved earlier.
 * Errors: `{ ok: false, errors }` (field → code), nothing written; another
 * shop's or an unknown template: `{ ok: false, notFound: true }`.
 */
export async function saveEInvoiceCard(shopId: string, templateId: string, form: Record<string, unknown>): Promise<SaveEInvoiceResult> {
  const template = await findTemplateForShop(shopId, templateId);
  if (!template) return { ok: false, notFound: true };
  const fields = formSchema.parse(form);
  const natures: LineNature[] = runLinesOf(template).map((line, index) => {
    const posted = form[`nature.${index}`];
    return posted === "goods" || posted === "services" ? posted : line.variantId ? "goods" : "services";
  });
  const settings: TemplateEInvoice = {
    enabled: fields.enabled,
    buyer: {
      name: fields.name,
      siren: compactIdentifier(fields.siren),
      ...(fields.vatNumber ? { vatNumber: compactIdentifier(fields.vatNumber) } : {}),
      electronicAddress: compactIdentifier(fields.electronicAddress),
      address: { line1: fields.line1, ...(fields.line2 ? { line2: fields.line2 } : {}), postalCode: fields.postalCode, city: fields.city, country: fields.country },
      ...(fields.deliveryDiffers
        ? { deliveryAddress: { line1: fields.deliveryLine1, postalCode: fields.deliveryPostalCode, city: fields.deliveryCity, country: fields.deliveryCountry } }
        : {}),
    },
    natures,
  };
  const problems = buyerProblems(settings.buyer);
  if (problems.length > 0) {
    const errors: Record<string, EInvoiceProblemCode> = {};
    for (const problem of problems) errors[fieldOf(problem.field)] ??= problem.code;
    return { ok: false, errors };
  }
  return (await saveTemplateEInvoice(shopId, templateId, settings)) ? { ok: true } : { ok: false, notFound: true };
}

/** The Factur-X of one of the shop's runs (its invoice, or the credit note that cancelled it), or null (another shop's run, or none made). */
export async function facturXForRun(shopId: string, runId: string, kind: "invoice" | "credit_note" = "invoice"): Promise<{ bytes: Uint8Array; filename: string } | null> {
  const document = await findEInvoiceDocumentForShop(shopId, runId, kind);
  if (!document) return null;
  return { bytes: new Uint8Array(document.pdf), filename: `${document.number.replace(/[^A-Za-z0-9_-]/g, "_")}-${kind === "credit_note" ? "avoir-" : ""}factur-x.pdf` };
}
