// The send step of the Stripe billing adapter: Stripe e-mails the finalized
// invoice to the customer, once.
//
// The same key, repeated, never e-mails twice. What a repeat cannot tell is
// the outcome of a send whose 5xx Stripe saved under the key: it replays the
// 5xx to every repeat, and the e-mail may or may not have left. Then Stripe's
// state decides: the invoice's status and `status_transitions`, and the
// account's `invoice.sent` events since the invoice was finalized.
// - closed meanwhile (paid, void, uncollectible), or an `invoice.sent` event
//   for it: issued, nothing to send;
// - still a draft, or no `invoice.sent` event in the complete list: not sent,
//   so it is sent under a key derived from the failed request
//   (keyAfterFailedRequest), itself idempotent;
// - anything that leaves a doubt (the events cannot be listed, or no longer
//   reach back to the finalization): the invoice is returned with
//   `sendUnconfirmed`, and the merchant decides whether to send it again.
// A step resumed by a later attempt (its key may be forgotten: Stripe keeps
// keys 24 h) reads the same state first and sends only when it shows the
// invoice was not sent; when it cannot tell, it does not send either (the
// merchant is asked, as above): a blind repeat of a forgotten key is a second
// e-mail.
//
// The resumed step's read can itself meet a 429, a 5xx or a lost connection:
// those are thrown for the pipeline to retry the step later (it reads again),
// never taken for "cannot tell": nothing has been sent by this attempt yet, and
// a send that may never have gone out must not wait on the merchant because
// Stripe had a busy minute. (After this attempt's own send failed, a read that
// fails leaves the doubt to the merchant, as above.)
//
// "Now" is the app's clock, the one the pipeline runs on, not the machine's:
// where they differ (the offline demo, the chaos campaign's shared time line)
// the machine's clock put every finalization months away, beyond the events'
// reach, and the resumed step sent blindly.
import Stripe from "stripe";
import type { Clock } from "~/domain/clock";
import type { InvoiceRequest, IssuedInvoice } from "~/domain/billing";
import { toIssued } from "./billing-invoices.server";
import type { StripeClient } from "./client.server";
import { isStripeCode, keyAfterFailedRequest, needsReconciliation, toBillingError } from "./errors.server";

/** How many times one send step sends again after Stripe showed the previous request did not send. */
const MAX_RESENDS = 2;
/** Event pages read to find the invoice's `invoice.sent` (100 events each). */
const MAX_EVENT_PAGES = 20;
/**
 * Stripe keeps events for 30 days; an invoice finalized longer ago than this
 * may have lost its `invoice.sent` from the list, so its absence proves nothing.
 */
const EVENTS_REACH_BACK_SECONDS = 29 * 86_400;

/** What Stripe shows about whether the invoice was sent. */
type Delivery =
  | { kind: "sent" | "closed"; invoice: Stripe.Invoice }
  | { kind: "not_sent"; invoice: Stripe.Invoice }
  | { kind: "unknown"; invoice: Stripe.Invoice };

/**
 * Sends the finalized invoice `invoiceId` to its customer under `key`.
 * Idempotent and convergent: repeated with the same key it never e-mails a
 * second time; after an unknown outcome it sends again only when Stripe
 * shows the invoice was not sent, else it returns the invoice with
 * `sendUnconfirmed` (see the top of this file). Stripe errors are thrown as
 * the SDK's own (the adapter translates them).
 */
