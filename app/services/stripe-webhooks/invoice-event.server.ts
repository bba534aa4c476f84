// What the invoice events' handlers share: moving the run of an invoice
// along the order in app/domain/invoice-status.ts.
//
// The run is found by invoice id AND the account's shops (never another
// tenant's). It never moves backwards, whatever order Stripe delivers in; a
// contradiction is settled by reading the invoice from Stripe. An event past
// `sent` for a run the pipeline is still issuing is answered "retry_later":
// Stripe delivers it again later, once the pipeline has recorded the run as
// sent.
import type Stripe from "stripe";
import { appClock } from "~/clock.server";
import { decideMove, targetOfStatus, type InvoiceTarget } from "~/domain/invoice-status";
import { SEND_UNCONFIRMED } from "~/domain/run-errors";
import { runInvoiceStatus } from "~/gateways/stripe/billing-invoices.server";
import { stripeClient } from "~/gateways/stripe/client.server";
import {
  appendStripeRunEvents,
  clearRunWarning,
  findRunByInvoice,
  findShopsByBillingAccount,
  insertStripeEvent,
  moveRunState,
  type InvoicedRun,
  type StripeRunEvent,
} from "~/models/stripe.server";
import { writeBackPaidRun } from "~/services/write-back/write-back-paid-run.server";
import { recordOnce, RunMovedMeanwhile, type EventOutcome, type StripeWebhookOptions } from "./outcome.server";

/** What one kind of invoice event means for the invoice's run. */
export type InvoiceEventMeaning = {
  /** The state the event announces; null when it announces none. */
  targetOf(invoice: Stripe.Invoice): InvoiceTarget | null;
  /** Trail entries the event adds whatever the run's state does (a failed payment attempt). */
  record?(run: InvoicedRun, event: Stripe.Event, at: Date): StripeRunEvent[];
  /**
   * The event proves Stripe e-mailed the invoice (`invoice.sent`): a run
   * whose send Stripe could not confirm (`send_unconfirmed`) loses its
   * warning, so the page stops offering a second e-mail for nothing.
   */
  confirmsSend?: boolean;
};

/**
 * Applies an invoice event of `account` with its `meaning`: records its id
 * and moves the run (with a trail entry), once. Once the run is paid, the
 * payment is written back (`options.afterPaid`), also on a redelivery, so a
 * failed write-back is retried by Stripe's next delivery.
 * @throws when the database or Stripe (for a contradiction) fails: the
 *   delivery answers 5xx and Stripe delivers again.
 */
export async function applyInvoiceEvent(
  event: Stripe.Event,
  account: string,
  meaning: InvoiceEventMeaning,
  options: StripeWebhookOptions,
): Promise<EventOutcome> {
  const invoice = event.data.object as Stripe.Invoice;
  const shops = await findShopsByBillingAccount(account);
  if (shops.length === 0) return "ignored_account";
  const shopIds = shops.map((shop) => shop.id);
  const now = (options.clock ?? appClock).nowDate();
  const target = meaning.targetOf(invoice);

  const run = await findRunByInvoice(shopIds, invoice.id);
  if (!run) return "ignored_invoice";
  let adopted: InvoiceTarget | null = null;
  if (target && decideMove(run.state, target) === "doubt") {
    // Two final states contradict each other: Stripe's present status decides.
    const current = await (options.client ?? stripeClient()).call(account, (stripe, request) => stripe.invoices.retrieve(invoice.id, {}, request));
    adopted = targetOfStatus(runInvoiceStatus(current));
  }

  const outcome = await recordOnce(async (tx) => {
    const fresh = await findRunByInvoice(shopIds, invoice.id, tx);
    if (!fresh) return "ignored_invoice";
    const decision = adopted ? (adopted === fresh.state ? "stay" : "move") : target ? decideMove(fresh.state, target) : "stay";
    const goal = adopted ?? target;
    if (decision === "pipeline" && goal !== "sent") return "retry_later";
    await insertStripeEvent({ eventId: event.id, shopId: fresh.shopId, account, type: event.type }, tx);
    const events: StripeRunEvent[] = meaning.record?.(fresh, event, now) ?? [];
    if (decision === "move" && goal) {
      if (!(await moveRunState(fresh.id, fresh.state, goal, invoiceLinks(invoice), tx))) throw new RunMovedMeanwhile();
      events.push(runEvent(fresh, eventTypeFor(goal), event, now, { fromState: fresh.state, toState: goal }));
    }
    if (meaning.confirmsSend && fresh.lastErrorCode === SEND_UNCONFIRMED && (await clearRunWarning(fresh.id, SEND_UNCONFIRMED, tx))) {
      events.push(runEvent(fresh, "run.send_confirmed", event, now, {}));
    }
    await appendStripeRunEvents(events, tx);
    return events.length > 0 ? "applied" : "unchanged";
  });

  if ((outcome === "applied" || outcome === "unchanged" || outcome === "duplicate") && (adopted ?? target) === "paid") {
    // Idempotent on its side; a failure answers 5xx so that Stripe delivers again and this runs again.
    await (options.afterPaid ?? writeBackPaidRun)(run.id);
  }
  return outcome;
}

/**
 * The state the invoice's own status announces (most invoice events mean
 * just that); an invoice closed by credit notes announces `void`.
 */
export function targetOfInvoiceStatus(invoice: Stripe.Invoice): InvoiceTarget | null {
  return targetOfStatus(runInvoiceStatus(invoice));
}

/** A trail entry written on Stripe's word, pointing at the event. */
export function runEvent(
  run: InvoicedRun,
  type: StripeRunEvent["type"],
  event: Stripe.Event,
  at: Date,
  extras: Pick<StripeRunEvent, "fromState" | "toState" | "cause">,
): StripeRunEvent {
  return { run, type, actor: "stripe", at, detail: { stripeEvent: event.id, stripeEventType: event.type }, ...extras };
}

function eventTypeFor(to: InvoiceTarget): StripeRunEvent["type"] {
  if (to === "overdue") return "run.overdue";
  // Only a failed run moves to `sent` on Stripe's word (the pipeline records the others).
  if (to === "sent") return "run.sent";
  return "run.closed";
}

function invoiceLinks(invoice: Stripe.Invoice) {
  const links: { hostedInvoiceUrl?: string; invoicePdfUrl?: string; invoiceNumber?: string } = {};
  if (invoice.hosted_invoice_url) links.hostedInvoiceUrl = invoice.hosted_invoice_url;
  if (invoice.invoice_pdf) links.invoicePdfUrl = invoice.invoice_pdf;
  if (invoice.number) links.invoiceNumber = invoice.number;
  return links;
}
