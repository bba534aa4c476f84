// `invoice.payment_failed`: a payment attempt failed; the invoice stays open.
import { applyInvoiceEvent, runEvent } from "./invoice-event.server";
import type { StripeEventHandler } from "./outcome.server";

/** Records `run.payment_failed` on the run's trail, once; the run's state does not change. */
export const onInvoicePaymentFailed: StripeEventHandler = (event, account, options) =>
  applyInvoiceEvent(
    event,
    account,
    {
      targetOf: () => null,
      record: (run, delivered, at) => [runEvent(run, "run.payment_failed", delivered, at, { cause: "payment_failed" })],
    },
    options,
  );
