// Stop means stop, end to end: the worker with the Stripe gateway, through
// the real SDK against the Stripe stand-in. A run being issued when the
// merchant cancels or pauses its template, the shop uninstalls the app or
// customers/redact erases the customer stops before its next provider call:
// nothing is finalized, nothing is e-mailed, its draft (if it had one) is
// deleted once, and it ends `skipped` with the reason. The transition comes
// either while the run waits on a retry after Stripe's 429 (its lease given
// back), or while the worker holds it, between two calls. A run already
// finalized is left alone, and the template page offers to void it.
import type { Shop } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import type { BillingGateway, BillingStep } from "~/domain/billing";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { Worker } from "~/worker/worker";
import { idempotencyKey } from "~/domain/billing";
import { HookedGateway } from "../helpers/hooked-gateway";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { stopTransitions } from "../helpers/stop-transitions";
import { invoiceRequest, MemoryStripeStores, MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

const CUSTOMER = { shopifyCustomerId: "gid://shopify/Customer/7001", email: "claire.martin@example.fr" };

/** The Stripe gateway on our tables, with hooks run at chosen calls (HookedGateway). */
const stripeGateway = () => new HookedGateway(new StripeBillingAdapter(testClient(stripeStandIn()), stripeCustomerStore, stripeTaxRateStore));

function worker(gateway: BillingGateway, clock: ManualClock): Worker {
  return new Worker({ gateway, clock, random: () => 0.5, concurrency: 1 });
}

/** Every request to MERCHANT is answered 429 until the faults are cleared. */
function stripeRefusesEverything() {
  stripeStandIn().control.setFaults(MERCHANT, { rateLimit: { requestsPerSecond: 0.001, burst: 0 } });
}

/** A template of a shop connected to MERCHANT, its first period due now (`end`: a schedule with that many periods). */
async function dueTemplate(options: { end?: number; shop?: Shop; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock("2026-01-10T10:00:00Z");
  clock.set("2026-01-10T10:00:00Z");
  const shop = options.shop ?? (await createShop({ billingAccountId: MERCHANT }));
  const input = templateInput();
  const schedule = options.end ? { ...input.schedule, end: { afterCount: options.end } } : input.schedule;
  const template = await createTemplate(shop, { ...input, schedule, customer: { ...input.customer, ...CUSTOMER } }, { clock });
  clock.set("2026-01-15T08:00:00Z");
  return { clock, shop, template };
}

const TRANSITIONS = stopTransitions({ id: 7001, email: CUSTOMER.email });

/** The step whose call comes right before `step`'s (the transition lands between the two). */
const PREVIOUS: Record<"draft" | "lines" | "finalize", BillingStep> = { draft: "customer", lines: "draft", finalize: "lines" };

function stripeEvents(type: string, runId: string) {
  return stripeStandIn()
    .control.events(MERCHANT)
    .filter((event) => event.type === type && (event.data.object as { metadata?: Record<string, string> }).metadata?.run_id === runId);
}

/** What the stand-in and our tables show of a run stopped before `step`: nothing issued, nothing e-mailed, its draft deleted once. */
async function expectStopped(templateId: string, reason: string, step: BillingStep, clock: ManualClock) {
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId } });
  expect(run).toMatchObject({ state: "skipped", skipReason: reason, step: null, invoiceId: null, leaseOwner: null, leaseToken: null });
  const hadDraft = step === "lines" || step === "finalize";
  // Stripe: no invoice left for the run, none ever finalized or sent, the draft deleted exactly once.
  expect(stripeStandIn().control.ledger(MERCHANT).filter((invoice) => invoice.metadata?.run_id === run.id)).toEqual([]);
  expect(stripeEvents("invoice.finalized", run.id)).toEqual([]);
  expect(stripeEvents("invoice.sent", run.id)).toEqual([]);
  expect(stripeStandIn().control.emails({ account: MERCHANT })).toEqual([]);
  expect(stripeEvents("invoice.created", run.id)).toHaveLength(hadDraft ? 1 : 0);
  expect(stripeEvents("invoice.deleted", run.id)).toHaveLength(hadDraft ? 1 : 0);
  const deletes = stripeStandIn().control.requests({ account: MERCHANT, method: "DELETE", path: "/v1/invoices/" });
  expect(deletes.filter((request) => request.status === 200)).toHaveLength(hadDraft ? 1 : 0);
  // Ours: skipped with the reason, on the trail, never counted as issued.
  const skipped = await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.skipped" } });
  expect(skipped.map((event) => [event.fromState, event.cause])).toEqual([["issuing", reason]]);
  expect(JSON.parse(skipped[0]!.detail!)).toMatchObject({ step, deletedDraftId: hadDraft ? expect.stringMatching(/^in_/) : null });
  expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } })).toMatchObject({ issuedCount: 0 });
  // And it stays stopped: later ticks do not take it up again.
  clock.advance({ days: 1 });
  const later = await drain(worker(stripeGateway(), clock));
  expect(later.reduce((claimed, tick) => claimed + tick.runs.claimed, 0)).toBe(0);
}

