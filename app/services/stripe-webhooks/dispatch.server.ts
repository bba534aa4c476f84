// Stripe's Connect events, from the merchants' accounts: one verified
// dispatcher (this file), one handler per kind of event (a file each here).
//
// Every delivery is checked before anything is believed or written: the
// signature on the raw body, no older than 5 minutes (else 400, nothing
// written). Each event is then routed by `event.account` to the shops
// connected to that account (an unknown account: 200, logged, ignored) and
// applied at most once: its id is inserted, UNIQUE, in the transaction of its
// effect (recordOnce), so a redelivery, a duplicate or a concurrent twin
// changes nothing.
import type Stripe from "stripe";
import { config } from "~/config.server";
import { verifyStripeEvent, WebhookSignatureError } from "~/gateways/stripe/webhooks.server";
import { logger as rootLogger } from "~/logger.server";
import { metrics } from "~/metrics.server";
import { onAccountDeauthorized } from "./account-deauthorized.server";
import { onCreditNoteCreated } from "./credit-note-created.server";
import { onInvoiceOverdue } from "./invoice-overdue.server";
import { onInvoicePaymentFailed } from "./invoice-payment-failed.server";
import { onInvoiceSent, onInvoiceStatusChanged } from "./invoice-status-changed.server";
import type { EventOutcome, StripeEventHandler, StripeWebhookOptions } from "./outcome.server";

/** The events Ritournelle subscribes to (Stripe's Connect webhook settings), and who handles each. */
const HANDLERS: Partial<Record<Stripe.Event.Type, StripeEventHandler>> = {
  "account.application.deauthorized": onAccountDeauthorized,
  "invoice.finalized": onInvoiceStatusChanged,
  "invoice.sent": onInvoiceSent,
  "invoice.paid": onInvoiceStatusChanged,
  "invoice.voided": onInvoiceStatusChanged,
  "invoice.marked_uncollectible": onInvoiceStatusChanged,
  "invoice.updated": onInvoiceStatusChanged,
  "invoice.overdue": onInvoiceOverdue,
  "invoice.payment_failed": onInvoicePaymentFailed,
  "credit_note.created": onCreditNoteCreated,
};

/**
 * The webhook route's whole job: verify the delivery, dispatch its event,
 * answer (400 for a bad signature, 503 "deliver again later", else 200).
 * Deliveries are idempotent (see the top of this file).
 */
export async function handleStripeWebhook(request: Request, options: StripeWebhookOptions = {}): Promise<Response> {
  const log = options.logger ?? rootLogger;
  const secret = options.secret ?? config().STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    log.error("STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks cannot be verified");
    return new Response("Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET).", { status: 503 });
  }
  const payload = await request.text();
  let event: Stripe.Event;
  try {
    event = verifyStripeEvent(payload, request.headers.get("stripe-signature"), secret);
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    log.warn({ reason: error.message }, "stripe webhook refused: bad signature");
    metrics().webhookDeliveries.inc({ source: "stripe", outcome: "bad_signature" });
    return new Response("Invalid Stripe signature", { status: 400 });
  }
  const outcome = await processStripeEvent(event, options).catch((error: unknown) => {
    metrics().webhookDeliveries.inc({ source: "stripe", outcome: "error" });
    throw error;
  });
  metrics().webhookDeliveries.inc({ source: "stripe", outcome });
  log.info({ eventId: event.id, type: event.type, account: event.account ?? null, outcome }, "stripe webhook");
  return outcome === "retry_later" ? new Response("Not ready: deliver again later", { status: 503 }) : new Response(null, { status: 200 });
}

/**
 * Applies one verified event with its handler. Idempotent: any number of
 * deliveries of one event, in any order relative to the others, end in the
 * same state.
 * @throws when the database or Stripe (for a contradiction) fails: the
 *   delivery answers 5xx and Stripe delivers again.
 */
export async function processStripeEvent(event: Stripe.Event, options: StripeWebhookOptions = {}): Promise<EventOutcome> {
  if (!event.account) return "ignored_account";
  const handler = HANDLERS[event.type];
  return handler ? handler(event, event.account, options) : "ignored_type";
}
