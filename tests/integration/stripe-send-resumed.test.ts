// The send step resumed after Stripe forgot its key (PROMISE §3 "One e-mail
// per send"): an attempt's send reached Stripe, which e-mailed the invoice,
// and its answer was lost; the run is retried more than 24 h later, when the
// step's key is no longer remembered, so repeating it would e-mail the
// customer a second time. A resumed send looks at Stripe's state first (the
// invoice's `invoice.sent` event) and sends only when nothing was sent.
// Through the worker and the real SDK against the Stripe stand-in, whose
// clock follows the pipeline's, months from the machine's (as in the demo and
// the chaos campaign, which found a resumed send reading Stripe's timestamps
// on the machine's clock, judging the finalization too old to check, and
// e-mailing again). When it cannot tell, it sends nothing and asks the merchant.
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

const HOUR = 3_600_000;

/** Issued until the send's answer is lost (after Stripe e-mailed when `actFirst`), then retried `retryAfterMs` later, on a stand-in clock that is the pipeline's. */
async function runLosingSend(actFirst: boolean, retryAfterMs = 25 * HOUR, beforeRetry?: () => void) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const standIn = stripeStandIn();
  const align = () => standIn.control.setClock(clock.nowDate().getTime());
  align();
  const shop = await createShop({ billingAccountId: MERCHANT });
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-01-15T08:00:00Z");
  align();
  const adapter = new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore, clock);
  const lanes = new Worker({ gateway: losingSendAnswers(adapter, { send: 1, actFirst }), clock, random: () => 0.5 });
  await drain(lanes);
  const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  expect(interrupted).toMatchObject({ state: "issuing", step: "send" });

  clock.set(new Date(interrupted.nextAttemptAt!.getTime() + retryAfterMs).toISOString());
  align();
  beforeRetry?.();
  for (let round = 0; round < 5; round++) {
    await drain(lanes);
    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted.id } });
    if (run.state !== "issuing" && run.state !== "planned") return { run, emails: standIn.control.emails({ account: MERCHANT, invoice: run.invoiceId! }) };
    clock.set(run.nextAttemptAt!.toISOString());
    align();
  }
  throw new Error("the run is still being issued");
}

describe("a send step resumed more than 24 h after its answer was lost", () => {
  it("does not e-mail the customer again when Stripe had sent the invoice: one e-mail, the run sent", async () => {
    const { run, emails } = await runLosingSend(true);
    expect(run).toMatchObject({ state: "sent" });
    expect(emails).toHaveLength(1);
  }, 60_000);

  it("sends it when Stripe had not: one e-mail, the run sent", async () => {
    const { run, emails } = await runLosingSend(false);
    expect(run).toMatchObject({ state: "sent", lastErrorCode: null });
    expect(emails).toHaveLength(1);
  }, 60_000);

  it("when its read of Stripe's events meets 5xx, retries the step and reads again: one e-mail, no warning", async () => {
    const { run, emails } = await runLosingSend(true, 25 * HOUR, () =>
      stripeStandIn().control.setFaults(MERCHANT, { failNext: [{ count: 2, method: "GET", path: "/v1/events" }] }),
    );
    expect(run).toMatchObject({ state: "sent", lastErrorCode: null });
    expect(emails).toHaveLength(1);
  }, 60_000);
});

describe("a send step resumed when Stripe's events no longer reach back to the finalization (Stripe keeps 30 days)", () => {
  it("sends nothing on a guess: the run is sent with the warning that offers Send again, one e-mail", async () => {
    const { run, emails } = await runLosingSend(true, 30 * 24 * HOUR);
    expect(run).toMatchObject({ state: "sent", lastErrorCode: "send_unconfirmed" });
    expect(emails).toHaveLength(1);
  }, 60_000);
});
