// What the pipeline (issue-run.server.ts) writes on a run for the merchant
// when no provider error says it: why it refuses to start an attempt, and
// the warning a sent run keeps. Each is a code (app/domain/run-errors.ts:
// the merchant reads its explanation in their language, `runError.<code>`)
// and the English detail stored in `lastErrorMessage`.
import type { IssuedInvoice } from "~/domain/billing";
import { isIssuableTotal } from "~/domain/invoice-draft";
import { SEND_UNCONFIRMED, type RunErrorCode } from "~/domain/run-errors";

export type RunNote = { code: RunErrorCode; message: string };

/**
 * Why the pipeline must not start an attempt on the run, or null:
 * - its total is zero or less: templates are refused such a total
 *   (invoice-draft.ts), and a run of a template saved before the rule is
 *   failed instead of reaching the provider;
 * - `maxAttempts` attempts in a row were interrupted (the worker died, or
 *   lost the lease) before completing a step, the one about to begin
 *   counted (app/domain/attempts.ts): a run that kills its worker.
 */
export function refusalBeforeAttempt(run: { expectedTotal: number; currency: string; attempt: number; interruptions: number }, maxAttempts: number): RunNote | null {
  if (!isIssuableTotal(run.expectedTotal)) {
    return {
      code: "total_not_positive" satisfies RunErrorCode,
      message: `This invoice totals ${run.expectedTotal} (minor units of ${run.currency}): nothing was sent. Edit its lines so it asks for an amount, then retry.`,
    };
  }
  if (run.interruptions >= maxAttempts) {
    return {
      code: "attempts_exhausted" satisfies RunErrorCode,
      message: `Issuing this invoice was interrupted ${run.interruptions} times in a row before it could complete a step. Retry it; if it keeps failing, contact support.`,
    };
  }
  return null;
}

/**
 * The warning a run sent by the provider keeps, or null: `send_unconfirmed`
 * when the provider could not confirm the customer was e-mailed (the
 * template page then offers "Send again", which clears it).
 */
export function sentWarning(invoice: IssuedInvoice): RunNote | null {
  if (!invoice.sendUnconfirmed) return null;
  return {
    code: SEND_UNCONFIRMED,
    message: "Stripe had a problem sending this invoice and shows nothing that says whether the customer was e-mailed. It is issued: use Send again if the customer did not get it.",
  };
}
