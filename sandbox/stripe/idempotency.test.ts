// Idempotency keys under faults: a key still in use (409), a step committed
// whose answer was lost (dropped connection, saved 500) — what a retry with
// the same key gets, and what a new key would do.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, as, rejection, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
});

async function invoiceParams(): Promise<Stripe.InvoiceCreateParams> {
  const c = await stripe.customers.create({ email: "client@example.com" }, as(MERCHANT));
  return { customer: c.id, collection_method: "send_invoice", days_until_due: 30, metadata: { run_id: "run-9" } };
}

/** A finalized invoice with one line, ready to send. */
async function openInvoice() {
  const inv = await stripe.invoices.create(await invoiceParams(), as(MERCHANT));
  await stripe.invoices.addLines(inv.id, { lines: [{ amount: 4200, description: "Abonnement" }] }, as(MERCHANT));
  return stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
}

function sentEvents(invoiceId: string) {
  return h.standIn.control.events(MERCHANT).filter((e) => e.type === "invoice.sent" && (e.data.object as { id: string }).id === invoiceId);
}

describe("409 idempotency_key_in_use on demand (keyInUseNext)", () => {
  it("before execution: nothing runs, nothing is saved, the retry with the same key creates the one invoice", async () => {
    const params = await invoiceParams();
    h.standIn.control.setFaults(MERCHANT, { keyInUseNext: { count: 1, method: "POST", path: "/v1/invoices" } });
    const err = await rejection(stripe.invoices.create(params, as(MERCHANT, "run-9:draft")));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError); // the SDK maps 409 by status
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe("idempotency_key_in_use");
    expect(err.rawType).toBe("idempotency_error");
    expect(err.message).toContain("run-9:draft");
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(0);

    const retried = await stripe.invoices.create(params, as(MERCHANT, "run-9:draft"));
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(h.standIn.control.ledger(MERCHANT).map((i) => i.id)).toEqual([retried.id]);
    const log = h.standIn.control.requests({ path: "/v1/invoices", method: "POST", idempotencyKey: "run-9:draft" });
    expect(log.map((r) => [r.status, r.fault])).toEqual([
      [409, "key_in_use"],
      [200, null],
    ]);
  });

  it("after commit: the attempt holding the key did create the invoice; the retry with the same key gets it back, one invoice", async () => {
    const params = await invoiceParams();
    h.standIn.control.setFaults(MERCHANT, { keyInUseNext: { count: 1, method: "POST", path: "/v1/invoices", mode: "after_commit" } });
    const err = await rejection(stripe.invoices.create(params, as(MERCHANT, "run-9:draft")));
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe("idempotency_key_in_use");
    const ledger = h.standIn.control.ledger(MERCHANT);
    expect(ledger).toHaveLength(1);

    const retried = await stripe.invoices.create(params, as(MERCHANT, "run-9:draft"));
    expect(retried.id).toBe(ledger[0]?.id);
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(h.standIn.control.ledger(MERCHANT)).toHaveLength(1);
  });

  it("applies to keyed requests only, is set over HTTP, and is listed with the faults", async () => {
    const res = await fetch(`${h.standIn.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ account: MERCHANT, keyInUseNext: { count: 1, path: "/v1/customers" } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, { keyInUseNext: unknown[] }>)[MERCHANT]?.keyInUseNext).toHaveLength(1);
    expect((await stripe.customers.list({}, as(MERCHANT))).object).toBe("list"); // a GET carries no key: untouched
    const err = await rejection(stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "c-1")));
    expect(err.statusCode).toBe(409);
    expect((await stripe.customers.create({ email: "a@example.com" }, as(MERCHANT, "c-1"))).email).toBe("a@example.com");
  });
});

describe("a send committed, then its answer lost", () => {
  it("connection dropped after the send: one e-mail; the retry with the same key replays the answer and sends nothing more", async () => {
    const inv = await openInvoice();
    // Two drops: the SDK retries a reset connection once by itself, with the same key.
    h.standIn.control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/invoices/*/send" } });
    const err = await rejection(stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT, "run-9:send")));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(1);
    expect(sentEvents(inv.id)).toHaveLength(1);

    const retried = await stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT, "run-9:send"));
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(1);
    expect(h.standIn.control.ledger(MERCHANT)[0]?.emailsSent).toBe(1);

    // What a fresh key would have done: a second e-mail to the customer.
    await stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT, "run-9:send:other"));
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(2);
  });

  it("500 after commit on send: the 500 is what the key replays, and only the event says it was sent", async () => {
    const inv = await openInvoice();
    h.standIn.control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/invoices/*/send", mode: "after_commit" } });
    const err = await rejection(stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT, "run-9:send")));
    expect(err.statusCode).toBe(500);
    const replay = await rejection(stripe.invoices.sendInvoice(inv.id, {}, as(MERCHANT, "run-9:send")));
    expect(replay.statusCode).toBe(500);
    expect(replay.headers?.["idempotent-replayed"]).toBe("true");
    expect(h.standIn.control.emails({ invoice: inv.id })).toHaveLength(1);

    // The invoice alone cannot tell "sent" from "finalized only"; the account's events can.
    const now = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(now.status).toBe("open");
    const sent = await stripe.events.list({ type: "invoice.sent" }, as(MERCHANT));
    expect(sent.data.map((e) => (e.data.object as Stripe.Invoice).id)).toEqual([inv.id]);
  });
});