describe.each(TRANSITIONS)("$name while a run is being issued", (transition) => {
  it.each(["customer", "draft", "lines", "finalize"] as const)(
    "waiting on a retry after Stripe's 429 at %s: the worker stops it there, issues and e-mails nothing",
    async (step) => {
      const { clock, shop, template } = await dueTemplate();
      const gateway = stripeGateway();
      if (step === "customer") stripeRefusesEverything();
      else gateway.on(PREVIOUS[step], "after", async () => stripeRefusesEverything());
      await drain(worker(gateway, clock));
      const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
      expect(waiting).toMatchObject({ state: "issuing", step, lastErrorCode: "rate_limited", leaseOwner: null });

      stripeStandIn().control.clearFaults(MERCHANT);
      await transition.apply(shop, template, clock);
      clock.set(waiting.nextAttemptAt!.toISOString()); // the retry's time: the worker takes the run up again
      await drain(worker(gateway, clock));

      await expectStopped(template.id, transition.reason, step, clock);
    },
  );

  it.each(["draft", "lines", "finalize"] as const)(
    "while the worker holds it, just before %s: it stops before that call, issues and e-mails nothing",
    async (step) => {
      const { clock, shop, template } = await dueTemplate();
      const gateway = stripeGateway().on(PREVIOUS[step], "after", () => transition.apply(shop, template, clock));
      await drain(worker(gateway, clock));

      await expectStopped(template.id, transition.reason, step, clock);
    },
  );

  it("after finalization: the invoice is left alone (sent once, not deleted) and the template page offers to void it", async () => {
    const { clock, shop, template } = await dueTemplate();
    const gateway = stripeGateway().on("finalize", "after", () => transition.apply(shop, template, clock));
    await drain(worker(gateway, clock));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run.state).toBe("sent");
    const [invoice, ...others] = stripeStandIn().control.ledger(MERCHANT).filter((each) => each.metadata?.run_id === run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ id: run.invoiceId, status: "open" });
    expect(stripeEvents("invoice.sent", run.id)).toHaveLength(1);
    expect(stripeStandIn().control.emails({ invoice: run.invoiceId! })).toHaveLength(1);
    expect(stripeEvents("invoice.deleted", run.id)).toEqual([]);

    const page = await loadTemplatePage(shop, template.id);
    expect(page.runs.find((view) => view.id === run.id)).toMatchObject({ stopNotice: transition.notice, actions: expect.arrayContaining(["void"]) });
  });
});

