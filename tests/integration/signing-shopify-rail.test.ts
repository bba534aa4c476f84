// Online signature on the Shopify invoice rail, end to end: the worker issues
// a run of a template that requests a signature through the Shopify rail and
// the Shopify stand-in (the draft order's note carries the signing link);
// the customer follows it, sees the draft order as Shopify will charge it,
// with Shopify's checkout as the way to pay, signs; the signed PDF and its
// certificate name the draft order (and the order, once paid), in French
// and in English; the draft order gets the signature's metafields.
import { Temporal } from "temporal-polyfill";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { documentHash, SHOPIFY_DOCUMENT_FORMAT } from "~/domain/signature-document";
import type { SigningPage } from "~/domain/signing";
import { action as signAction, loader as signLoader } from "~/routes/sign.$token";
import { loader as pdfLoader } from "~/routes/sign.$token.pdf";
import { stampPendingSignatures } from "~/services/signing/stamp-pending-signatures.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { drain, templateInput } from "../helpers/recurring";
import { installDemoShop, createShopifyRailTemplate, shopifyRailWorker, withShopifyRailStandIn } from "../helpers/shopify-rail";
import { callPublic, pdfText, signFields, submitRequest, viewRequest } from "../helpers/signing";

const TOKEN = "shpat_rail_signing";
const standIn = withShopifyRailStandIn(TOKEN);
const CAMILLE = "gid://shopify/Customer/7410000000101";

beforeEach(() => {
  standIn().control.setWebhookUrl(null);
});

/**
 * A Shopify-rail template with a signature requested, its period issued by
 * the worker (clocks near the real time: the public routes use the system
 * clock); the token is read from the draft order's note, as the customer
 * follows it from Shopify's invoice e-mail.
 */
async function issuedDraftToSign() {
  const now = Temporal.Now.instant();
  const clock = new ManualClock(now.subtract({ hours: 48 }));
  // No Stripe account at all: nothing on this rail needs one.
  const shop = await installDemoShop(clock);
  const input = templateInput();
  const yesterday = now.toZonedDateTimeISO("Europe/Paris").subtract({ days: 1 }).toPlainDate().toString();
  const template = await createShopifyRailTemplate(
    shop,
    {
      ...input,
      customer: { ...input.customer, shopifyCustomerId: CAMILLE },
      schedule: { ...input.schedule, anchor: yesterday, timeOfDay: "09:00" },
      policies: { signatureRequested: true, daysUntilDue: 0 },
    },
    clock,
  );
  clock.set(now);
  await drain(shopifyRailWorker(clock));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  if (run.state !== "sent" || !run.invoiceId) throw new Error(`the run was not issued: ${run.state} ${run.lastErrorMessage ?? ""}`);
  const draft = standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.id === run.invoiceId)!;
  const token = /\/sign\/([A-Za-z0-9_-]{43})(\s|$)/.exec(draft.note ?? "")?.[1];
  if (!token) throw new Error(`no signing link in the draft's note: ${draft.note}`);
  return { shop, run: { ...run, invoiceId: run.invoiceId }, draft, token };
}

type Loaded = { locale: string; token: string; page: SigningPage };

async function signPage(token: string, acceptLanguage?: string) {
  const { status, body } = await callPublic<Loaded>(signLoader, viewRequest(token, acceptLanguage), { token });
  if (status !== 200 || body.page.kind !== "sign") throw new Error(`expected the sign form, got ${status} ${JSON.stringify(body)}`);
  return body.page;
}

const draftNow = (id: string) => standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.id === id)!;

