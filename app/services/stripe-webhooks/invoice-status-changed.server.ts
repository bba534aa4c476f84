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
