// A French B2B run issued through the worker and the real SDK against the
// Stripe stand-in: the Factur-X derived from the run shows the Stripe
// invoice's number, lines, VAT and total to the cent (read back from Stripe),
// and passes the official validators.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { buildEInvoice, einvoiceProblems } from "~/domain/einvoice";
import { einvoiceInputFromRun } from "~/domain/einvoice-run";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { parseRun } from "~/models/invoice-run.server";
import { facturXml } from "~/services/documents/facturx-kit.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { DEMO_BUYER, DEMO_SELLER } from "../../sandbox/demo/facturx-scenarios";
import { describeFindings, errorsOf, validateCii } from "../helpers/einvoice-validator";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const TVA = (rate: string) => [{ title: "TVA", ratePercent: rate }];

describe("the Factur-X of an issued run", () => {
  it("has the Stripe invoice's number, lines, VAT and total, and passes the validators", async () => {
    const clock = new ManualClock("2026-11-20T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const template = await createTemplate(
      shop,
      templateInput({
        lines: [
          { title: "Café en grains", variantTitle: "1 kg", variantId: "gid://shopify/ProductVariant/501", quantity: 3, unitAmount: 2490, discountAmount: 333, taxLines: TVA("5.5") },
          { title: "Atelier dégustation", quantity: 1, unitAmount: 4500, taxLines: TVA("20") },
        ],
        shipping: { title: "Colissimo", amount: 690, discountAmount: 0, taxLines: TVA("20") },
        schedule: { every: 1, unit: "month", anchor: "2026-12-01", timeOfDay: "09:00", timeZone: "Europe/Paris" },
      }),
      { clock },
    );
    clock.set("2026-12-01T08:30:00Z");
    const standIn = stripeStandIn();
    const client = testClient(standIn);
    await drain(new Worker({ gateway: new StripeBillingAdapter(client, stripeCustomerStore, stripeTaxRateStore), clock, random: () => 0.5 }));

    const run = parseRun(await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } }));
    expect(run.state).toBe("sent");
    const input = einvoiceInputFromRun(
      { ...run, invoiceNumber: run.invoiceNumber! },
      { seller: DEMO_SELLER, buyer: DEMO_BUYER, issueDate: "2026-12-01", periodStart: run.periodDate, periodEnd: "2026-12-31" },
    );
    expect(einvoiceProblems(input)).toEqual([]);
    const einvoice = buildEInvoice(input);

    const stripe = await client.sdk.invoices.retrieve(run.invoiceId!, {}, { stripeAccount: MERCHANT });
    const stripeLines = await client.sdk.invoices.listLineItems(run.invoiceId!, { limit: 100 }, { stripeAccount: MERCHANT }).autoPagingToArray({ limit: 100 });
    expect(einvoice.input.number).toBe(stripe.number);
    expect(einvoice.grandTotal).toBe(stripe.total);
    expect(einvoice.taxTotal).toBe((stripe.total_taxes ?? []).reduce((acc, tax) => acc + tax.amount, 0));
    expect(einvoice.lineTotal).toBe(stripe.total_excluding_tax);
    // Line by line: the VAT Stripe computed is the VAT the e-invoice declares.
    const stripeVat = stripeLines.map((line) => (line.taxes ?? []).reduce((acc, tax) => acc + tax.amount, 0)).sort((a, b) => a - b);
    expect(einvoice.lines.map((line) => line.vatAmount).sort((a, b) => a - b)).toEqual(stripeVat);
    expect(einvoice.process).toBe("M1"); // the coffee came from a product variant (goods), the workshop did not (services)

    const errors = errorsOf(await validateCii(await facturXml(einvoice)));
    expect(errors, describeFindings(errors)).toEqual([]);
  }, 60_000);
});
