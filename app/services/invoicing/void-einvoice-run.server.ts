// The merchant voids a French e-invoice: it is cancelled by a credit note,
// never voided silently.
//
// Why a credit note and not Stripe's void: once issued, a French invoice is
// an accounting record (numbered, sent to the buyer and, from the reform on,
// to the tax administration through the buyer's platform); it is never
// deleted or marked void, it is corrected by a credit note ("avoir") that
// refers to it (CGI art. 272-1 and 289; BOFiP BOI-TVA-DECLA-30-20-20). At
// Stripe, a credit note is "the only way to adjust the amount of a finalized
// invoice other than voiding" it (https://stripe.com/docs/billing/invoices/credit-notes);
// a voided invoice can no longer be credited. So Ritournelle credits the open
// invoice in full: its amount due falls to zero, Stripe closes it (the
// customer can no longer pay it, as after a void), and the credit note and
// its Factur-X (type 381, BT-25/BT-26 pointing at the invoice) are the record.
//
// Exactly once, under retries and crashes: the Stripe credit note carries the
// run's key (`<run>:credit_note`) and its id in metadata (found again after
// the key expired); the Factur-X is stored once per run (UNIQUE runId, kind)
// in the transaction that closes the run. A crash after Stripe and before the
// database converges on the next click: Stripe answers the same note.
import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { decideMove } from "~/domain/invoice-status";
import type { EInvoiceProblem } from "~/domain/einvoice";
import { stripeClient } from "~/gateways/stripe/client.server";
import { creditInvoiceInFull, findRunCreditNote, InvoiceNotCreditable, type IssuedCreditNote } from "~/gateways/stripe/credit-notes.server";
import { toBillingError } from "~/gateways/stripe/errors.server";
import { findEInvoiceDocumentForShop, insertEInvoiceDocument } from "~/models/einvoice.server";
import { findRunForShop, lockRunForShop, RUN_STATES, type Run } from "~/models/invoice-run.server";
import { appendStripeRunEvents, moveRunState } from "~/models/stripe.server";
import { inTransaction } from "~/models/transaction.server";
import { expectedCreditNoteNumber } from "~/domain/einvoice-credit-note";
import { creditNoteFacturX, creditNoteInput, type CancelledInvoice } from "~/services/documents/credit-note-einvoice.server";
import { RunActionError, runActionResult, type RunActionOptions, type RunActionResult } from "./run-actions.server";

/** The key of the run's one credit note at Stripe. */
export const creditNoteKey = (runId: string) => `${runId}:credit_note`;

const describe = (problems: EInvoiceProblem[]) => problems.map((problem) => `${problem.field} (${problem.code}, ${problem.rule})`).join("; ");

/** Whether the shop's run has an issued French e-invoice (its void then goes through here). */
export async function hasIssuedEInvoice(shopId: string, runId: string): Promise<boolean> {
  return (await findEInvoiceDocumentForShop(shopId, runId, "invoice")) !== null;
}

function refuse(run: Run): never {
  if (run.state === "uncollectible") {
    throw new RunActionError(
      "einvoice_not_creditable",
      "This French e-invoice is marked uncollectible: Stripe issues credit notes on open and paid invoices only, so it cannot be cancelled from Ritournelle. Issue the credit note from your Stripe dashboard and your accounting.",
      run.state,
    );
  }
  throw new RunActionError("not_allowed", `Only an invoice that is not paid can be voided; this one is ${run.state}.`, run.state);
}

/**
 * Cancels the shop's French e-invoice by a credit note for its whole amount.
 *
 * Inputs: the shop, the run (scoped by shop). Effects, once: a Stripe credit
 * note on the open invoice (Stripe then closes it, nothing to pay); its
 * Factur-X 381 stored (EInvoiceDocument kind `credit_note`: template page,
 * monthly export); the run `void` with a `run.closed` event (cause
 * `credit_note`). Idempotent: repeated, it answers `changed: false` with the
 * same credit note, and calls Stripe no more.
 * Refused before any Stripe call when the credit note's Factur-X would break
 * a rule (the field to fix is named), on the Shopify rail, and for an
 * uncollectible invoice (`einvoice_not_creditable`).
 * @throws RunActionError; BillingError when Stripe refuses or cannot be reached.
 */
export function voidWithCreditNote(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  return creditRun(shop, runId, options, false);
}

/**
 * Records the credit note Ritournelle already issued at Stripe for the run
 * (its Factur-X, the run void), when the merchant's request that issued it
 * died before recording it: called by Stripe's `credit_note.created`
 * webhook. Never creates a credit note. Idempotent like voidWithCreditNote.
 */
export function recordRunCreditNote(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions = {}): Promise<RunActionResult> {
  return creditRun(shop, runId, options, true);
}

