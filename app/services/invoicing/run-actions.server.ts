// A merchant's actions on one issued invoice — send it again
// (send-again.server.ts), void it (void-run.server.ts), mark it uncollectible
// (mark-uncollectible.server.ts) — share this: which action each run state
// allows (RUN_ACTION_STATES, also what the template page offers), their
// errors, and how one is performed. Retrying a failed run is the engine's
// (services/templates/retry-run.server.ts).
//
// Every action is scoped by shop (a run id from the browser is looked up with
// the shop's id: another shop's run is "not found"), idempotent (repeating it
// sends one Stripe request: the key is the run, the action and, for resend,
// the merchant's request), and recorded on the audit trail. The run's state
// follows the same order as Stripe's events (app/domain/invoice-status.ts),
// so the webhook that follows the action changes nothing.
import type { Shop } from "@prisma/client";
import { inTransaction } from "~/models/transaction.server";
import type { BillingRail } from "~/domain/billing";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { decideMove, targetOfStatus, type InvoiceTarget } from "~/domain/invoice-status";
import { SEND_UNCONFIRMED } from "~/domain/run-errors";
import { runInvoiceStatus } from "~/gateways/stripe/billing-invoices.server";
import { stripeClient, type StripeClient } from "~/gateways/stripe/client.server";
import { toBillingError } from "~/gateways/stripe/errors.server";
import { performInvoiceAction, type InvoiceAction } from "~/gateways/stripe/invoice-actions.server";
import { findRunForShop, lockRunForShop, RUN_STATES, updateRun, type Run, type RunState } from "~/models/invoice-run.server";
import { toBillingError as shopifyBillingError } from "~/gateways/shopify/billing-adapter.server";
import { findShopDomainById } from "~/models/shop.server";
import { appendStripeRunEvents, moveRunState } from "~/models/stripe.server";
import { resendOnShopify, ShopifyResendInDoubt, wasResentWith } from "./shopify-resend.server";
import { performDraftOrderAction, ShopifyDraftActionRefused } from "./shopify-run-actions.server";

export type RunActionErrorCode =
  | "not_found"
  | "no_invoice"
  | "not_allowed"
  | "billing_not_connected"
  /** A French e-invoice that cannot be cancelled by a credit note from here (void-einvoice-run.server.ts says why). */
  | "einvoice_not_creditable"
  /** Shopify rail: an earlier "Send again" lost Shopify's answer and may still e-mail the invoice; `retryAt` says from when to click again. */
  | "resend_in_doubt";

/** The action cannot be done on this run; `message` says why, for the merchant. */
export class RunActionError extends Error {
  constructor(
    readonly code: RunActionErrorCode,
    message: string,
    /** The run's state when the action was refused (for "not_allowed": the page says what it is now). */
    readonly runState: RunState | null = null,
    /** "resend_in_doubt": when clicking again settles it. */
    readonly retryAt: Date | null = null,
  ) {
    super(message);
    this.name = "RunActionError";
  }
}

export type RunActionOptions = {
  clock?: Clock;
  client?: StripeClient;
  /**
   * Identifies the merchant's click (e.g. a nonce in the form): repeating a
   * request with the same id sends one email and records one resend (a repeat
   * after the first succeeded does not reach Stripe at all). Without it,
   * repeats within the same minute count as one.
   */
  requestId?: string;
};

export type RunActionResult = {
  runId: string;
  state: RunState;
  /** False when the run already was where the action leads (a repeat). */
  changed: boolean;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
  /** Where the invoice is sent: Stripe's address on the invoice, else the one the run was issued to. */
  customerEmail: string;
  /** A French e-invoice's void: the number of the credit note that cancelled it. */
  creditNoteNumber?: string;
  /** Shopify rail: nothing sent now, because the earlier click whose answer was lost did e-mail it (Shopify's invoiceSentAt moved). */
  resendConfirmedEarlier?: true;
};

/** The merchant's actions on an issued invoice, in the order the page offers them. */
export const RUN_ACTIONS = ["resend", "void", "mark_uncollectible"] as const satisfies readonly InvoiceAction[];