export async function sendInvoiceOnce(
  client: StripeClient,
  request: InvoiceRequest,
  invoiceId: string,
  key: string,
  { resumed, clock }: { resumed: boolean; clock: Clock },
): Promise<IssuedInvoice> {
  if (resumed) {
    // An earlier attempt may have sent it and died before storing the result,
    // more than 24 h ago: Stripe no longer knows the key and would e-mail the
    // customer again. Stripe's own state says whether it went out.
    const delivery = await deliveryOf(client, request, invoiceId, clock, { retryPassingErrors: true });
    if (delivery.kind === "unknown") return { ...toIssued(delivery.invoice, request.currency), sendUnconfirmed: true };
    if (delivery.kind !== "not_sent") return toIssued(delivery.invoice, request.currency);
  }
  const sendWith = (idempotencyKey: string) =>
    client.call(request.account, (stripe, options) => stripe.invoices.sendInvoice(invoiceId, {}, { ...options, idempotencyKey }));
  let attemptKey = key;
  for (let resends = 0; ; resends++) {
    try {
      return toIssued(await sendWith(attemptKey), request.currency);
    } catch (error) {
      if (isStripeCode(error, "invoice_not_editable") || isStripeCode(error, "status_transition_invalid")) {
        // Paid, voided or marked uncollectible before we sent it: it was issued; adopt its state.
        const invoice = await retrieve(client, request, invoiceId);
        if (invoice.status !== "draft" && invoice.status !== "open") return toIssued(invoice, request.currency);
      }
      if (!needsReconciliation(error)) throw error;
      const delivery = await deliveryOf(client, request, invoiceId, clock);
      if (delivery.kind === "unknown") return { ...toIssued(delivery.invoice, request.currency), sendUnconfirmed: true };
      if (delivery.kind !== "not_sent") return toIssued(delivery.invoice, request.currency);
      const next = keyAfterFailedRequest(attemptKey, error);
      if (next === null || resends >= MAX_RESENDS) throw error;
      attemptKey = next;
    }
  }
}

/** Whether Stripe shows the invoice sent, closed, not sent, or cannot tell. */
async function deliveryOf(
  client: StripeClient,
  request: InvoiceRequest,
  invoiceId: string,
  clock: Clock,
  options: { retryPassingErrors: boolean } = { retryPassingErrors: false },
): Promise<Delivery> {
  const invoice = await retrieve(client, request, invoiceId);
  if (invoice.status === "paid" || invoice.status === "void" || invoice.status === "uncollectible") return { kind: "closed", invoice };
  // A send that took effect finalizes a draft first: a draft was not sent.
  if (invoice.status === "draft") return { kind: "not_sent", invoice };
  const finalizedAt = invoice.status_transitions?.finalized_at;
  const nowSeconds = clock.now().epochMilliseconds / 1000;
  if (typeof finalizedAt !== "number" || nowSeconds - finalizedAt > EVENTS_REACH_BACK_SECONDS) return { kind: "unknown", invoice };
  try {
    return { kind: (await hasSentEvent(client, request.account, invoiceId, finalizedAt)) ? "sent" : "not_sent", invoice };
  } catch (error) {
    // Busy or unreachable for now: the step is retried and reads again.
    if (options.retryPassingErrors && isPassing(error)) throw error;
    // Events unreadable for good (a key without access to them…), or too many to read: no proof either way.
    if (error instanceof Stripe.errors.StripeError || error instanceof TooManyEventsError) return { kind: "unknown", invoice };
    throw error;
  }
}

/** A refusal that says nothing about the events, only that Stripe could not answer now: what the pipeline retries (toBillingError). */
function isPassing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError && toBillingError(error).kind === "transient";
}

/**
 * Whether the account's `invoice.sent` events since `since` (unix seconds)
 * include one for the invoice, reading every page.
 * @throws the SDK's StripeError; TooManyEventsError when there are more pages than we read.
 */
async function hasSentEvent(client: StripeClient, account: string, invoiceId: string, since: number): Promise<boolean> {
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const events = await client.call(account, (stripe, options) =>
      stripe.events.list({ type: "invoice.sent", created: { gte: since }, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }, options),
    );
    if (events.data.some((event) => (event.data.object as { id?: string }).id === invoiceId)) return true;
    if (!events.has_more || events.data.length === 0) return false;
    startingAfter = events.data.at(-1)!.id;
  }
  throw new TooManyEventsError();
}

class TooManyEventsError extends Error {
  constructor() {
    super(`more than ${MAX_EVENT_PAGES * 100} invoice.sent events since the invoice was finalized`);
  }
}

function retrieve(client: StripeClient, request: InvoiceRequest, invoiceId: string): Promise<Stripe.Invoice> {
  return client.call(request.account, (stripe, options) => stripe.invoices.retrieve(invoiceId, {}, options));
}
