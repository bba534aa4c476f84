// What every handler of a Stripe event shares: its options, what handling an
// event can end in, and the transaction that applies an event at most once.
import type { Prisma } from "@prisma/client";
import type Stripe from "stripe";
import { inTransaction, isUniqueViolation } from "~/models/transaction.server";
import type { Clock } from "~/domain/clock";
import type { StripeClient } from "~/gateways/stripe/client.server";
import type { Logger } from "~/logger.server";

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

/**
 * Applies one verified event of a connected account (`account` is
 * `event.account`). Idempotent: any number of deliveries of one event, in
 * any order relative to the others, end in the same state.
 */
export type StripeEventHandler = (event: Stripe.Event, account: string, options: StripeWebhookOptions) => Promise<EventOutcome>;

/** Someone else moved the run between our read and our write: roll back; Stripe's redelivery re-decides. */
export class RunMovedMeanwhile extends Error {}

/**
 * Runs `effect` in a transaction, in which the effect inserts the event's
 * id (UNIQUE): "duplicate" when it was already recorded, "retry_later" when
 * the effect found the run moved meanwhile.
 */
export async function recordOnce(effect: (tx: Prisma.TransactionClient) => Promise<EventOutcome>): Promise<EventOutcome> {
  try {
    return await inTransaction(effect);
  } catch (error) {
    if (isUniqueViolation(error)) return "duplicate";
    if (error instanceof RunMovedMeanwhile) return "retry_later";
    throw error;
  }
}
