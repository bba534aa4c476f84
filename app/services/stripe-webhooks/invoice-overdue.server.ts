// `invoice.overdue`: the due date passed and the invoice is still open.
import { applyInvoiceEvent, targetOfInvoiceStatus } from "./invoice-event.server";
import type { StripeEventHandler } from "./outcome.server";

/**
 * Moves a sent run to `overdue` (`run.overdue` on the trail); an invoice
 * whose status says it has moved on (paid, void…) moves the run there instead.
 */
export const onInvoiceOverdue: StripeEventHandler = (event, account, options) =>
  applyInvoiceEvent(
    event,
    account,
    {
      targetOf(invoice) {
        const fromStatus = targetOfInvoiceStatus(invoice);
        return fromStatus === "sent" ? "overdue" : fromStatus;
      },
    },
    options,
  );
