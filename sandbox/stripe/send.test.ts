// The traces a send leaves: status_transitions, `invoice.sent` in
// /v1/events, and the e-mails live mode would send (control.emails()).

import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, OTHER_MERCHANT, as, rejection, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
}, {
  eachTest: () => {
    h.standIn.control.configureWebhooks({ paused: true });
    h.standIn.control.setClock(Date.UTC(2026, 2, 1, 9));
  },
});

async function draftWithLine(account = MERCHANT, params: Partial<Stripe.InvoiceCreateParams> = {}) {
  const c = await stripe.customers.create({ email: "claire@example.com" }, as(account));
  const inv = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 15, ...params }, as(account));
  await stripe.invoices.addLines(inv.id, { lines: [{ amount: 2500 }] }, as(account));
  return inv;
}

const sentIds = async (params: Stripe.EventListParams = {}) =>
  (await stripe.events.list({ type: "invoice.sent", ...params }, as(MERCHANT))).data.map((e) => (e.data.object as Stripe.Invoice).id);

describe("what a send leaves behind", () => {
  it("a sent invoice has finalized_at and an invoice.sent event; one only finalized has no event and no e-mail", async () => {
    const sent = await draftWithLine();
    const finalizedOnly = await draftWithLine();
    const afterSend = await stripe.invoices.sendInvoice(sent.id, {}, as(MERCHANT, "run-1:send"));
    await stripe.invoices.finalizeInvoice(finalizedOnly.id, {}, as(MERCHANT));

    expect(afterSend.status).toBe("open");
    expect(afterSend.status_transitions.finalized_at).toBe(Date.UTC(2026, 2, 1, 9) / 1000);
    expect(afterSend.status_transitions).toEqual({ finalized_at: expect.any(Number), marked_uncollectible_at: null, paid_at: null, voided_at: null });

    expect(await sentIds()).toEqual([sent.id]);
    const event = (await stripe.events.list({ type: "invoice.sent" }, as(MERCHANT))).data[0];
    expect(event?.request).toEqual({ id: afterSend.lastResponse.requestId, idempotency_key: "run-1:send" });
    const finalized = await stripe.events.list({ types: ["invoice.finalized"] }, as(MERCHANT));
    expect(finalized.data.map((e) => (e.data.object as Stripe.Invoice).id).sort()).toEqual([sent.id, finalizedOnly.id].sort());

    expect(h.standIn.control.emails()).toEqual([
      { account: MERCHANT, invoice: sent.id, to: "claire@example.com", time: Date.UTC(2026, 2, 1, 9), requestId: afterSend.lastResponse.requestId, idempotencyKey: "run-1:send" },
    ]);
    expect(h.standIn.control.ledger(MERCHANT).map((i) => [i.id, i.emailsSent])).toEqual([
      [sent.id, 1],
      [finalizedOnly.id, 0],
    ]);
  });

  it("counts every e-mail: each /send of an open invoice e-mails again; auto-advance sends one by itself", async () => {
    const inv = await draftWithLine();
    await stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT));
    await stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT));
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(2);
    expect(await sentIds()).toEqual([inv.id, inv.id]);

    const auto = await draftWithLine(MERCHANT, { auto_advance: true });
    h.standIn.control.advanceClock(3600_000);
    expect((await stripe.invoices.retrieve(auto.id, {}, as(MERCHANT))).status).toBe("open");
    expect(h.standIn.control.emails({ invoice: auto.id })).toEqual([expect.objectContaining({ requestId: null, idempotencyKey: null })]);

    const elsewhere = await draftWithLine(OTHER_MERCHANT);
    await stripe.invoices.sendInvoice(elsewhere.id, {}, as(OTHER_MERCHANT));
    expect(h.standIn.control.emails({ account: OTHER_MERCHANT }).map((e) => e.invoice)).toEqual([elsewhere.id]);
    const overHttp = (await (await fetch(`${h.standIn.url}/__control/emails?invoice=${inv.id}`)).json()) as unknown[];
    expect(overHttp).toHaveLength(2);
  });

  it("/v1/events filters as Stripe's does: no filter by object, and 30 days back only", async () => {
    const inv = await draftWithLine();
    await stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT));
    const byObject = await rejection(stripe.events.list({ type: "invoice.sent", related_object: inv.id } as Stripe.EventListParams, as(MERCHANT)));
    expect(byObject.code).toBe("parameter_unknown");
    expect(byObject.param).toBe("related_object");
    const eventId = (await stripe.events.list({ type: "invoice.sent" }, as(MERCHANT))).data[0]?.id ?? "";

    h.standIn.control.advanceClock(29 * 86_400_000);
    expect(await sentIds()).toEqual([inv.id]);
    h.standIn.control.advanceClock(2 * 86_400_000);
    expect(await sentIds()).toEqual([]);
    expect((await rejection(stripe.events.retrieve(eventId, {}, as(MERCHANT)))).statusCode).toBe(404);
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(1); // the control log keeps everything
  });
});
