// Stripe's Connect events, from the merchants' accounts: one verified
// dispatcher, one handler per kind of event.
//
// Every delivery is checked before anything is believed or written: the
// signature on the raw body, no older than 5 minutes (else 400, nothing
// written). Each event is then routed by `event.account` to the shops
// connected to that account (an unknown account: 200, logged, ignored) and
// applied at most once: its id is inserted, UNIQUE, in the transaction of its
// effect, so a redelivery, a duplicate or a concurrent twin changes nothing.
//
// Invoice events move the run found by invoice id AND shop (never another
// tenant's) along the order in app/domain/invoice-status.ts: never backwards,
// whatever order Stripe delivers in; a contradiction is settled by reading
// the invoice from Stripe. An event past `sent` for a run the pipeline is
// still issuing is answered 503: Stripe delivers it again later, once the
// pipeline has recorded the run as sent.
import { Prisma } from "@prisma/client";
import type Stripe from "stripe";
import { config } from "~/config.server";
import prisma from "~/db.server";
import { appClock, type Clock } from "~/domain/clock";
import { decideMove, targetOfStatus, type InvoiceTarget } from "~/domain/invoice-status";
import { invoiceStatus } from "~/gateways/stripe/billing-invoices.server";
import { stripeClient, type StripeClient } from "~/gateways/stripe/client.server";
import { verifyStripeEvent, WebhookSignatureError } from "~/gateways/stripe/webhooks.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import {
  appendStripeRunEvents,
  findRunByInvoice,
  findShopsByBillingAccount,
  insertStripeEvent,
  moveRunState,
  type InvoicedRun,
  type StripeRunEvent,
} from "~/models/stripe.server";
import { writeBackPaidRun } from "~/services/write-back.server";
import { disconnectShopsOfAccount } from "./stripe-connect.server";

export type StripeWebhookOptions = {
  /** Default STRIPE_WEBHOOK_SECRET. */
  secret?: string;
  /** For reading an invoice when its events contradict the run. Default: the process's client. */
  client?: StripeClient;
  clock?: Clock;
  logger?: Logger;
  /** Called once a run is paid (outside the transaction). Default: write the payment back to Shopify. */
  afterPaid?: (runId: string) => Promise<unknown>;
};

export type EventOutcome =
  | "applied" // the run moved (or the shop was disconnected)
  | "unchanged" // recorded; the run already knew (older or repeated news)
  | "duplicate" // this event id was processed before
  | "retry_later" // the run is still being issued: Stripe must deliver again
  | "ignored_account" // no shop is connected to this account (or a platform event)
  | "ignored_invoice" // not an invoice of any run of the account's shops
  | "ignored_type";

const INVOICE_EVENTS = new Set([
  "invoice.finalized",
  "invoice.sent",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "invoice.overdue",
  "invoice.updated",
]);

/** The route's whole job: verify, dispatch, answer. */
export async function handleStripeWebhook(request: Request, options: StripeWebhookOptions = {}): Promise<Response> {
  const log = options.logger ?? rootLogger;
  const secret = options.secret ?? config().STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    log.error("STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks cannot be verified");
    return new Response("Stripe webhooks are not configured", { status: 500 });
  }
  const payload = await request.text();
  let event: Stripe.Event;
  try {
    event = verifyStripeEvent(payload, request.headers.get("stripe-signature"), secret);
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    log.warn({ reason: error.message }, "stripe webhook refused: bad signature");
    return new Response("Invalid Stripe signature", { status: 400 });
  }
  const outcome = await processStripeEvent(event, options);
  log.info({ eventId: event.id, type: event.type, account: event.account ?? null, outcome }, "stripe webhook");
  return outcome === "retry_later" ? new Response("Not ready: deliver again later", { status: 503 }) : new Response(null, { status: 200 });
}

/**
 * Applies one verified event. Idempotent: any number of deliveries of one
 * event, in any order relative to the others, end in the same state.
 * @throws when the database or Stripe (for a contradiction) fails: the
 *   delivery answers 5xx and Stripe delivers again.
 */
export async function processStripeEvent(event: Stripe.Event, options: StripeWebhookOptions = {}): Promise<EventOutcome> {
  if (!event.account) return "ignored_account";
  if (event.type === "account.application.deauthorized") {
    return onDeauthorized(event, event.account, options);
  }
  if (INVOICE_EVENTS.has(event.type)) {
    return onInvoiceEvent(event, event.data.object as Stripe.Invoice, event.account, options);
  }
  return "ignored_type";
}

async function onDeauthorized(event: Stripe.Event, account: string, options: StripeWebhookOptions): Promise<EventOutcome> {
  const application = event.data.object as Stripe.Application;
  const clientId = config().STRIPE_CLIENT_ID;
  // Only our own application's removal concerns us.
  if (clientId && application.id !== clientId) return "ignored_type";
  const now = new Date((options.clock ?? appClock).now().epochMilliseconds);
  const shops = await findShopsByBillingAccount(account);
  if (shops.length === 0) return "ignored_account";
  return recordOnce(async (tx) => {
    await insertStripeEvent(tx, { eventId: event.id, shopId: shops[0]!.id, account, type: event.type });
    await disconnectShopsOfAccount(tx, shops, now, "stripe");
    return "applied";
  });
}

