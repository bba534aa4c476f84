// Invoice lifecycle: draft → open (finalize) → paid | void | uncollectible;
// uncollectible → paid | void. Every transition records its Events
// (`invoice.finalized`, `invoice.paid`, … then `invoice.updated` with
// `previous_attributes`); illegal ones answer `status_transition_invalid`.
// Time-driven transitions (auto-advance, overdue) run in `sweepInvoices`.

import { invalidRequest } from "./errors.js";
import { customerSnapshot, renderInvoice } from "./invoice-render.js";
import { amountDue, computeTotals } from "./invoice-totals.js";
import type { AccountRecord, InvoiceRecord } from "./types.js";
import { diffPrevious, type RequestRef, type World } from "./world.js";

function transitionError(message: string) {
  return invalidRequest(message, { code: "status_transition_invalid", status: 400 });
}

export function notEditable(inv: InvoiceRecord, param?: string) {
  return invalidRequest(
    `This invoice (${inv.id}) is ${inv.status}: only draft invoices can be edited this way.` +
      (param ? ` You can't update \`${param}\` on a finalized invoice.` : ""),
    { code: "invoice_not_editable", ...(param ? { param } : {}) },
  );
}

interface Op {
  world: World;
  account: AccountRecord;
  request: RequestRef;
}

/** Run `change` and emit `invoice.updated` (with previous_attributes) followed by the given events. */
function transition(op: Op, inv: InvoiceRecord, change: () => void, events: Parameters<World["emit"]>[1][]): void {
  const before = renderInvoice(op.world, op.account, inv);
  change();
  const after = renderInvoice(op.world, op.account, inv);
  const previous = diffPrevious(before, after);
  for (const type of events) op.world.emit(op.account.id, type, after, { request: op.request });
  if (Object.keys(previous).length > 0) {
    op.world.emit(op.account.id, "invoice.updated", after, { previous, request: op.request });
  }
}

export function assignNumber(account: AccountRecord): string {
  const n = account.nextInvoiceNumber++;
  return `${account.invoicePrefix}-${String(n).padStart(4, "0")}`;
}

export function finalizeInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "draft") {
    throw transitionError("This invoice is already finalized, you can't re-finalize a non-draft invoice.");
  }
  if (inv.collectionMethod === "send_invoice" && inv.dueDate === null) {
    throw invalidRequest("Invoices with `collection_method=send_invoice` need a `due_date` or `days_until_due` to be finalized.", {
      param: "due_date",
    });
  }
  const data = op.world.store.of(op.account.id);
  const now = op.world.clock.seconds();
  transition(
    op,
    inv,
    () => {
      inv.status = "open";
      inv.number ??= assignNumber(op.account);
      inv.transitions.finalized_at = now;
      inv.effectiveAt ??= now;
      inv.customerSnapshot = customerSnapshot(data, inv.customer);
      inv.hostedUrl = `${op.world.baseUrl()}/hosted/${inv.id}`;
      inv.pdfUrl = `${op.world.baseUrl()}/hosted/${inv.id}/pdf`;
      inv.automaticallyFinalizesAt = null;
    },
    ["invoice.finalized"],
  );
  // Stripe closes invoices with nothing to collect as soon as they are finalized.
  if (amountDue(computeTotals(data, inv), inv) === 0) {
    settlePaid(op, inv, { outOfBand: false, zeroAmount: true });
  }
}

function settlePaid(op: Op, inv: InvoiceRecord, opts: { outOfBand: boolean; zeroAmount?: boolean }): void {
  const data = op.world.store.of(op.account.id);
  const due = amountDue(computeTotals(data, inv), inv);
  const events: Parameters<World["emit"]>[1][] = opts.outOfBand ? ["invoice.paid"] : ["invoice.paid", "invoice.payment_succeeded"];
  transition(
    op,
    inv,
    () => {
      inv.status = "paid";
      inv.amountPaid = due;
      if (opts.outOfBand) inv.amountPaidOffStripe = due;
      inv.transitions.paid_at = op.world.clock.seconds();
      if (!opts.outOfBand && !opts.zeroAmount) {
        inv.attempted = true;
        inv.attemptCount = Math.max(1, inv.attemptCount);
      }
      if (opts.zeroAmount) inv.attempted = true;
    },
    events,
  );
}

export function payInvoice(op: Op, inv: InvoiceRecord, opts: { outOfBand: boolean }): void {
  if (inv.status === "paid") throw transitionError("Invoice is already paid");
  if (inv.status === "void") throw transitionError(`Invoice ${inv.id} has been voided and can no longer be paid.`);
  if (inv.status === "draft") {
    throw transitionError(`Invoice ${inv.id} is a draft. Finalize it before paying it.`);
  }
  settlePaid(op, inv, opts);
}

