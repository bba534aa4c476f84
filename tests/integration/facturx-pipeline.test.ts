// A template that issues French e-invoices, through the worker and the real
// SDK against the Stripe stand-in: its run gets one Factur-X, stored, with
// the Stripe invoice's number and total, passing the validators; a run whose
// e-invoice would break a rule of the reform fails before any call to
// Stripe, naming the field to fix.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { prefilledEInvoice } from "~/domain/einvoice-template";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { saveTemplateEInvoice } from "~/models/einvoice.server";
import { inTransaction } from "~/models/transaction.server";
import { sealIdentity } from "~/services/documents/seal-identity.server";
import { checkSeal } from "~/services/documents/verify-seal.server";
import { collectCustomerData, eraseCustomerData } from "~/services/privacy/registry.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { DEMO_BUYER, DEMO_SELLER } from "../../sandbox/demo/facturx-scenarios";
import { describeFindings, errorsOf, validateCii } from "../helpers/einvoice-validator";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

async function frenchTemplate(buyer = DEMO_BUYER) {
  const clock = new ManualClock("2026-11-20T10:00:00Z");
  const shop = await createShop({ billingAccountId: MERCHANT, settings: { legalIdentity: DEMO_SELLER } });
  const input = templateInput({ schedule: { every: 1, unit: "month", anchor: "2026-12-01", timeOfDay: "09:00", timeZone: "Europe/Paris" } });
  const template = await createTemplate(shop, input, { clock });
  const einvoice = { ...prefilledEInvoice(input.customer, [...input.lines, {}]), enabled: true, buyer };
  expect(await saveTemplateEInvoice(shop.id, template.id, einvoice)).toBe(true);
  clock.set("2026-12-01T08:30:00Z");
  const client = testClient(stripeStandIn());
  const worker = new Worker({ gateway: new StripeBillingAdapter(client, stripeCustomerStore, stripeTaxRateStore), clock, random: () => 0.5 });
  return { shop, template, client, worker };
}

describe("French e-invoices in the pipeline", () => {
  it("an issued run has one Factur-X with the Stripe invoice's number and total", async () => {
    const { template, client, worker } = await frenchTemplate();
    await drain(worker);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run.state).toBe("sent");
    const documents = await prisma.eInvoiceDocument.findMany({ where: { runId: run.id } });
    expect(documents).toHaveLength(1);
    const stripe = await client.sdk.invoices.retrieve(run.invoiceId!, {}, { stripeAccount: MERCHANT });
    expect(documents[0]).toMatchObject({ kind: "invoice", number: stripe.number, total: stripe.total, issueDate: "2026-12-01" });
    expect(documents[0]!.xml).toContain(`<ram:ID>${stripe.number}</ram:ID>`);
    expect(Buffer.from(documents[0]!.pdf).subarray(0, 5).toString()).toBe("%PDF-");
    const errors = errorsOf(await validateCii(documents[0]!.xml));
    expect(errors, describeFindings(errors)).toEqual([]);
    // Sealed as issued, by Ritournelle's certificate, dated when it was made.
    expect(await checkSeal(new Uint8Array(documents[0]!.pdf))).toEqual({ status: "valid", signer: (await sealIdentity()).signerName, ours: true, sealedAt: "2026-12-01T08:30:00.000Z" });
  }, 60_000);

  it("a buyer SIREN with a wrong key fails the run before any Stripe call, naming the field", async () => {
    const { template, worker } = await frenchTemplate({ ...DEMO_BUYER, siren: "443061842", electronicAddress: "443061842", vatNumber: undefined });
    const before = stripeStandIn().control.requests().length;
    await drain(worker);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "failed", lastErrorCode: "einvoice_invalid", invoiceId: null, customerId: null });
    expect(run.lastErrorMessage).toContain("buyer.siren (siren_key");
    expect(stripeStandIn().control.requests().length).toBe(before);
    expect(await prisma.eInvoiceDocument.count({ where: { runId: run.id } })).toBe(0);
  }, 60_000);

  it("customers/redact erases the buyer's company identity and keeps the issued Factur-X (the merchant's accounting record)", async () => {
    const { shop, template, worker } = await frenchTemplate();
    await drain(worker);
    const subject = { shopifyCustomerId: "gid://shopify/Customer/7001" };
    const report = await inTransaction((tx) => collectCustomerData(shop, subject, new Date(), tx));
    expect(report.data.einvoices).toEqual(
      expect.arrayContaining([expect.objectContaining({ record: "template_einvoice", templateId: template.id }), expect.objectContaining({ record: "einvoice_document" })]),
    );
    const erased = await inTransaction((tx) => eraseCustomerData(shop.id, subject, new Date(), tx));
    expect(erased.einvoices).toBe(1);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).einvoice).toBeNull();
    expect(await prisma.eInvoiceDocument.count({ where: { shopId: shop.id } })).toBe(1);
  }, 60_000);
});
