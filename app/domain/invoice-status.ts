/**
 * How a run's state follows its invoice's life at the provider (Stripe),
 * whatever order the provider's events arrive in.
 *
 * The partial order of the states an invoice can put a run in:
 *
 *   sent < overdue < { paid, void, uncollectible }
 *
 * with the three last ones final, except that an uncollectible invoice can
 * still be paid or voided (Stripe allows both). A run only ever moves up this
 * order, so an older event delivered late never moves it back. Two final
 * states that contradict each other (paid and void: Stripe allows no path
 * between them) cannot both be true: the caller must read the invoice's
 * current status and adopt it.
 *
 * Runs still `planned` or `issuing` belong to the pipeline, which records
 * `sent` itself when it finishes; `failed` runs can still be moved by the
 * provider's truth (an invoice the pipeline gave up on may have been sent or
 * paid after all); `skipped` runs have no invoice. Pure: no I/O.
 */

export type RunStateForInvoice = "planned" | "issuing" | "sent" | "overdue" | "paid" | "void" | "uncollectible" | "failed" | "skipped";

/** What an invoice's status means for its run: its target state. */
export type InvoiceTarget = "sent" | "overdue" | "paid" | "void" | "uncollectible";

export type InvoiceStatus = "draft" | "open" | "paid" | "void" | "uncollectible";

/** The run state an invoice status stands for; null for a draft (not issued yet). */
export function targetOfStatus(status: InvoiceStatus): InvoiceTarget | null {
  switch (status) {
    case "draft":
      return null;
    case "open":
      return "sent";
    default:
      return status;
  }
}

const RANK: Record<InvoiceTarget, number> = { sent: 0, overdue: 1, paid: 2, void: 2, uncollectible: 2 };

function isFinal(state: RunStateForInvoice): boolean {
  return state === "paid" || state === "void";
}

/**
 * - "move": go to the target;
 * - "stay": the target is not newer than what the run knows (a duplicate or an older event);
 * - "pipeline": the run is being issued; the pipeline will record `sent`, and
 *   anything past `sent` must wait until it has;
 * - "doubt": the target contradicts the run's final state; read the invoice and adopt its status.
 */
export type MoveDecision = "move" | "stay" | "pipeline" | "doubt";

export function decideMove(current: RunStateForInvoice, target: InvoiceTarget): MoveDecision {
  switch (current) {
    case "planned":
    case "issuing":
      return "pipeline";
    case "skipped":
      return "stay";
    case "failed":
      return "move";
    case "uncollectible":
      return target === "paid" || target === "void" ? "move" : "stay";
    case "paid":
    case "void":
      if (target === current) return "stay";
      // paid ↔ void has no path at Stripe; uncollectible, sent, overdue are older than either.
      return isFinal(target) ? "doubt" : "stay";
    case "sent":
    case "overdue":
      return RANK[target] > RANK[current] ? "move" : "stay";
  }
}

/**
 * Shopify rail: the run's draft order was deleted (the `draft_orders/delete`
 * webhook). Its checkout link no longer works, so an open invoice has nothing
 * left to pay: a `sent` or `overdue` run "move"s to `void`. Nothing else does:
 * - a paid run stays paid (Shopify refuses to delete a completed draft, so
 *   such a delivery is late or about a purged draft: never a reason to undo a
 *   payment) — no "doubt" either: there is no draft left to read;
 * - a void run stays (the merchant's own Cancel deleted it: that delete's
 *   webhook changes nothing), and so do skipped and failed runs (a failed
 *   run's Retry is the merchant's to decide; the pipeline reports the missing draft itself);
 * - `planned`/`issuing` runs are the pipeline's ("pipeline"): it may have
 *   e-mailed the draft before it was deleted and not yet recorded `sent`, so
 *   the delivery waits until it has.
 */
export function decideDraftDeleted(current: RunStateForInvoice): MoveDecision {
  switch (current) {
    case "planned":
    case "issuing":
      return "pipeline";
    case "sent":
    case "overdue":
    case "uncollectible":
      return "move";
    default:
      return "stay";
  }
}
