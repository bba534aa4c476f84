// Found by the chaos campaign (tests/chaos): a stop deletes a run's draft,
// its worker dies before storing the run skipped, the merchant resumes the
// template, and the run is taken over with the deleted draft's id. It used
// to fail ("No such invoice") and its period was missed; now it makes a new
// draft under a new key generation and is issued once.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { createShop, drain, PERIOD_TOTAL, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

describe("a run whose draft was deleted behind it", () => {
  it("makes a new draft and is issued once, instead of failing on the deleted one", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    const standIn = stripeStandIn();
    // Stripe refuses the lines for now: the run waits at its lines step, its draft made.
    standIn.control.setFaults(MERCHANT, { failNext: { count: 50, method: "POST", path: "/v1/invoices/*/add_lines" } });
    const client = testClient(standIn, { retry: { maxAttempts: 1 } });
    const worker = new Worker({ gateway: new StripeBillingAdapter(client, stripeCustomerStore, stripeTaxRateStore), clock, random: () => 0.5 });
    await drain(worker);
    const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(waiting).toMatchObject({ state: "issuing", step: "lines" });
    // What a stop did before its worker died: the draft deleted, the run not yet stored skipped.
    await client.sdk.invoices.del(waiting.invoiceId!, {}, { stripeAccount: MERCHANT });
    standIn.control.clearFaults();

    clock.set(new Date(waiting.nextAttemptAt!.getTime() + 1_000).toISOString());
    await drain(worker);

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(run).toMatchObject({ state: "sent", invoicedTotal: PERIOD_TOTAL, keyGeneration: 1 });
    expect(run.invoiceId).not.toBe(waiting.invoiceId);
    const invoices = standIn.control.ledger(MERCHANT).filter((invoice) => invoice.metadata?.run_id === run.id);
    expect(invoices.map((invoice) => [invoice.id, invoice.status])).toEqual([[run.invoiceId, "open"]]);
    expect(standIn.control.emails({ invoice: run.invoiceId! })).toHaveLength(1);
  });
});
