// Voiding a French e-invoice issues a credit note, never a silent void: one
// Stripe credit note for the whole invoice (the real SDK against the
// stand-in), one Factur-X type 381 referring to the invoice (BT-25, BT-26)
// that passes the CEN, Factur-X and BR-FR rules, the run void — exactly
// once, whatever is retried or crashes in between.
import type Stripe from "stripe";
import { describe, expect, it, vi } from "vitest";
import { checkSeal } from "~/services/documents/verify-seal.server";
import prisma from "~/db.server";
import { BillingError } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { prefilledEInvoice } from "~/domain/einvoice-template";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { saveTemplateEInvoice } from "~/models/einvoice.server";
import { inTransaction } from "~/models/transaction.server";
import { monthlyExport } from "~/services/documents/monthly-export.server";
import { collectCustomerData, eraseCustomerData } from "~/services/privacy/registry.server";
import { facturXForRun } from "~/services/documents/template-einvoice.server";
import { voidInvoice } from "~/services/invoicing/void-run.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { applyTemplateAction } from "~/services/templates/apply-action.server";
import { createTemplate } from "~/services/templates/create.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { Worker } from "~/worker/worker";
import { DEMO_BUYER, DEMO_SELLER } from "../../sandbox/demo/facturx-scenarios";
import { describeFindings, errorsOf, validateCii } from "../helpers/einvoice-validator";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const as = { stripeAccount: MERCHANT };

/** A French B2B template whose first run was issued (sent) with its Factur-X. */
async function issuedFrenchRun() {
  const clock = new ManualClock("2026-11-20T10:00:00Z");
  const shop = await createShop({ billingAccountId: MERCHANT, settings: { legalIdentity: DEMO_SELLER } });
  const input = templateInput({ schedule: { every: 1, unit: "month", anchor: "2026-12-01", timeOfDay: "09:00", timeZone: "Europe/Paris" } });
  const template = await createTemplate(shop, input, { clock });
  expect(await saveTemplateEInvoice(shop.id, template.id, { ...prefilledEInvoice(input.customer, [...input.lines, {}]), enabled: true, buyer: DEMO_BUYER })).toBe(true);
  clock.set("2026-12-01T08:30:00Z");
  const client = testClient(stripeStandIn());
  await drain(new Worker({ gateway: new StripeBillingAdapter(client, stripeCustomerStore, stripeTaxRateStore), clock, random: () => 0.5 }));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  expect(run.state).toBe("sent");
  clock.set("2026-12-04T14:00:00Z");
  stripeStandIn().control.setClock(clock.nowDate().getTime()); // Stripe dates the credit note
  return { shop, template, run, client, clock, invoiceId: run.invoiceId! };
}

const creditNotesOf = async (client: ReturnType<typeof testClient>, invoiceId: string) => (await client.sdk.creditNotes.list({ invoice: invoiceId }, as)).data;
const requestsTo = (path: string) => stripeStandIn().control.requests({ account: MERCHANT, method: "POST", path });