/** A customer's payment attempt that failed (hosted page): the invoice stays open. */
export function failPayment(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") {
    throw transitionError(`Invoice ${inv.id} is ${inv.status}; only open invoices can be paid.`);
  }
  transition(
    op,
    inv,
    () => {
      inv.attempted = true;
      inv.attemptCount += 1;
    },
    ["invoice.payment_failed"],
  );
}

export function voidInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") {
    throw transitionError(`You can only void open or uncollectible invoices; invoice ${inv.id} is ${inv.status}.` +
        (inv.status === "draft" ? " Delete the draft instead." : ""),
    );
  }
  transition(
    op,
    inv,
    () => {
      inv.status = "void";
      inv.transitions.voided_at = op.world.clock.seconds();
    },
    ["invoice.voided"],
  );
}

export function markUncollectible(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open") {
    throw transitionError(`You can only mark open invoices as uncollectible; invoice ${inv.id} is ${inv.status}.`);
  }
  transition(
    op,
    inv,
    () => {
      inv.status = "uncollectible";
      inv.transitions.marked_uncollectible_at = op.world.clock.seconds();
    },
    ["invoice.marked_uncollectible"],
  );
}

/**
 * The invoice e-mail: `invoice.sent` (the trace `/v1/events?type=invoice.sent`
 * shows) and one e-mail in the stand-in's log. Each call is one more e-mail:
 * Stripe re-sends an open (or paid) invoice every time `/send` is called
 * ("When sending invoices that have already been paid, there will be no
 * reference to the payment in the email" — https://docs.stripe.com/api/invoices/send).
 */
function emailInvoice(op: Op, inv: InvoiceRecord): void {
  const rendered = renderInvoice(op.world, op.account, inv);
  op.world.store.emails.push({
    account: op.account.id,
    invoice: inv.id,
    to: rendered.customer_email,
    time: op.world.clock.now(),
    requestId: op.request.id,
    idempotencyKey: op.request.idempotencyKey,
  });
  op.world.emit(op.account.id, "invoice.sent", rendered, { request: op.request });
}

/**
 * `/send`: finalizes a draft first, then e-mails the invoice. In test mode
 * Stripe sends no e-mail, only `invoice.sent`; the stand-in logs the one live
 * mode would send (control.emails()). `status_transitions` records no "sent":
 * only the event says an invoice was sent (https://docs.stripe.com/api/invoices/object#invoice_object-status_transitions).
 */
export function sendInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status === "void") throw transitionError(`Invoice ${inv.id} has been voided and can't be sent.`);
  if (inv.collectionMethod !== "send_invoice") {
    throw invalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.", {
      param: "collection_method",
    });
  }
  if (inv.status === "draft") finalizeInvoice(op, inv);
  emailInvoice(op, inv);
}

/**
 * Time-driven transitions, run whenever the clock moves or a request arrives:
 * scheduled finalization of auto-advancing drafts, and `invoice.overdue` once
 * an open `send_invoice` invoice passes its due date.
 */
export function sweepInvoices(world: World): void {
  const now = world.clock.seconds();
  const finalizesNow = (inv: InvoiceRecord) => inv.status === "draft" && inv.automaticallyFinalizesAt !== null && inv.automaticallyFinalizesAt <= now;
  const overdueNow = (inv: InvoiceRecord) => inv.status === "open" && inv.collectionMethod === "send_invoice" && inv.dueDate !== null && inv.dueDate <= now && !inv.overdueNotified;
  for (const account of world.store.accounts.values()) {
    const data = world.store.of(account.id);
    // Runs before every request: only the invoices with something due now are
    // sorted (creation order, the order their events go out in), not every
    // invoice stored — the benchmarks store thousands, at 500 requests a second.
    const due: InvoiceRecord[] = [];
    for (const inv of data.invoices.values()) if (finalizesNow(inv) || overdueNow(inv)) due.push(inv);
    for (const inv of due.sort((a, b) => a.seq - b.seq)) {
      const op: Op = { world, account, request: { id: null, idempotencyKey: null } };
      if (finalizesNow(inv)) {
        try {
          finalizeInvoice(op, inv);
          const status: string = inv.status;
          if (inv.autoAdvance && inv.collectionMethod === "send_invoice" && status === "open") emailInvoice(op, inv);
        } catch {
          inv.automaticallyFinalizesAt = null;
        }
      }
      if (overdueNow(inv)) {
        inv.overdueNotified = true;
        world.emit(account.id, "invoice.overdue", renderInvoice(world, account, inv));
      }
    }
  }
}

/**
 * An open invoice whose credit notes left nothing to pay is closed as paid
 * (amount_paid 0): nothing remains to collect, as for a zero-amount invoice
 * at finalization. Called after a credit note is issued.
 */
export function closeIfNothingDue(op: Op, inv: InvoiceRecord): void {
  const data = op.world.store.of(op.account.id);
  if (inv.status === "open" && amountDue(computeTotals(data, inv), inv) === 0) settlePaid(op, inv, { outOfBand: false, zeroAmount: true });
}
