// A merchant's actions on an invoice already issued: send it again, void it,
// mark it uncollectible. Each is one Stripe call in the connected account,
// under the caller's idempotency key; when Stripe refuses because the invoice
// already is where the action would put it, the invoice is returned as it is.
import Stripe from "stripe";
import type { StripeClient } from "./client.server";

export type InvoiceAction = "resend" | "void" | "mark_uncollectible";

/** Where each action leaves the invoice at Stripe. */
const RESULT_STATUS: Record<InvoiceAction, Stripe.Invoice.Status> = { resend: "open", void: "void", mark_uncollectible: "uncollectible" };

/**
 * Performs `action` on the invoice. Idempotent: repeated with the same key it
 * replays; on an invoice already voided (or already uncollectible) it returns
 * it. Any other refusal is the SDK's error.
 */
export async function performInvoiceAction(
  client: StripeClient,
  account: string,
  invoiceId: string,
  action: InvoiceAction,
  idempotencyKey: string,
): Promise<Stripe.Invoice> {
  try {
    return await client.call(account, (stripe, options) => {
      const request = { ...options, idempotencyKey };
      switch (action) {
        case "resend":
          return stripe.invoices.sendInvoice(invoiceId, {}, request);
        case "void":
          return stripe.invoices.voidInvoice(invoiceId, {}, request);
        case "mark_uncollectible":
          return stripe.invoices.markUncollectible(invoiceId, {}, request);
      }
    });
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || action === "resend") throw error;
    const current = await retrieveInvoice(client, account, invoiceId);
    if (current.status === RESULT_STATUS[action]) return current;
    throw error;
  }
}

function retrieveInvoice(client: StripeClient, account: string, invoiceId: string): Promise<Stripe.Invoice> {
  return client.call(account, (stripe, options) => stripe.invoices.retrieve(invoiceId, {}, options));
}
