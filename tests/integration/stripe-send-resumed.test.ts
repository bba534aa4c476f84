// The send step resumed after Stripe forgot its key (PROMISE §3 "One e-mail
// per send"): an attempt's send reached Stripe, which e-mailed the invoice,
// and its answer was lost; the run is retried more than 24 h later, when the
// step's key is no longer remembered, so repeating it would e-mail the
// customer a second time. A resumed send looks at Stripe's state first (the
// invoice's `invoice.sent` event) and sends only when nothing was sent.
// Through the worker and the real SDK against the Stripe stand-in.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { BillingError, type BillingGateway } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

/** The adapter, with the answer of the first `send` (or of none) lost after Stripe acted on it. */
function losingSendAnswers(adapter: StripeBillingAdapter, lose: { send: number; actFirst: boolean }): BillingGateway {
  return {
    ensureCustomer: (request, context) => adapter.ensureCustomer(request, context),
    createDraft: (request, customerId, context) => adapter.createDraft(request, customerId, context),
    addLines: (request, invoiceId, context) => adapter.addLines(request, invoiceId, context),
    finalize: (request, invoiceId, context) => adapter.finalize(request, invoiceId, context),
    send: async (request, invoiceId, context) => {
      if (lose.send-- > 0) {
        if (lose.actFirst) await adapter.send(request, invoiceId, context);
        throw new BillingError("transient", "network_error", "The connection to Stripe was lost.");
      }
      return adapter.send(request, invoiceId, context);
    },
    findInvoiceForRun: (request) => adapter.findInvoiceForRun(request),
    discardDraft: (request, invoiceId) => adapter.discardDraft(request, invoiceId),
  };
}

async function runLosingSend(actFirst: boolean) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop({ billingAccountId: MERCHANT });
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-01-15T08:00:00Z");
  const standIn = stripeStandIn();
  const gateway = losingSendAnswers(new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore), { send: 1, actFirst });
  const lanes = new Worker({ gateway, clock, random: () => 0.5 });
  await drain(lanes);
  const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  expect(interrupted).toMatchObject({ state: "issuing", step: "send" });

  // The retry comes after Stripe forgot the send's key (24 h).
  standIn.control.advanceClock(25 * 3_600_000);
  clock.set(new Date(interrupted.nextAttemptAt!.getTime() + 25 * 3_600_000).toISOString());
  await drain(lanes);
  const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted.id } });
  return { run, emails: standIn.control.emails({ account: MERCHANT, invoice: run.invoiceId! }) };
}

describe("a send step resumed more than 24 h after its answer was lost", () => {
  it("does not e-mail the customer again when Stripe had sent the invoice: one e-mail, the run sent", async () => {
    const { run, emails } = await runLosingSend(true);
    expect(run).toMatchObject({ state: "sent" });
    expect(emails).toHaveLength(1);
  }, 60_000);

  it("sends it when Stripe had not: one e-mail, the run sent", async () => {
    const { run, emails } = await runLosingSend(false);
    expect(run).toMatchObject({ state: "sent" });
    expect(emails).toHaveLength(1);
  }, 60_000);
});