describe("voiding a French e-invoice", () => {
  it("issues one Stripe credit note for the whole invoice and a Factur-X 381 referring to it, valid under the CEN, Factur-X and BR-FR rules", async () => {
    const { shop, run, client, clock, invoiceId } = await issuedFrenchRun();
    const result = await voidInvoice(shop, run.id, { client, clock });

    const [note, ...others] = await creditNotesOf(client, invoiceId);
    expect(others).toEqual([]);
    const invoice = await client.sdk.invoices.retrieve(invoiceId, {}, as);
    expect(note).toMatchObject({ status: "issued", amount: invoice.total, metadata: { run_id: run.id }, reason: "order_change" });
    expect(result).toMatchObject({ state: "void", changed: true, creditNoteNumber: note!.number });
    // Not voided at Stripe: credited, so it closes with nothing paid and nothing left to pay.
    expect(requestsTo(`/v1/invoices/${invoiceId}/void`)).toHaveLength(0);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 0, amount_remaining: 0, pre_payment_credit_notes_amount: invoice.total });

    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("void");
    const documents = await prisma.eInvoiceDocument.findMany({ where: { runId: run.id }, orderBy: { kind: "desc" } });
    expect(documents.map((d) => [d.kind, d.number, d.total])).toEqual([
      ["invoice", invoice.number, invoice.total],
      ["credit_note", note!.number, invoice.total],
    ]);
    const xml = documents[1]!.xml;
    expect(xml).toContain("<ram:TypeCode>381</ram:TypeCode>");
    expect(xml).toMatch(new RegExp(`<ram:InvoiceReferencedDocument>\\s*<ram:IssuerAssignedID>${invoice.number}</ram:IssuerAssignedID>\\s*<ram:FormattedIssueDateTime>\\s*<qdt:DateTimeString format="102">20261201</qdt:DateTimeString>`));
    expect(documents[1]!.issueDate).toBe("2026-12-04");
    const errors = errorsOf(await validateCii(xml));
    expect(errors, describeFindings(errors)).toEqual([]);

    const events = await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.closed" } });
    expect(events.map((e) => [e.toState, e.cause, e.actor])).toEqual([["void", "credit_note", "merchant"]]);
    expect(JSON.parse(events[0]!.detail!)).toEqual({ invoiceId, creditNoteId: note!.id, creditNoteNumber: note!.number });
  }, 90_000);

  it("the credit note downloads beside the invoice's Factur-X and joins the monthly export with its CSV row (type 381)", async () => {
    const { shop, run, client, clock } = await issuedFrenchRun();
    const { creditNoteNumber } = await voidInvoice(shop, run.id, { client, clock });
    const download = await facturXForRun(shop.id, run.id, "credit_note");
    expect(download?.filename).toBe(`${creditNoteNumber!.replace(/[^A-Za-z0-9_-]/g, "_")}-avoir-factur-x.pdf`);
    expect(Buffer.from(download!.bytes).subarray(0, 5).toString()).toBe("%PDF-");
    // Sealed as issued, like the invoice's, at the void's time.
    expect(await checkSeal(download!.bytes)).toMatchObject({ status: "valid", ours: true, sealedAt: new Date(Math.floor(clock.nowDate().getTime() / 1000) * 1000).toISOString() });
    expect((await facturXForRun(shop.id, run.id))?.filename).toMatch(/-factur-x\.pdf$/);

    const exported = await monthlyExport(shop.id, "2026-12");
    const text = Buffer.from(exported!.bytes).toString("latin1");
    const invoiceNumber = (await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).invoiceNumber!;
    const total = (await prisma.eInvoiceDocument.findFirstOrThrow({ where: { runId: run.id, kind: "invoice" } })).total;
    const amount = `${Math.floor(total / 100)}.${String(total % 100).padStart(2, "0")}`;
    expect(text).toContain(`${invoiceNumber}.pdf;${invoiceNumber};380;2026-12-01;${amount}\r\n`);
    expect(text).toContain(`${creditNoteNumber}-avoir.pdf;${creditNoteNumber};381;2026-12-04;${amount}\r\n`);

    // customers/data_request reports it with the invoice; customers/redact keeps both (the merchant's accounting records).
    const subject = { shopifyCustomerId: "gid://shopify/Customer/7001" };
    const report = await inTransaction((tx) => collectCustomerData(shop, subject, new Date(), tx));
    expect(report.data.einvoices).toEqual(expect.arrayContaining([expect.objectContaining({ record: "einvoice_document", kind: "credit_note", number: creditNoteNumber })]));
    await inTransaction((tx) => eraseCustomerData(shop.id, subject, new Date(), tx));
    expect(await prisma.eInvoiceDocument.count({ where: { runId: run.id } })).toBe(2);
  }, 90_000);

  it("a repeated void (double click, retried form) issues no second credit note and says which one cancelled it", async () => {
    const { shop, run, client, clock, invoiceId } = await issuedFrenchRun();
    const first = await voidInvoice(shop, run.id, { client, clock });
    const again = await applyTemplateAction(shop, run.templateId, "void", run.id, { client, clock });
    expect(again).toMatchObject({ ok: true, creditNoteNumber: first.creditNoteNumber });
    expect(await voidInvoice(shop, run.id, { client, clock })).toMatchObject({ changed: false, creditNoteNumber: first.creditNoteNumber });
    expect(await creditNotesOf(client, invoiceId)).toHaveLength(1);
    expect(requestsTo("/v1/credit_notes")).toHaveLength(1);
    expect(await prisma.eInvoiceDocument.count({ where: { runId: run.id } })).toBe(2);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.closed" } })).toBe(1);
  }, 90_000);

  it("two voids of the same run at once make one credit note, one Factur-X, one trail entry", async () => {
    const { shop, run, client, clock, invoiceId } = await issuedFrenchRun();
    const results = await Promise.allSettled([voidInvoice(shop, run.id, { client, clock }), voidInvoice(shop, run.id, { client, clock })]);
    expect(results.some((r) => r.status === "fulfilled" && r.value.changed)).toBe(true);
    expect(await creditNotesOf(client, invoiceId)).toHaveLength(1);
    expect(await prisma.eInvoiceDocument.count({ where: { runId: run.id, kind: "credit_note" } })).toBe(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.closed", cause: "credit_note" } })).toBe(1);
  }, 90_000);

  it("Stripe issued the credit note but its answer was lost: the next void finds it (by the run's id) instead of issuing another", async () => {
    const { shop, run, clock, invoiceId } = await issuedFrenchRun();
    const impatient = testClient(stripeStandIn(), { retry: { maxAttempts: 1 } });
    // Committed at Stripe, then the connection drops (twice: the SDK retries a reset once by itself).
    stripeStandIn().control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/credit_notes" } });
    await expect(voidInvoice(shop, run.id, { client: impatient, clock })).rejects.toBeInstanceOf(BillingError);
    stripeStandIn().control.clearFaults(MERCHANT);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("sent");
    expect(await prisma.eInvoiceDocument.count({ where: { runId: run.id, kind: "credit_note" } })).toBe(0);
    // The merchant comes back two days later: Stripe has forgotten the key (24 hours).
    stripeStandIn().control.advanceClock(48 * 3600_000);
    clock.set("2026-12-06T14:00:00Z");

    const client = testClient(stripeStandIn());
    const result = await voidInvoice(shop, run.id, { client, clock });
    const notes = await creditNotesOf(client, invoiceId);
    expect(notes).toHaveLength(1);
    expect(result).toMatchObject({ state: "void", creditNoteNumber: notes[0]!.number });
    expect(requestsTo("/v1/credit_notes").every((r) => r.idempotencyKey === `${run.id}:credit_note`)).toBe(true);
    // Dated when Stripe issued it, not when it was recorded.
    expect((await prisma.eInvoiceDocument.findFirstOrThrow({ where: { runId: run.id, kind: "credit_note" } })).issueDate).toBe("2026-12-04");
  }, 90_000);

  it("after a crash, Stripe's own events converge: invoice.paid closes the run as void (nothing written back as paid), credit_note.created records the Factur-X", async () => {
    const { shop, run, clock, invoiceId } = await issuedFrenchRun();
    const impatient = testClient(stripeStandIn(), { retry: { maxAttempts: 1 } });
    stripeStandIn().control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/credit_notes" } });
    await expect(voidInvoice(shop, run.id, { client: impatient, clock })).rejects.toBeInstanceOf(BillingError);
    stripeStandIn().control.clearFaults(MERCHANT);

    const client = testClient(stripeStandIn());
    const afterPaid = vi.fn(() => Promise.resolve());
    const events = stripeStandIn()
      .control.events(MERCHANT)
      .filter((e) => ["invoice.paid", "credit_note.created"].includes(e.type) && ((e.data.object as { invoice?: string }).invoice ?? (e.data.object as { id: string }).id) === invoiceId)
      .map((e) => e as unknown as Stripe.Event);
    expect(events.map((e) => e.type)).toEqual(["credit_note.created", "invoice.paid"]);
    // Delivered out of order (the invoice's event first), and twice.
    for (const event of [events[1]!, events[0]!, events[1]!, events[0]!]) await processStripeEvent(event, { client, clock, afterPaid });
    expect(afterPaid).not.toHaveBeenCalled();
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("void");
    const credit = await prisma.eInvoiceDocument.findFirstOrThrow({ where: { runId: run.id, kind: "credit_note" } });
    expect(credit.xml).toContain("<ram:TypeCode>381</ram:TypeCode>");
    expect(await creditNotesOf(client, invoiceId)).toHaveLength(1);
    expect(await voidInvoice(shop, run.id, { client, clock })).toMatchObject({ changed: false, creditNoteNumber: credit.number });
  }, 90_000);

  it("is refused before any Stripe call when the credit note could not be a valid e-invoice, or the invoice is uncollectible", async () => {
    const { shop, run, client, clock } = await issuedFrenchRun();
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: "{}" } });
    const before = stripeStandIn().control.requests({ account: MERCHANT }).length;
    expect(await applyTemplateAction(shop, run.templateId, "void", run.id, { client, clock })).toMatchObject({ ok: false, code: "einvoice_not_creditable" });
    expect(stripeStandIn().control.requests({ account: MERCHANT })).toHaveLength(before);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("sent");

    const other = await issuedFrenchRun();
    // The page marks the run as a French e-invoice (its void confirmation says a credit note is issued)…
    expect((await loadTemplatePage(other.shop, other.run.templateId)).runs[0]).toMatchObject({ einvoice: true, actions: expect.arrayContaining(["void"]) });
    await prisma.invoiceRun.update({ where: { id: other.run.id }, data: { state: "uncollectible" } });
    // …and offers no void once it is uncollectible; a forged form is refused all the same.
    expect((await loadTemplatePage(other.shop, other.run.templateId)).runs[0]!.actions).not.toContain("void");
    const count = stripeStandIn().control.requests({ account: MERCHANT }).length;
    expect(await applyTemplateAction(other.shop, other.run.templateId, "void", other.run.id, { client, clock })).toMatchObject({ ok: false, code: "einvoice_not_creditable" });
    expect(stripeStandIn().control.requests({ account: MERCHANT })).toHaveLength(count);
  }, 90_000);
});