/**
 * In which states each action makes sense: the invoice is open (or
 * uncollectible, for void). The template page offers an action only where
 * this table allows it, so what it shows and what this service accepts agree.
 * A run whose e-mail Stripe could not confirm is `sent` (with the warning
 * `send_unconfirmed`): "Send again" is what the page offers it.
 */
export const RUN_ACTION_STATES: Record<InvoiceAction, readonly RunState[]> = {
  resend: ["sent", "overdue"],
  void: ["sent", "overdue", "uncollectible"],
  mark_uncollectible: ["sent", "overdue"],
};

/**
 * The actions a run in `state` allows on its rail, in RUN_ACTIONS order. A
 * Shopify invoice (a draft order) has no "uncollectible": it is cancelled
 * or left open (shopify-run-actions.server.ts refuses the rest).
 */
export function runActionsFor(state: RunState, rail: BillingRail = "stripe"): InvoiceAction[] {
  return RUN_ACTIONS.filter((action) => RUN_ACTION_STATES[action].includes(state) && !(rail === "shopify" && action === "mark_uncollectible"));
}

/** Where the action leaves the run: repeating it there changes nothing. */
const DONE: Partial<Record<InvoiceAction, RunState>> = { void: "void", mark_uncollectible: "uncollectible" };
const REFUSALS: Record<InvoiceAction, string> = {
  resend: "Only an invoice that is sent and not yet paid can be sent again",
  void: "Only an invoice that is not paid can be voided",
  mark_uncollectible: "Only an invoice that is sent and not yet paid can be marked uncollectible",
};

/**
 * Performs `action` on the shop's run: checks it is allowed in the run's
 * state, calls Stripe under the action's idempotency key, moves the run
 * (unless Stripe's webhook moved it first) and records it on the trail.
 * For the three use cases (send-again, void-run, mark-uncollectible).
 * @throws RunActionError, or BillingError when Stripe refuses or cannot be reached.
 */
export async function performRunAction(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, action: InvoiceAction, options: RunActionOptions): Promise<RunActionResult> {
  const run = await findRunForShop(shop.id, runId);
  if (!run) throw new RunActionError("not_found", "This invoice does not exist in your shop.");
  if (DONE[action] === run.state) return result(run, run.state, false);
  if (!RUN_ACTION_STATES[action].includes(run.state)) {
    throw new RunActionError("not_allowed", `${REFUSALS[action]}; this one is ${run.state}.`, run.state);
  }
  if (!run.invoiceId) throw new RunActionError("no_invoice", "This invoice was not issued yet.");
  const onShopify = run.snapshot.rail === "shopify";
  const account = onShopify ? await findShopDomainById(shop.id) : shop.billingAccountId;
  if (!account) {
    throw new RunActionError("billing_not_connected", "Connect your Stripe account in Ritournelle's settings to act on this invoice.");
  }

  const at = (options.clock ?? appClock).nowDate();
  const key = action === "resend" ? `${run.id}:resend:${options.requestId ?? Math.floor(at.getTime() / 60_000)}` : `${run.id}:${action}`;
  // A repeated resend (double click, resubmitted form) is answered from the
  // trail: Stripe would only replay it (Shopify would e-mail again), and the trail would show two sends.
  if (action === "resend" && (await wasResentWith(shop.id, run.id, key))) return result(run, run.state, false);
  const invoiceId = run.invoiceId;
  let outcome: { target: InvoiceTarget | null; email: string | null };
  let resendCause: string = action;
  if (onShopify && action === "resend") {
    // Shopify has no idempotency key: every draftOrderInvoiceSend is an
    // e-mail. The click is claimed first (on the trail, under the run's row
    // lock), an earlier click left in doubt is settled from the draft's
    // invoiceSentAt, and only the request that claimed it asks Shopify (shopify-resend.server.ts).
    const sent = await shopifyResend(run, account, invoiceId, key, at);
    if (sent.kind !== "sent") return { ...result(run, run.state, false), ...(sent.kind === "earlier_confirmed" ? { resendConfirmedEarlier: true as const } : {}) };
    outcome = { target: sent.target, email: null };
    if (sent.confirmed) resendCause = "confirmed_by_shopify";
  } else {
    outcome = onShopify ? await shopifyAction(account, invoiceId, action, run.state) : await stripeAction(options, account, invoiceId, action, key, run.currency);
  }
  const { target, email } = outcome;

  return inTransaction(async (tx) => {
    // The run's row first, for writing: a concurrent action on the same run
    // (the same form arriving twice) waits here until this one commits, then
    // reads what it recorded. Without it, under PostgreSQL's READ COMMITTED
    // both would read a trail without the resend and both record one.
    await lockRunForShop(shop.id, runId, RUN_STATES, tx);
    const fresh = (await findRunForShop(shop.id, runId, tx)) ?? run;
    const moves = target !== null && target !== fresh.state && decideMove(fresh.state, target) === "move";
    if (moves && !(await moveRunState(fresh.id, fresh.state, target, {}, tx))) {
      throw new Error(`run ${fresh.id} changed state during ${action}`);
    }
    const state = moves ? target : fresh.state;
    const customerEmail = email ?? fresh.snapshot.customer.email;
    // Two identical resends at the same instant both reach Stripe (which replays one): the trail records one.
    if (action === "resend" && (await wasResentWith(shop.id, fresh.id, key, tx))) return result(fresh, state, false, customerEmail);
    await appendStripeRunEvents([
      {
        run: fresh,
        type: action === "resend" ? "run.resent" : "run.closed",
        fromState: fresh.state,
        toState: state,
        actor: "merchant",
        cause: resendCause,
        detail: action === "resend" ? { invoiceId, requestKey: key } : { invoiceId },
        at,
      },
    ], tx);
    // Stripe has now sent it: the doubt about the first e-mail no longer matters.
    if (action === "resend" && fresh.lastErrorCode === SEND_UNCONFIRMED) await updateRun(fresh.id, { lastErrorCode: null, lastErrorMessage: null }, tx);
    return result(fresh, state, action === "resend" || moves, customerEmail);
  });
}

