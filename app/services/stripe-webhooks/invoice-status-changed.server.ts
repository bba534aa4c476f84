// `invoice.finalized`, `invoice.sent`, `invoice.paid`, `invoice.voided`,
// `invoice.marked_uncollectible`, `invoice.updated`: the invoice's status
// is the news.
import { applyInvoiceEvent, targetOfInvoiceStatus } from "./invoice-event.server";
import type { StripeEventHandler } from "./outcome.server";

/**
 * Moves the invoice's run to the state the invoice's status announces
 * (sent, paid, void, uncollectible), never backwards (invoice-event.server.ts).
 */
export const onInvoiceStatusChanged: StripeEventHandler = (event, account, options) =>
  applyInvoiceEvent(event, account, { targetOf: targetOfInvoiceStatus }, options);

/**
 * `invoice.sent` ("an invoice email is sent out", Stripe's event types:
 * https://docs.stripe.com/api/events/types#event_types-invoice.sent) moves
 * the run like the others, and also proves the e-mail left: a warning that
 * Stripe could not confirm the send is cleared.
 */
export const onInvoiceSent: StripeEventHandler = (event, account, options) =>
  applyInvoiceEvent(event, account, { targetOf: targetOfInvoiceStatus, confirmsSend: true }, options);