describe("signing an invoice on the Shopify rail", () => {
  it("prints the link in the draft's note, shows the draft as Shopify will charge it with Shopify's checkout to pay, signs once and names the draft order in the signed PDF (French)", async () => {
    const { shop, run, draft, token } = await issuedDraftToSign();
    expect(draft.note).toContain(`Signer en ligne: https://`); // the customer is French

    const page = await signPage(token);
    expect(page.document).toMatchObject({
      format: SHOPIFY_DOCUMENT_FORMAT,
      merchant: { name: "Atelier Ritournelle" },
      invoice: { id: run.invoiceId, number: draft.name, currency: "EUR" },
      shopify: { draftOrder: draft.name, order: null },
      totals: { total: run.invoicedTotal },
    });
    expect(draft.name).toMatch(/^#D\d+$/);
    expect(page.document.lines.map((line) => [line.description, line.quantity])).toEqual([
      ["Café en grains — 1 kg (SKU CAFE-1K)", 2],
      ["Colissimo", 1],
    ]);
    // What the lines add up to is what Shopify charges.
    expect(page.document.totals.subtotal).toBe(page.document.lines.reduce((sum, line) => sum + line.amount - line.discount, 0));
    expect(page.document.totals.taxes).toEqual([{ name: expect.any(String), ratePercent: "20", inclusive: true, amount: expect.any(Number) }]);
    expect(page.documentHash).toBe(await documentHash(page.document));
    // Pay through Shopify's checkout for the draft, not a Stripe page.
    expect(page.payUrl).toBe(run.hostedInvoiceUrl);
    expect(page.payUrl).toMatch(new RegExp(`^${standIn().url}/${DEMO_SHOP_DOMAIN}/\\d+/invoices/[0-9a-f]+$`));
    expect(page.paid).toBe(false);

    const signed = await callPublic(signAction, submitRequest(token, signFields(page)), { token });
    expect(signed.status).toBe(303);
    const again = await callPublic(signAction, submitRequest(token, signFields(page)), { token });
    expect(again.status).toBeLessThan(500);
    expect(await prisma.signature.count({ where: { runId: run.id } })).toBe(1);

    const signature = await prisma.signature.findUniqueOrThrow({ where: { runId: run.id } });
    expect(signature).toMatchObject({ shopId: shop.id, invoiceId: run.invoiceId, invoiceNumber: draft.name, documentHash: page.documentHash, locale: "fr" });
    // The draft order carries the signature (as the Stripe invoice's metadata does on the other rail).
    expect(signature.metadataSyncedAt).not.toBeNull();
    expect(draftNow(run.invoiceId).metafields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ namespace: "ritournelle", key: "signature_id", value: signature.id }),
        expect.objectContaining({ namespace: "ritournelle", key: "signed_at", value: signature.signedAt.toISOString().replace(/\.\d{3}Z$/, "Z") }),
      ]),
    );

    // The customer downloads the signed PDF: the invoice page and the certificate name the draft order.
    const download = await pdfLoader({ request: viewRequest(token), params: { token }, context: { remoteAddress: "203.0.113.7" } });
    const bytes = new Uint8Array(await (download as Response).arrayBuffer());
    const [invoicePage, certificate] = await pdfText(bytes);
    expect(invoicePage).toContain(`Facture ${draft.name}`);
    expect(invoicePage).toContain(`Brouillon de commande Shopify ${draft.name}`);
    expect(certificate).toContain(`Brouillon de commande Shopify ${draft.name} (${run.invoiceId})`);
    expect(certificate).not.toContain("Commande Shopify #"); // not paid yet: no order
  });

  it("names the order too once the customer paid at Shopify's checkout (English)", async () => {
    const { run, draft, token } = await issuedDraftToSign();
    const order = await standIn().control.payInvoice(DEMO_SHOP_DOMAIN, run.invoiceId);

    const page = await signPage(token, "en-US,en;q=0.9");
    expect(page.document.shopify).toEqual({ draftOrder: draft.name, order: order.name });
    expect(page.paid).toBe(true);
    const signed = await callPublic(signAction, submitRequest(token, signFields(page, { lang: "en" }), { "accept-language": "en-US" }), { token });
    expect(signed.status).toBe(303);

    const signature = await prisma.signature.findUniqueOrThrow({ where: { runId: run.id } });
    expect(signature.locale).toBe("en");
    const [invoicePage, certificate] = await pdfText(signature.signedPdf!);
    expect(invoicePage).toContain(`Shopify draft order ${draft.name} · Shopify order ${order.name}`);
    expect(certificate).toContain(`Shopify draft order ${draft.name} (${run.invoiceId})`);
    expect(certificate).toContain(`Shopify order ${order.name}`);

    // A stamp Shopify did not take (here: undone) is owed, and the worker's tick writes it.
    await prisma.signature.update({ where: { id: signature.id }, data: { metadataSyncedAt: null } });
    const stored = draftNow(run.invoiceId);
    stored.metafields = stored.metafields.filter((m) => m.key !== "signature_id");
    expect(await stampPendingSignatures(10)).toBe(1);
    expect(draftNow(run.invoiceId).metafields).toEqual(expect.arrayContaining([expect.objectContaining({ key: "signature_id", value: signature.id })]));
    expect(await stampPendingSignatures(10)).toBe(0);
  });

  it("refuses to sign a draft order deleted in Shopify (the merchant cancelled it), and says so", async () => {
    const { run, token } = await issuedDraftToSign();
    const gql = await standIn().api.execute(DEMO_SHOP_DOMAIN, TOKEN, { query: `mutation { draftOrderDelete(input: { id: "${run.invoiceId}" }) { deletedId } }` });
    expect(gql.status).toBe(200);
    const { status, body } = await callPublic<Loaded>(signLoader, viewRequest(token), { token });
    expect(status).toBe(200);
    expect(body.page).toEqual({ kind: "refused", reason: "void" });
  });
});