async function onInvoiceEvent(event: Stripe.Event, invoice: Stripe.Invoice, account: string, options: StripeWebhookOptions): Promise<EventOutcome> {
  const shops = await findShopsByBillingAccount(account);
  if (shops.length === 0) return "ignored_account";
  const shopIds = shops.map((shop) => shop.id);
  const now = new Date((options.clock ?? appClock).now().epochMilliseconds);
  const target = targetOfEvent(event.type, invoice);

  const run = await findRunByInvoice(prisma, shopIds, invoice.id);
  if (!run) return "ignored_invoice";
  let adopted: InvoiceTarget | null = null;
  if (target && decideMove(run.state, target) === "doubt") {
    // Two final states contradict each other: Stripe's present status decides.
    const current = await (options.client ?? stripeClient()).call(account, (stripe, request) => stripe.invoices.retrieve(invoice.id, {}, request));
    adopted = targetOfStatus(invoiceStatus(current.status));
  }

  const outcome = await recordOnce(async (tx) => {
    const fresh = await findRunByInvoice(tx, shopIds, invoice.id);
    if (!fresh) return "ignored_invoice";
    const decision = adopted ? (adopted === fresh.state ? "stay" : "move") : target ? decideMove(fresh.state, target) : "stay";
    const goal = adopted ?? target;
    if (decision === "pipeline" && goal !== "sent") return "retry_later";
    await insertStripeEvent(tx, { eventId: event.id, shopId: fresh.shopId, account, type: event.type });
    const events: StripeRunEvent[] = [];
    if (event.type === "invoice.payment_failed") {
      events.push(runEvent(fresh, "run.payment_failed", event, now, { cause: "payment_failed" }));
    }
    if (decision === "move" && goal) {
      if (!(await moveRunState(tx, fresh.id, fresh.state, goal, invoiceLinks(invoice)))) throw new RunMovedMeanwhile();
      events.push(runEvent(fresh, eventTypeFor(goal), event, now, { fromState: fresh.state, toState: goal }));
    }
    await appendStripeRunEvents(tx, events);
    return events.length > 0 ? "applied" : "unchanged";
  });

  if ((outcome === "applied" || outcome === "unchanged" || outcome === "duplicate") && (adopted ?? target) === "paid") {
    // Idempotent on its side; a failure answers 5xx so that Stripe delivers again and this runs again.
    await (options.afterPaid ?? writeBackPaidRun)(run.id);
  }
  return outcome;
}

/** The state an event announces; null when it announces none (a failed payment attempt leaves the invoice open). */
function targetOfEvent(type: string, invoice: Stripe.Invoice): InvoiceTarget | null {
  if (type === "invoice.payment_failed") return null;
  const fromStatus = targetOfStatus(invoiceStatus(invoice.status));
  if (type === "invoice.overdue" && fromStatus === "sent") return "overdue";
  return fromStatus;
}

function eventTypeFor(to: InvoiceTarget): StripeRunEvent["type"] {
  if (to === "overdue") return "run.overdue";
  // Only a failed run moves to `sent` on Stripe's word (the pipeline records the others).
  if (to === "sent") return "run.sent";
  return "run.closed";
}

function runEvent(
  run: InvoicedRun,
  type: StripeRunEvent["type"],
  event: Stripe.Event,
  at: Date,
  extras: Pick<StripeRunEvent, "fromState" | "toState" | "cause">,
): StripeRunEvent {
  return { run, type, actor: "stripe", at, detail: { stripeEvent: event.id, stripeEventType: event.type }, ...extras };
}

function invoiceLinks(invoice: Stripe.Invoice) {
  const links: { hostedInvoiceUrl?: string; invoicePdfUrl?: string; invoiceNumber?: string } = {};
  if (invoice.hosted_invoice_url) links.hostedInvoiceUrl = invoice.hosted_invoice_url;
  if (invoice.invoice_pdf) links.invoicePdfUrl = invoice.invoice_pdf;
  if (invoice.number) links.invoiceNumber = invoice.number;
  return links;
}

/** Someone else moved the run between our read and our write: roll back; Stripe's redelivery re-decides. */
class RunMovedMeanwhile extends Error {}

/** Runs `effect` in a transaction; "duplicate" when its event id was already recorded. */
async function recordOnce(effect: (tx: Prisma.TransactionClient) => Promise<EventOutcome>): Promise<EventOutcome> {
  try {
    return await prisma.$transaction(effect);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return "duplicate";
    if (error instanceof RunMovedMeanwhile) return "retry_later";
    throw error;
  }
}
