// The template page's e-invoice card and the Factur-X download, through the
// real route modules (session tokens, SQLite): the card prefills from the
// customer and the lines, refuses a buyer identity with a wrong key on the
// field to fix, stores a valid one; the merchant downloads a run's Factur-X,
// and another shop cannot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { buildEInvoice } from "~/domain/einvoice";
import { insertEInvoiceDocument } from "~/models/einvoice.server";
import { loader as facturxLoader } from "~/routes/app.runs.$id.facturx";
import { action as cardAction } from "~/routes/app.templates.$id.einvoice";
import { loader as pageLoader } from "~/routes/app.templates.$id";
import { facturXPdf } from "~/services/documents/facturx-kit.server";
import { createTemplate } from "~/services/templates/create.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { templateInput } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";

let standIn: ShopifyStandIn;
let unroute: () => void;
let templateId: string;

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
  await callRoute(pageLoader, adminFetchRequest("/app/templates/none", mintSessionToken(DEMO_SHOP_DOMAIN)), { id: "none" }); // authenticates: the shop's row
  await callRoute(pageLoader, adminFetchRequest("/app/templates/none", mintSessionToken(OTHER_SHOP_DOMAIN)), { id: "none" });
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  const clock = new ManualClock(new Date().toISOString());
  const anchor = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const input = templateInput({
    lines: [
      { title: "Café en grains", variantId: "gid://shopify/ProductVariant/501", quantity: 1, unitAmount: 2490, taxLines: [{ title: "TVA", ratePercent: "5.5" }] },
      { title: "Atelier dégustation", quantity: 1, unitAmount: 4500, taxLines: [{ title: "TVA", ratePercent: "20" }] },
    ],
    schedule: { every: 1, unit: "month", anchor, timeOfDay: "09:00", timeZone: "Europe/Paris" },
  });
  templateId = (await createTemplate(shop, input, { clock })).id;
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

type Card = { settings: { enabled: boolean; buyer: { name: string; siren: string; address: { city: string } }; natures: string[] }; lineTitles: string[] };
const page = async () => (await callRoute(pageLoader, adminFetchRequest(`/app/templates/${templateId}`, mintSessionToken(DEMO_SHOP_DOMAIN)), { id: templateId })) as { einvoice: Card };
const post = (fields: Record<string, string>, shop = DEMO_SHOP_DOMAIN) =>
  callRoute(cardAction, adminFetchRequest(`/app/templates/${templateId}/einvoice`, mintSessionToken(shop), { method: "POST", body: new URLSearchParams(fields) }), { id: templateId });

const valid = { enabled: "on", name: "Librairie des Canuts SARL", siren: "443 061 841", vatNumber: "FR64443061841", electronicAddress: "443061841", line1: "4 place Sathonay", postalCode: "69001", city: "Lyon", country: "FR", "nature.0": "goods", "nature.1": "services", "nature.2": "services" };

describe("the template page's e-invoice card", () => {
  it("starts off, prefilled from the customer, product lines as goods and the rest as services", async () => {
    const { einvoice } = await page();
    expect(einvoice.settings.enabled).toBe(false);
    expect(einvoice.settings.buyer).toMatchObject({ name: "Claire Martin", siren: "", address: { city: "Lyon" } });
    expect(einvoice.lineTitles).toEqual(["Café en grains", "Atelier dégustation", "Colissimo"]);
    expect(einvoice.settings.natures).toEqual(["goods", "services", "services"]);
  });

  it("refuses a SIREN with a wrong key and an electronic address of another company, on their fields", async () => {
    const answer = routeAnswer<{ errors: Record<string, string> }>(await post({ ...valid, siren: "443061842", electronicAddress: "552100554", vatNumber: "" }));
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual({ siren: "siren_key", electronicAddress: "electronic_address_not_of_siren" });
    expect((await page()).einvoice.settings.enabled).toBe(false);
  });

  it("stores a valid identity and the page shows it", async () => {
    expect(await post(valid)).toEqual({ ok: true, errors: {} });
    const { einvoice } = await page();
    expect(einvoice.settings).toMatchObject({ enabled: true, buyer: { name: "Librairie des Canuts SARL", siren: "443061841" }, natures: ["goods", "services", "services"] });
  });

  it("another shop cannot change it", async () => {
    expect(await post(valid, OTHER_SHOP_DOMAIN)).toMatchObject({ status: 404 });
  });
});

describe("downloading a run's Factur-X", () => {
  it("answers the stored PDF to the shop, 404 to another", async () => {
    const template = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } });
    // A run as the pipeline leaves it once issued (its Factur-X stored below).
    const run = await prisma.invoiceRun.create({
      data: { shopId: template.shopId, templateId, periodIndex: 0, periodDate: "2026-12-01", scheduledAt: new Date(), state: "sent", currency: "EUR", expectedTotal: 12000, snapshot: "{}" },
    });
    const { pdf, xml } = await facturXPdf(buildEInvoice(SCENARIOS[0]!.input));
    await insertEInvoiceDocument({ shopId: template.shopId, runId: run.id, kind: "invoice", number: "RIT-2026-0001", issueDate: "2026-12-01", total: 12000, pdf, xml });
    const response = (await callRoute(facturxLoader, adminFetchRequest(`/app/runs/${run.id}/facturx`, mintSessionToken(DEMO_SHOP_DOMAIN)), { id: run.id })) as Response;
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain("RIT-2026-0001-factur-x.pdf");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(await callRoute(facturxLoader, adminFetchRequest(`/app/runs/${run.id}/facturx`, mintSessionToken(OTHER_SHOP_DOMAIN)), { id: run.id })).toMatchObject({ status: 404 });
  });

  it("answers the credit note that cancelled the invoice with ?kind=credit_note, 404 while there is none", async () => {
    const template = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } });
    const run = await prisma.invoiceRun.create({
      data: { shopId: template.shopId, templateId, periodIndex: 1, periodDate: "2027-01-01", scheduledAt: new Date(), state: "void", currency: "EUR", expectedTotal: 12000, snapshot: "{}" },
    });
    const url = `/app/runs/${run.id}/facturx?kind=credit_note`;
    expect(await callRoute(facturxLoader, adminFetchRequest(url, mintSessionToken(DEMO_SHOP_DOMAIN)), { id: run.id })).toMatchObject({ status: 404 });
    const credit = SCENARIOS.find((scenario) => scenario.name === "credit-note")!.input;
    const { pdf, xml } = await facturXPdf(buildEInvoice(credit));
    await insertEInvoiceDocument({ shopId: template.shopId, runId: run.id, kind: "credit_note", number: credit.number, issueDate: credit.issueDate, total: 12000, pdf, xml });
    const response = (await callRoute(facturxLoader, adminFetchRequest(url, mintSessionToken(DEMO_SHOP_DOMAIN)), { id: run.id })) as Response;
    expect(response.headers.get("content-disposition")).toContain(`${credit.number}-avoir-factur-x.pdf`);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(await callRoute(facturxLoader, adminFetchRequest(url, mintSessionToken(OTHER_SHOP_DOMAIN)), { id: run.id })).toMatchObject({ status: 404 });
  });
});