async function creditRun(shop: Pick<Shop, "id" | "billingAccountId">, runId: string, options: RunActionOptions, recordOnly: boolean): Promise<RunActionResult> {
  const run = await findRunForShop(shop.id, runId);
  if (!run) throw new RunActionError("not_found", "This invoice does not exist in your shop.");
  const invoiceDocument = await findEInvoiceDocumentForShop(shop.id, run.id, "invoice");
  if (!invoiceDocument) throw new RunActionError("no_invoice", "This invoice has no French e-invoice.");
  const done = await findEInvoiceDocumentForShop(shop.id, run.id, "credit_note");
  if (done) return { ...runActionResult(run, run.state, false), creditNoteNumber: done.number };
  if (run.snapshot.rail === "shopify") {
    throw new RunActionError("einvoice_not_creditable", "Credit notes are issued through Stripe: a French e-invoice of a Shopify invoice cannot be cancelled from Ritournelle yet.", run.state);
  }
  // A run already void without its credit note: Stripe closed the invoice after our note, before we recorded it (a crash).
  const recovering = recordOnly || run.state === "void";
  if (!recovering && run.state !== "sent" && run.state !== "overdue") refuse(run);
  if (!run.invoiceId || !run.invoiceNumber) throw new RunActionError("no_invoice", "This invoice was not issued yet.");
  const account = shop.billingAccountId;
  if (!account) throw new RunActionError("billing_not_connected", "Connect your Stripe account in Ritournelle's settings to act on this invoice.");
  const cancelled: CancelledInvoice = { number: invoiceDocument.number, issueDate: invoiceDocument.issueDate };
  const now = (options.clock ?? appClock).nowDate();

  // Before Stripe is asked: the credit note's Factur-X must pass the reform's rules.
  const preflight = await creditNoteInput(run, cancelled, expectedCreditNoteNumber(run.invoiceNumber), now);
  if ("missing" in preflight) throw new RunActionError("einvoice_not_creditable", "Your shop's legal identity is missing: fill in Settings → Legal identity, then void again.", run.state);
  if ("problems" in preflight) throw new RunActionError("einvoice_not_creditable", `The credit note would be refused: fix ${describe(preflight.problems)}, then void again.`, run.state);

  const note = await stripeCredit(options, account, run, recovering);
  if (!note) return runActionResult(run, run.state, false); // voided at Stripe by someone else: nothing Ritournelle can correct
  const made = await creditNoteInput(run, cancelled, note.number, new Date(note.created * 1000));
  if (!("input" in made)) throw new RunActionError("einvoice_not_creditable", `Stripe issued credit note ${note.number}, but its Factur-X would be refused: ${"problems" in made ? describe(made.problems) : "legal identity missing"}.`, run.state);
  const { einvoice, pdf, xml } = await creditNoteFacturX(made.input, now);

  return inTransaction(async (tx) => {
    // The run's row first: the same click arriving twice waits here, then finds the credit note recorded.
    await lockRunForShop(shop.id, run.id, RUN_STATES, tx);
    const fresh = (await findRunForShop(shop.id, run.id, tx)) ?? run;
    const recorded = await findEInvoiceDocumentForShop(shop.id, run.id, "credit_note", tx);
    if (recorded) return { ...runActionResult(fresh, fresh.state, false), creditNoteNumber: recorded.number };
    await insertEInvoiceDocument({ shopId: shop.id, runId: run.id, kind: "credit_note", number: note.number, issueDate: made.input.issueDate, total: einvoice.grandTotal, pdf, xml }, tx);
    const moves = fresh.state !== "void" && decideMove(fresh.state, "void") === "move";
    if (moves && !(await moveRunState(fresh.id, fresh.state, "void", {}, tx))) throw new Error(`run ${fresh.id} changed state during its credit note`);
    await appendStripeRunEvents(
      [{ run: fresh, type: "run.closed", fromState: fresh.state, toState: "void", actor: "merchant", cause: "credit_note", detail: { invoiceId: note.invoiceId, creditNoteId: note.id, creditNoteNumber: note.number }, at: now }],
      tx,
    );
    return { ...runActionResult(fresh, "void", true), creditNoteNumber: note.number };
  });
}

/** The run's credit note at Stripe: made now under the run's key, or the one it already has. */
async function stripeCredit(options: RunActionOptions, account: string, run: Run, recovering: boolean): Promise<IssuedCreditNote | null> {
  const client = options.client ?? stripeClient();
  const invoiceId = run.invoiceId ?? "";
  try {
    if (recovering) return await findRunCreditNote(client, account, invoiceId, run.id);
    return await creditInvoiceInFull(client, account, {
      invoiceId,
      runId: run.id,
      idempotencyKey: creditNoteKey(run.id),
      memo: `Avoir annulant la facture ${run.invoiceNumber ?? ""}.`,
    });
  } catch (error) {
    if (error instanceof InvoiceNotCreditable) throw new RunActionError("einvoice_not_creditable", error.message, run.state);
    throw toBillingError(error, { currency: run.currency });
  }
}
