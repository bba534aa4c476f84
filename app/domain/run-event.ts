import type { z } from "zod";
// The kinds of entries in the audit trail of templates and runs (RunEvent.type).
// One list, so every table keyed by it (the page's labels, for one) must name
// each kind: a new kind without a label does not compile.

export const RUN_EVENT_TYPES = [
  "template.created",
  "template.edited",
  "template.paused",
  "template.resumed",
  "template.cancelled",
  "template.ended",
  "template.customer_redacted",
  "template.rail_scope_revoked", // app/scopes_update: the shop no longer grants what the Shopify invoice rail needs
  "template.rail_scope_granted", // …or grants it (again)
  "run.planned",
  "run.skipped",
  "run.replanned",
  "run.waiting",
  "run.started",
  "run.step_completed",
  "run.invoice_adopted",
  "run.sent",
  "run.retry_scheduled",
  "run.failed",
  "run.retried",
  // The invoice's life after it was sent (Stripe's webhooks and the merchant's actions, app/models/stripe.server.ts).
  "run.closed", // paid, void or uncollectible
  "run.overdue",
  "run.payment_failed",
  "run.resent",
  "run.resend_requested", // Shopify rail: the merchant's "Send again", claimed before Shopify is asked (no idempotency key there)
  "run.resend_failed", // Shopify refused or could not be reached: the same click may be tried again
  "run.resend_unconfirmed", // Shopify rail: Shopify's answer to the resend was lost and the draft shows no new e-mail yet
  "run.send_claimed", // Shopify rail: the worker is asking Shopify to e-mail the invoice (no key: claimed first, send-claim.server.ts)
  "run.send_confirmed", // Stripe's invoice.sent proved the e-mail left after all (clears send_unconfirmed)
  "run.resumed", // a Stripe account is connected again
  // Follow-up work on a paid or signed run.
  "run.signed",
  "run.written_back",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/**
 * A stored type is one this code knows. The column is free text: a row
 * written by a newer release (during a rolling deploy) may carry a type this
 * one has never heard of.
 */
export function isRunEventType(type: string): type is RunEventType {
  return (RUN_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * Who wrote an entry (RunEvent.actor). The worker writes "worker:<its id>",
 * which shows as Ritournelle like "ritournelle" (the write-back); every other
 * value is one of these. A table keyed by this union (the page's labels)
 * must name each actor.
 */
export const RUN_EVENT_ACTORS = ["merchant", "customer", "shopify", "stripe", "ritournelle"] as const;
export type RunEventActor = (typeof RUN_EVENT_ACTORS)[number];

/** The kind of actor a stored value names; null for a value this release does not know. */
export function runEventActor(actor: string): RunEventActor | null {
  if (actor.startsWith("worker:") || actor === "worker") return "ritournelle";
  return (RUN_EVENT_ACTORS as readonly string[]).includes(actor) ? (actor as RunEventActor) : null;
}

/**
 * A trail entry's JSON detail read with `schema`; null when there is none, it
 * is not JSON, or it is not of that shape (an entry of another writer).
 */
export function readEventDetail<T>(detail: string | null, schema: z.ZodType<T>): T | null {
  if (detail === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return null;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : null;
}
