// Events and signed webhook delivery, verified with the SDK's own constructEvent.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, WEBHOOK_SECRET, as, startReceiver, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
}, {
  eachTest: () => {
    h.standIn.control.configureWebhooks({ paused: false, duplicate: false, reorderWindow: 0, retryDelaysMs: [20, 40, 80], maxAttempts: 4 });
    h.receiver.received.length = 0;
    h.receiver.respondWith = [];
  },
});

function verified() {
  return h.receiver.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET));
}

describe("signed webhooks", () => {
  it("signs every delivery so stripe.webhooks.constructEvent accepts it", async () => {
    const c = await stripe.customers.create({ email: "w@example.com" }, as(MERCHANT, "hook-1"));
    await h.standIn.control.waitForWebhooks();
    expect(h.receiver.received).toHaveLength(1);
    const r = h.receiver.received[0];
    expect(r?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(r?.headers["content-type"]).toBe("application/json; charset=utf-8");
    const event = Stripe.webhooks.constructEvent(r?.body ?? "", r?.signature ?? "", WEBHOOK_SECRET) as Stripe.CustomerCreatedEvent;
    expect(event).toMatchObject({ type: "customer.created", account: MERCHANT, livemode: false, request: { idempotency_key: "hook-1" } });
    expect(event.data.object.id).toBe(c.id);
    expect(() => Stripe.webhooks.constructEvent((r?.body ?? "").replace("w@example.com", "x@example.com"), r?.signature ?? "", WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => Stripe.webhooks.constructEvent(r?.body ?? "", r?.signature ?? "", "whsec_other")).toThrow();
  });

  it("retries non-2xx answers with backoff until one succeeds", async () => {
    h.receiver.respondWith = [500, 503];
    await stripe.customers.create({ email: "r@example.com" }, as(MERCHANT));
    await h.standIn.control.waitForWebhooks();
    const events = verified();
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    const [delivery] = h.standIn.control.deliveries();
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    const stored = await stripe.events.retrieve(events[0]?.id ?? "", {}, as(MERCHANT));
    expect(stored.pending_webhooks).toBe(0);
  });

  it("gives up after the configured number of attempts", async () => {
    h.receiver.respondWith = [500, 500, 500, 500, 500];
    await stripe.customers.create({ email: "f@example.com" }, as(MERCHANT));
    await h.standIn.control.waitForWebhooks();
    const [delivery] = h.standIn.control.deliveries();
    expect(delivery?.status).toBe("failed");
    expect(delivery?.attempts).toHaveLength(4);
  });

  it("can deliver duplicates, hold deliveries while paused, and reorder within a window", async () => {
    h.standIn.control.configureWebhooks({ duplicate: true });
    await stripe.customers.create({ email: "d@example.com" }, as(MERCHANT));
    await h.standIn.control.waitForWebhooks();
    await h.standIn.control.waitForWebhooks();
    const dup = verified();
    expect(dup).toHaveLength(2);
    expect(dup[0]?.id).toBe(dup[1]?.id);

    h.receiver.received.length = 0;
    h.standIn.control.configureWebhooks({ duplicate: false, paused: true });
    await stripe.customers.create({ email: "p@example.com" }, as(MERCHANT));
    await h.standIn.control.waitForWebhooks();
    expect(h.receiver.received).toHaveLength(0);
    expect(h.standIn.control.deliveries({ status: "pending" })).toHaveLength(1);
    h.standIn.control.configureWebhooks({ paused: false });
    await h.standIn.control.waitForWebhooks();
    expect(h.receiver.received).toHaveLength(1);

    h.receiver.received.length = 0;
    h.standIn.control.configureWebhooks({ reorderWindow: 6 });
    const created: string[] = [];
    for (let i = 0; i < 6; i++) created.push((await stripe.customers.create({ email: `o${i}@example.com` }, as(MERCHANT))).id);
    await h.standIn.control.waitForWebhooks();
    const order = verified().map((e) => (e.data.object as Stripe.Customer).id);
    expect([...order].sort()).toEqual([...created].sort());
    expect(order).not.toEqual(created);
  });

  it("delivers platform and Connect events to endpoints of the matching scope", async () => {
    const platformRx = await startReceiver();
    const connectRx = await startReceiver();
    try {
      h.standIn.control.setWebhookEndpoints([
        { url: platformRx.url, secret: "whsec_platform", scope: "platform" },
        { url: connectRx.url, secret: "whsec_connect", scope: "connect" },
      ]);
      await stripe.customers.create({ email: "platform@example.com" });
      await stripe.customers.create({ email: "merchant@example.com" }, as(MERCHANT));
      await h.standIn.control.waitForWebhooks();
      const p = platformRx.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, "whsec_platform"));
      const c = connectRx.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, "whsec_connect"));
      expect(p.map((e) => e.account)).toEqual([undefined]);
      expect(c.map((e) => e.account)).toEqual([MERCHANT]);
    } finally {
      h.standIn.control.setWebhookEndpoints([{ url: h.receiver.url, secret: WEBHOOK_SECRET }]);
      await platformRx.close();
      await connectRx.close();
    }
  });
});

describe("time-driven events", () => {
  it("emits invoice.overdue once when the clock passes an open invoice's due date", async () => {
    const t0 = Date.UTC(2026, 3, 1, 8);
    h.standIn.control.setClock(t0);
    const c = await stripe.customers.create({ email: "late@example.com" }, as(MERCHANT));
    const inv = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 14 }, as(MERCHANT));
    await stripe.invoiceItems.create({ customer: c.id, invoice: inv.id, amount: 2500, currency: "eur" }, as(MERCHANT));
    await stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
    h.standIn.control.advanceClock(13 * 86_400_000);
    expect(h.standIn.control.events(MERCHANT).some((e) => e.type === "invoice.overdue")).toBe(false);
    h.standIn.control.advanceClock(2 * 86_400_000);
    h.standIn.control.advanceClock(86_400_000);
    await h.standIn.control.waitForWebhooks();
    const overdue = verified().filter((e) => e.type === "invoice.overdue");
    expect(overdue).toHaveLength(1);
    expect((overdue[0] as Stripe.InvoiceOverdueEvent).data.object.id).toBe(inv.id);
    expect(overdue[0]?.created).toBe(Math.floor((t0 + 15 * 86_400_000) / 1000));
  });

  it("finalizes and sends auto-advancing drafts an hour after creation", async () => {
    h.standIn.control.setClock(Date.UTC(2026, 4, 1, 8));
    const c = await stripe.customers.create({ email: "auto@example.com" }, as(MERCHANT));
    const inv = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 30, auto_advance: true }, as(MERCHANT));
    expect(inv.automatically_finalizes_at).toBe(inv.created + 3600);
    await stripe.invoiceItems.create({ customer: c.id, invoice: inv.id, amount: 1000, currency: "eur" }, as(MERCHANT));
    h.standIn.control.advanceClock(3600_000);
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got.status).toBe("open");
    const types = h.standIn.control.events(MERCHANT).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["invoice.finalized", "invoice.sent"]));
  });

  it("records invoice.updated with previous_attributes on changes", async () => {
    const c = await stripe.customers.create({ email: "u@example.com" }, as(MERCHANT));
    const inv = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 30 }, as(MERCHANT));
    await stripe.invoices.update(inv.id, { metadata: { run_id: "r9" } }, as(MERCHANT));
    const updated = h.standIn.control.events(MERCHANT).filter((e) => e.type === "invoice.updated");
    expect(updated.at(-1)?.data.previous_attributes).toEqual({ metadata: {} });
  });
});