/** The action at Stripe, under its idempotency key: where it leaves the invoice, and Stripe's address for it. */
async function stripeAction(options: RunActionOptions, account: string, invoiceId: string, action: InvoiceAction, key: string, currency: string) {
  try {
    const invoice = await performInvoiceAction(options.client ?? stripeClient(), account, invoiceId, action, key);
    return { target: targetOfStatus(runInvoiceStatus(invoice)), email: invoice.customer_email };
  } catch (error) {
    throw toBillingError(error, { currency });
  }
}

/** The action on the run's Shopify draft order (shopify-run-actions.server.ts); a refusal is the merchant's "not allowed". */
async function shopifyAction(shopDomain: string, draftId: string, action: InvoiceAction, state: RunState) {
  try {
    const { target, customerEmail } = await performDraftOrderAction(shopDomain, draftId, action);
    return { target, email: customerEmail };
  } catch (error) {
    if (error instanceof ShopifyDraftActionRefused) throw new RunActionError("not_allowed", error.message, state);
    throw shopifyBillingError(error);
  }
}

/** The merchant's "Send again" on a Shopify invoice; its doubt and Shopify's failures in the merchant's terms. */
async function shopifyResend(run: Run, shopDomain: string, invoiceId: string, key: string, at: Date) {
  try {
    return await resendOnShopify({ run, shopDomain, invoiceId, key, at });
  } catch (error) {
    if (error instanceof ShopifyResendInDoubt) {
      throw new RunActionError("resend_in_doubt", "Shopify has not confirmed whether the earlier request e-mailed the invoice; nothing was sent now.", run.state, error.retryAt);
    }
    throw shopifyBillingError(error);
  }
}

function result(run: Run, state: RunState, changed: boolean, customerEmail: string = run.snapshot.customer.email): RunActionResult {
  return { runId: run.id, state, changed, hostedInvoiceUrl: run.hostedInvoiceUrl, invoicePdfUrl: run.invoicePdfUrl, customerEmail };
}

/** What an action answers about a run (for the actions that live in their own file). */
export const runActionResult = result;
