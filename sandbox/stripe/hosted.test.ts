// The hosted invoice page, its Pay button, and the invoice PDF.

import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MERCHANT, WEBHOOK_SECRET, as, type Harness, withHarness } from "./test-helpers.js";

let h: Harness;
let stripe: Stripe;
withHarness((started) => {
  h = started;
  stripe = h.stripe;
}, {
  eachTest: () => {
    h.receiver.received.length = 0;
  },
});

async function openInvoice(currency = "eur", amount = 12000) {
  h.standIn.control.setClock(Date.UTC(2026, 6, 1, 10));
  const c = await stripe.customers.create({ email: "claire@example.com", name: "Claire Martin" }, as(MERCHANT));
  const vat = await stripe.taxRates.create({ display_name: "TVA", percentage: 20, inclusive: true }, as(MERCHANT));
  const inv = await stripe.invoices.create(
    { customer: c.id, collection_method: "send_invoice", days_until_due: 30, currency, default_tax_rates: [vat.id], description: "Box de juillet", footer: "Merci <3" },
    as(MERCHANT),
  );
  await stripe.invoiceItems.create({ customer: c.id, invoice: inv.id, amount, currency, description: "Bougies & savons" }, as(MERCHANT));
  return stripe.invoices.finalizeInvoice(inv.id, {}, as(MERCHANT));
}

describe("hosted invoice page", () => {
  it("shows merchant, number, lines, totals, due date and a Pay button (HTML-escaped)", async () => {
    const inv = await openInvoice();
    const res = await fetch(inv.hosted_invoice_url ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("Atelier Dupont");
    expect(html).toContain(inv.number ?? "missing");
    expect(html).toContain("Bougies &amp; savons");
    expect(html).toContain("120.00 EUR");
    expect(html).toContain("20.00 EUR");
    expect(html).toContain("2026-07-31");
    expect(html).toContain("Merci &lt;3");
    expect(html).toContain('data-testid="pay"');

    const c = await stripe.customers.create({ email: "d@example.com" }, as(MERCHANT));
    const draft = await stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 1 }, as(MERCHANT));
    expect((await fetch(`${h.standIn.url}/hosted/${draft.id}`)).status).toBe(404);
  });

  it("serves a real PDF with a valid xref table", async () => {
    const inv = await openInvoice("jpy", 5500);
    const res = await fetch(inv.invoice_pdf ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer()).toString("latin1");
    expect(pdf.startsWith("%PDF-1.4")).toBe(true);
    expect(pdf.trimEnd().endsWith("%%EOF")).toBe(true);
    expect(pdf).toContain(`(Invoice ${inv.number})`);
    expect(pdf).toContain("5,500 JPY");
    const startxref = Number(/startxref\n(\d+)/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe("xref");
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((off, i) => expect(pdf.slice(off).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });

  it("Pay marks the invoice paid and fires invoice.paid + invoice.payment_succeeded", async () => {
    const inv = await openInvoice();
    const res = await fetch(`${h.standIn.url}/hosted/${inv.id}/pay`, { method: "POST", body: new URLSearchParams({ outcome: "succeeded" }), redirect: "manual" });
    expect(res.status).toBe(303);
    const got = await stripe.invoices.retrieve(inv.id, {}, as(MERCHANT));
    expect(got).toMatchObject({ status: "paid", amount_paid: 12000, amount_remaining: 0, attempted: true });
    await h.standIn.control.waitForWebhooks();
    const events = h.receiver.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET));
    const types = events.filter((e) => (e.data.object as { id?: string }).id === inv.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "invoice.updated"]));
    const paid = events.find((e) => e.type === "invoice.paid") as Stripe.InvoicePaidEvent;
    expect(paid.account).toBe(MERCHANT);
    expect(paid.data.object.status).toBe("paid");
    const page = await (await fetch(inv.hosted_invoice_url ?? "")).text();
    expect(page).not.toContain('data-testid="pay"');
  });

  it("a declined payment fires invoice.payment_failed and leaves the invoice open", async () => {
    const inv = await openInvoice();
    const after = h.standIn.control.customerPay(inv.id, "failed");
    expect(after).toMatchObject({ status: "open", attempt_count: 1, attempted: true });
    await h.standIn.control.waitForWebhooks();
    const types = h.receiver.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET).type);
    expect(types).toContain("invoice.payment_failed");
    expect(types).not.toContain("invoice.paid");
  });
});
