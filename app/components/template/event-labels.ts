// Words for the template page's audit trail and skipped periods. The tables
// are keyed by the domain's unions: a new event type or skip reason without
// a label here does not compile. Stored values this release does not know
// (a row written by a newer one) still show, generically.
import { BILLING_STEPS, type BillingStep } from "~/domain/billing";
import { SEND_UNCONFIRMED } from "~/domain/run-errors";
import { isRunEventType, runEventActor, type RunEventActor, type RunEventType } from "~/domain/run-event";
import { isSkipReason, type RunState, type SkipReason } from "~/domain/run-state";
import type { MessageKey, Translate } from "~/i18n";

const EVENT_KEYS: Record<RunEventType, MessageKey> = {
  "template.created": "event.template.created",
  "template.edited": "event.template.edited",
  "template.paused": "event.template.paused",
  "template.resumed": "event.template.resumed",
  "template.cancelled": "event.template.cancelled",
  "template.ended": "event.template.ended",
  "template.customer_redacted": "event.template.customer_redacted",
  "template.rail_scope_revoked": "event.template.rail_scope_revoked",
  "template.rail_scope_granted": "event.template.rail_scope_granted",
  "run.planned": "event.run.planned",
  "run.skipped": "event.run.skipped",
  "run.replanned": "event.run.replanned",
  "run.waiting": "event.run.waiting",
  "run.started": "event.run.started",
  "run.step_completed": "event.run.step_completed",
  "run.invoice_adopted": "event.run.invoice_adopted",
  "run.sent": "event.run.sent",
  "run.retry_scheduled": "event.run.retry_scheduled",
  "run.failed": "event.run.failed",
  "run.retried": "event.run.retried",
  "run.closed": "event.run.closed",
  "run.signed": "event.run.signed",
  "run.written_back": "event.run.written_back",
  "run.overdue": "event.run.overdue",
  "run.payment_failed": "event.run.payment_failed",
  "run.resent": "event.run.resent",
  "run.resend_requested": "event.run.resend_requested",
  "run.resend_failed": "event.run.resend_failed",
  "run.resend_unconfirmed": "event.run.resend_unconfirmed",
  "run.send_claimed": "event.run.send_claimed",
  "run.send_confirmed": "event.run.send_confirmed",
  "run.resumed": "event.run.resumed",
};

/** The states a run closes into. */
type ClosedState = Extract<RunState, "paid" | "void" | "uncollectible">;

/** "Closed" says more as what it closed into. */
const CLOSED_KEYS: Record<ClosedState, MessageKey> = {
  paid: "event.run.closed.paid",
  void: "event.run.closed.void",
  uncollectible: "event.run.closed.uncollectible",
};

function isClosedState(state: string): state is ClosedState {
  return Object.hasOwn(CLOSED_KEYS, state);
}

/** The label of a stored event (its type, the state it moved the run to, and why). */
export function eventKey(type: string, toState: string | null, cause: string | null = null): MessageKey {
  // A French e-invoice is not voided but cancelled by a credit note (void-einvoice-run.server.ts).
  if (type === "run.closed" && toState === "void" && cause === "credit_note") return "event.run.closed.credit_note";
  // Shopify rail: the merchant deleted the draft order in Shopify's admin (app/services/shopify/invoice-status.server.ts).
  if (type === "run.closed" && toState === "void" && cause === "deleted_in_shopify") return "event.run.closed.deleted_in_shopify";
  if (type === "run.closed" && toState && isClosedState(toState)) return CLOSED_KEYS[toState];
  // Issued, but Stripe could not confirm the e-mail (issue-run.server.ts): not "sent" without a doubt.
  if (type === "run.sent" && cause === SEND_UNCONFIRMED) return "event.run.sent.unconfirmed";
  // Shopify rail: a resend whose answer was lost, settled later from the draft's invoiceSentAt (shopify-resend.server.ts).
  if (type === "run.resent" && cause === "confirmed_by_shopify") return "event.run.resent.confirmed";
  if (type === "run.resend_failed" && cause === "not_sent") return "event.run.resend_failed.not_sent";
  return isRunEventType(type) ? EVENT_KEYS[type] : "event.other";
}

const SKIP_REASON_KEYS: Record<SkipReason, MessageKey> = {
  catch_up_latest: "skip.catch_up_latest",
  catch_up_none: "skip.catch_up_none",
  paused: "skip.paused",
  merchant_skip: "skip.merchant_skip",
  cancelled: "skip.cancelled",
  customer_redacted: "skip.customer_redacted",
  shop_uninstalled: "skip.shop_uninstalled",
  removed_by_edit: "skip.removed_by_edit",
};

/** Why a period was skipped, as stored on the run. */
export function skipReasonKey(reason: string): MessageKey {
  return isSkipReason(reason) ? SKIP_REASON_KEYS[reason] : "skip.other";
}

/** An event's cause, when it is a skip reason (other causes are not shown). */
export function causeKey(cause: string | null): MessageKey | null {
  return cause && isSkipReason(cause) ? SKIP_REASON_KEYS[cause] : null;
}

const ACTOR_KEYS: Record<RunEventActor, MessageKey> = {
  merchant: "actor.merchant",
  customer: "actor.customer",
  shopify: "actor.shopify",
  stripe: "actor.stripe",
  ritournelle: "actor.worker",
};

/** Who did it: "you", "the customer", "Shopify", "Stripe", "Ritournelle" (the worker, whatever its id); in the merchant's language, never the stored value. */
export function actorLabel(t: Translate, actor: string): string {
  const kind = runEventActor(actor);
  return t(kind ? ACTOR_KEYS[kind] : "actor.other");
}

/**
 * Each issuing step by its name. `send` completes as "run.sent" (its own
 * label); it is here because the table names every step of the port.
 */
const STEP_KEYS: Record<BillingStep, MessageKey> = {
  customer: "event.run.step.customer",
  draft: "event.run.step.draft",
  lines: "event.run.step.lines",
  finalize: "event.run.step.finalize",
  send: "event.run.step.send",
};

function isBillingStep(step: string): step is BillingStep {
  return (BILLING_STEPS as readonly string[]).includes(step);
}

/** What an audit-trail entry shows: the label of its type, and for an issuing step the step (and the invoice number it gave). */
export type EventLabelInput = { type: string; toState: string | null; cause: string | null; invoiceNumber?: string | null; rail?: "stripe" | "shopify" | null };

/** The steps whose words name the provider: on the Shopify rail they say Shopify (a draft order, its customer). */
const SHOPIFY_STEP_KEYS = {
  customer: "event.run.step.customer.shopify",
  draft: "event.run.step.draft.shopify",
} as const satisfies Partial<Record<BillingStep, MessageKey>>;

export function eventText(t: Translate, event: EventLabelInput): string {
  // run.step_completed carries its step as its cause (run-lease.server.ts).
  if (event.type === "run.step_completed" && event.cause && isBillingStep(event.cause)) {
    if (event.cause === "finalize" && event.invoiceNumber) return t("event.run.step.finalize.numbered", { number: event.invoiceNumber });
    if (event.rail === "shopify" && (event.cause === "customer" || event.cause === "draft")) return t(SHOPIFY_STEP_KEYS[event.cause]);
    return t(STEP_KEYS[event.cause]);
  }
  return t(eventKey(event.type, event.toState, event.cause));
}
