// Defence in depth for templates saved before the rule that an invoice must
// ask for something: the worker still plans their periods, and the pipeline
// fails each such run for good before any call to Stripe, saying why in the
// merchant's language.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { translator } from "~/i18n";
import { explainRunFailure } from "~/i18n/run-errors";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

describe("a template saved with a zero total before the rule", () => {
  it("has its due run failed before any Stripe call, with the reason in the merchant's language", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const template = await createTemplate(shop, templateInput(), { clock });
    // What an older release let through: a free sample, shipped free.
    const freeSample = [{ title: "Échantillon offert", quantity: 1, unitAmount: 0, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }];
    await prisma.recurringTemplate.update({ where: { id: template.id }, data: { lines: JSON.stringify(freeSample), shipping: null, periodTotal: 0 } });

    clock.set("2026-01-15T08:00:00Z");
    const gateway = new StripeBillingAdapter(testClient(stripeStandIn()), stripeCustomerStore, stripeTaxRateStore);
    await drain(new Worker({ gateway, clock, random: () => 0.5 }));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ periodIndex: 0, expectedTotal: 0, state: "failed", lastErrorCode: "total_not_positive", invoiceId: null });
    expect(stripeStandIn().control.requests()).toEqual([]);
    expect(await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.failed" }, select: { cause: true } })).toEqual([{ cause: "total_not_positive" }]);
    expect(explainRunFailure(translator("en"), run.lastErrorCode, run.lastErrorMessage).explanation).toBe(
      "This invoice totals zero (or less), so nothing was sent to Stripe: a recurring invoice must ask for an amount. Correct the prices or discounts with Edit, then click Retry.",
    );
    expect(explainRunFailure(translator("fr"), run.lastErrorCode, run.lastErrorMessage).explanation).toContain("Cette facture a un total nul (ou négatif)");
  });
});