describe("runs the template's status does not stop", () => {
  it("customers/redact stops every unfinalized run of the customer, an ended template's last run included", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: MERCHANT });
    const ended = await dueTemplate({ end: 1, shop, clock }); // its only period is planned: the template ends
    await dueTemplate({ shop, clock }); // an ongoing template of the same customer
    const gateway = stripeGateway().on("draft", "after", async () => stripeRefusesEverything());
    await drain(worker(gateway, clock));
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: ended.template.id } })).toMatchObject({ status: "ended" });
    // One run got its draft before Stripe's 429s began; the other reused the customer Stripe already had and was refused its draft.
    const waiting = await prisma.invoiceRun.findMany({ where: { shopId: shop.id }, orderBy: { nextAttemptAt: "desc" } });
    expect(waiting.map((run) => `${run.state}:${run.step}`).sort()).toEqual(["issuing:draft", "issuing:lines"]);

    stripeStandIn().control.clearFaults(MERCHANT);
    await TRANSITIONS[3]!.apply(shop, ended.template, clock);
    clock.set(waiting[0]!.nextAttemptAt!.toISOString());
    await drain(worker(gateway, clock));

    const runs = await prisma.invoiceRun.findMany({ where: { shopId: shop.id } });
    expect(runs.map((run) => [run.state, run.skipReason])).toEqual([
      ["skipped", "customer_redacted"],
      ["skipped", "customer_redacted"],
    ]);
    expect(stripeStandIn().control.ledger(MERCHANT)).toEqual([]);
    const events = stripeStandIn().control.events(MERCHANT).map((event) => event.type);
    expect(events.filter((type) => type.startsWith("invoice."))).toEqual(["invoice.created", "invoice.deleted"]);
    expect(stripeStandIn().control.emails({ account: MERCHANT })).toEqual([]);
  });

  it("app/uninstalled stops the last run of an ended template (reason shop_uninstalled)", async () => {
    const { clock, shop, template } = await dueTemplate({ end: 1 });
    const gateway = stripeGateway().on("customer", "after", () => TRANSITIONS[2]!.apply(shop, template, clock));
    await drain(worker(gateway, clock));
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).toMatchObject({ status: "ended" });
    await expectStopped(template.id, "shop_uninstalled", "draft", clock);
  });

  it("an ended template's last run goes on when nobody stopped it", async () => {
    const { clock, template } = await dueTemplate({ end: 1 });
    await drain(worker(stripeGateway(), clock));
    expect(await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } })).toMatchObject({ state: "sent" });
  });
});

describe("the Stripe adapter's discardDraft", () => {
  const VAT_20 = [{ title: "TVA", ratePercent: "20" }];
  const key = (runId: string, step: BillingStep) => ({ idempotencyKey: idempotencyKey(runId, step) });

  it("deletes a draft once (a second delete finds it gone and counts as done), and returns a finalized invoice untouched", async () => {
    const stores = new MemoryStripeStores();
    const gateway = new StripeBillingAdapter(testClient(stripeStandIn()), stores.customers, stores.taxRates);
    const draftOf = async () => {
      const request = invoiceRequest({ currency: "EUR", taxesIncluded: true, lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: VAT_20 }] });
      const { customerId } = await gateway.ensureCustomer(request, key(request.runId, "customer"));
      const draft = await gateway.createDraft(request, customerId, key(request.runId, "draft"));
      await gateway.addLines(request, draft.invoiceId, key(request.runId, "lines"));
      return { request, invoiceId: draft.invoiceId };
    };

    const stopped = await draftOf();
    expect(await gateway.discardDraft(stopped.request, stopped.invoiceId)).toBeNull();
    expect(await gateway.discardDraft(stopped.request, stopped.invoiceId)).toBeNull(); // a stop done again after a crash
    expect(stripeEvents("invoice.deleted", stopped.request.runId)).toHaveLength(1);
    expect(stripeStandIn().control.ledger(MERCHANT).filter((invoice) => invoice.id === stopped.invoiceId)).toEqual([]);

    const issued = await draftOf();
    await gateway.finalize(issued.request, issued.invoiceId, key(issued.request.runId, "finalize"));
    expect(await gateway.discardDraft(issued.request, issued.invoiceId)).toMatchObject({ invoiceId: issued.invoiceId, status: "open" });
    expect(stripeStandIn().control.ledger(MERCHANT).filter((invoice) => invoice.id === issued.invoiceId)).toMatchObject([{ status: "open" }]);
  });
});
