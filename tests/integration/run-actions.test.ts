// A merchant's actions on an issued invoice (resend, void, mark uncollectible),
// against the stand-in: scoped by shop, idempotent, on the audit trail, and
// in step with the webhooks that follow.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { BillingError } from "~/domain/billing";
import { invoiceLinks } from "~/services/invoicing/invoice-links.server";
import { markInvoiceUncollectible } from "~/services/invoicing/mark-uncollectible.server";
import { RunActionError } from "~/services/invoicing/run-actions.server";
import { resendInvoice } from "~/services/invoicing/send-again.server";
import { voidInvoice } from "~/services/invoicing/void-run.server";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { createShop } from "../helpers/recurring";
import { issuedRun, MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

function ledgerStatus(invoiceId: string) {
  return stripeStandIn().control.ledger(MERCHANT).find((invoice) => invoice.id === invoiceId)?.status;
}

describe("actions on an issued invoice", () => {
  it("voids the invoice once, however many times it is asked; the webhook that follows changes nothing", async () => {
    const { shop, run } = await issuedRun(stripeStandIn());
    const client = testClient(stripeStandIn());

    expect(await voidInvoice(shop, run.id, { client })).toMatchObject({ state: "void", changed: true });
    expect(await voidInvoice(shop, run.id, { client })).toMatchObject({ state: "void", changed: false });
    expect(ledgerStatus(run.invoiceId)).toBe("void");
    expect(stripeStandIn().control.requests({ method: "POST", path: `/v1/invoices/${run.invoiceId}/void` })).toHaveLength(1);
    expect(await prisma.runEvent.findMany({ where: { runId: run.id, actor: "merchant" } })).toMatchObject([
      { type: "run.closed", fromState: "sent", toState: "void", cause: "void" },
    ]);

    const voided = stripeStandIn().control.events(MERCHANT).find((event) => event.type === "invoice.voided")!;
    expect(await processStripeEvent(JSON.parse(JSON.stringify(voided)) as Stripe.Event, { client })).toBe("unchanged");
  });

  it("marks the invoice uncollectible; it can still be voided afterwards, as Stripe allows", async () => {
    const { shop, run } = await issuedRun(stripeStandIn());
    const client = testClient(stripeStandIn());

    expect(await markInvoiceUncollectible(shop, run.id, { client })).toMatchObject({ state: "uncollectible", changed: true });
    expect(ledgerStatus(run.invoiceId)).toBe("uncollectible");
    expect(await voidInvoice(shop, run.id, { client })).toMatchObject({ state: "void", changed: true });
    await expect(markInvoiceUncollectible(shop, run.id, { client })).rejects.toMatchObject({ code: "not_allowed" });
  });

  it("records one resend when the same request is answered by Stripe twice at the same instant", async () => {
    const { shop, run } = await issuedRun(stripeStandIn());
    const client = testClient(stripeStandIn());
    // Both answers come back together, so both requests record what they did at once
    // (on PostgreSQL, in two transactions on two connections).
    const call = client.call.bind(client);
    let answered = 0;
    let release!: () => void;
    const bothAnswered = new Promise<void>((resolve) => (release = resolve));
    client.call = async (account, operation) => {
      const answer = await call(account, operation);
      if (++answered === 2) release();
      await bothAnswered;
      return answer;
    };

    const both = await Promise.all([1, 2].map(() => resendInvoice(shop, run.id, { client, requestId: "double-click" })));
    expect(both.filter((done) => done.changed)).toHaveLength(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.resent" } })).toBe(1);
  });

  it("sends the invoice again once per request, and gives its links", async () => {
    const { shop, run } = await issuedRun(stripeStandIn());
    const client = testClient(stripeStandIn());

    const first = await resendInvoice(shop, run.id, { client, requestId: "click-1" });
    await resendInvoice(shop, run.id, { client, requestId: "click-1" });
    await resendInvoice(shop, run.id, { client, requestId: "click-2" });
    expect(first).toMatchObject({ state: "sent", changed: true, hostedInvoiceUrl: run.hostedInvoiceUrl, invoicePdfUrl: run.invoicePdfUrl });
    const sends = stripeStandIn().control.requests({ method: "POST", path: `/v1/invoices/${run.invoiceId}/send` }).filter((entry) => !entry.replayed);
    expect(sends.map((entry) => entry.idempotencyKey)).toEqual([`${run.id}:send`, `${run.id}:resend:click-1`, `${run.id}:resend:click-2`]);
    expect(await invoiceLinks(shop, run.id)).toEqual({ hostedInvoiceUrl: run.hostedInvoiceUrl, invoicePdfUrl: run.invoicePdfUrl });
  });

  it("never acts on another shop's invoice", async () => {
    const { run } = await issuedRun(stripeStandIn());
    const intruder = await createShop({ billingAccountId: MERCHANT });
    const client = testClient(stripeStandIn());

    await expect(voidInvoice(intruder, run.id, { client })).rejects.toMatchObject({ code: "not_found" });
    await expect(resendInvoice(intruder, run.id, { client })).rejects.toBeInstanceOf(RunActionError);
    expect(await invoiceLinks(intruder, run.id)).toBeNull();
    expect(ledgerStatus(run.invoiceId)).toBe("open");
  });

  it("refuses what the invoice's state does not allow, and says when Stripe is not connected", async () => {
    const { shop, run } = await issuedRun(stripeStandIn());
    const client = testClient(stripeStandIn());
    stripeStandIn().control.customerPay(run.invoiceId);
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { state: "paid" } });

    await expect(voidInvoice(shop, run.id, { client })).rejects.toMatchObject({ code: "not_allowed", message: expect.stringContaining("this one is paid") });
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { state: "sent" } });
    await expect(voidInvoice({ ...shop, billingAccountId: null }, run.id, { client })).rejects.toMatchObject({ code: "billing_not_connected" });
    // Our record said "sent" but Stripe knows it is paid: Stripe's refusal comes back as the port's error.
    await expect(voidInvoice(shop, run.id, { client })).rejects.toBeInstanceOf(BillingError);
  });
});
