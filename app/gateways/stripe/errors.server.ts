// Stripe's errors, translated into the billing port's three kinds:
// - transient: worth retrying later as is (rate limits, Stripe or network
//   trouble, an unknown outcome);
// - permanent: Stripe refused our data; retrying the same request cannot
//   succeed, so the merchant gets a message saying what to fix;
// - blocked: Stripe refuses Ritournelle's access (the connected account, or
//   the platform's own key); no retry succeeds until a person acts, so the
//   pipeline holds the runs (app/services/invoicing/billing-hold.server.ts).
// And the errors after which the billing adapter must look at Stripe's state
// before repeating anything (unknown outcomes, remembered objects gone), and
// the one way it derives a new key once Stripe showed the old one's request
// had no effect.
import Stripe from "stripe";
import { BillingError } from "~/domain/billing";
import { MoneyError } from "~/domain/money";
import type { RunErrorCode, StripeRefusalCode } from "~/domain/run-errors";
import { isUnknownOutcomeReplay } from "./client.server";

/** What the failing call was about, to word the merchant's message. */
export type ErrorContext = { customerEmail?: string; currency?: string };

/**
 * Maps anything a Stripe call threw to a BillingError. A BillingError passes
 * through; an error that is neither Stripe's nor money arithmetic (a bug) is
 * thrown back as is, so the worker treats it as a crash.
 */
/**
 * The invoice changed between two attempts at the same step (`how`: how it
 * was found out). A new key would make a second object: the run stops instead.
 */
export function invoiceChangedError(how: string, cause?: unknown): BillingError {
  const code: RunErrorCode = "idempotency_mismatch";
  return new BillingError(
    "permanent",
    code,
    `The invoice changed between two attempts at the same step: ${how} Ritournelle stopped rather than risk a second invoice: nothing more was sent. Check this invoice in your Stripe dashboard and contact support with its date.`,
    { cause },
  );
}

export function toBillingError(error: unknown, context: ErrorContext = {}): BillingError {
  if (error instanceof BillingError) return error;
  if (error instanceof MoneyError) {
    const code: RunErrorCode = "amount_not_representable";
    return new BillingError("permanent", code, `${error.message} Fix the amounts of this recurring invoice.`, { cause: error });
  }
  if (!(error instanceof Stripe.errors.StripeError)) throw error;

  const status = error.statusCode ?? 0;
  const stripeSays = error.message ? ` Stripe said: "${error.message}"` : "";
  // Transient messages say what went wrong, not what happens next: the run's
  // state tells the merchant whether Ritournelle is still retrying or gave up.
  // Codes come from RUN_ERROR_CODES, so each has the merchant's explanation.
  const transient = (code: RunErrorCode, message: string) => new BillingError("transient", code, message, { cause: error });
  const permanent = (code: RunErrorCode | StripeRefusalCode, message: string) => new BillingError("permanent", code, message, { cause: error });

  if (error instanceof Stripe.errors.StripeConnectionError) {
    return transient("stripe_unreachable", "Stripe could not be reached or did not answer.");
  }
  if (status === 409) {
    // The SDK reports a 409 as an API error; Stripe's 409s are an idempotency key still in flight or a lock timeout.
    return transient("idempotency_in_flight", "Another attempt at this step was still running at Stripe.");
  }
  if (status === 429 || error instanceof Stripe.errors.StripeRateLimitError) {
    return transient("rate_limited", "Stripe asked Ritournelle to slow down (rate limit).");
  }
  if (status >= 500 || error instanceof Stripe.errors.StripeAPIError) {
    return transient("stripe_unavailable", `Stripe had a temporary problem.${stripeSays}`);
  }
  const blocked = accessRefusal(error);
  if (blocked) return blocked;
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    // Same key, other parameters (or another endpoint): the invoice changed
    // between two attempts. A new key would make a second object; stop instead.
    return invoiceChangedError(`Stripe refused to repeat it with different details.${stripeSays}`, error);
  }
  return permanent(...invalidRequest(error, context, stripeSays));
}

// ---------------------------------------------------------------------------
// Access refused: hold, do not retry (issue 12, item 4)
// ---------------------------------------------------------------------------

/**
 * Stripe refuses Ritournelle's credentials, not the request: the same call
 * fails the same way until a person acts, so it is `blocked`, never retried.
 *
 * What Stripe answers (https://docs.stripe.com/api/errors, "HTTP Status Code
 * Summary"): 401 "No valid API key provided" and 403 "The API key doesn't
 * have permissions to perform the request" (403 since API version
 * 2016-10-19: https://docs.stripe.com/changelog/2016-10-19/insufficient-permissions-throw-403-error).
 * stripe-node turns a 401 into StripeAuthenticationError and a 403 into
 * StripePermissionError whatever the body's `type` (generateV1Error in
 * node_modules/stripe/cjs/Error.js). A connected account that no longer
 * grants access answers 403 with code `account_invalid`
 * (https://docs.stripe.com/error-codes: "The account ID provided as a value
 * for the Stripe-Account header is invalid") and the message "The provided
 * key '…' does not have access to account '…' (or that account does not
 * exist). Application access may have been revoked." — the envelope the
 * stand-in answers too (sandbox/stripe/pipeline.ts).
 *
 * Whose fix it is:
 * - 401: the platform's secret key (revoked, rolled, expired, mistyped). The
 *   pipeline calls as the platform with `Stripe-Account`, never with a
 *   merchant's OAuth token, so a 401 is always the operator's configuration:
 *   `stripe_auth_failed`, every account's runs hold.
 * - 403, or `account_invalid` whatever the status: that connected account
 *   (access revoked, or granted without the rights Ritournelle needs): the
 *   merchant reconnects: `billing_account_unavailable`, that account's runs hold.
 * The messages say what happens and who acts; Stripe's own words stay in the
 * logs (a 401's carry part of the key).
 */
function accessRefusal(error: Stripe.errors.StripeError): BillingError | null {
  const blocked = (code: RunErrorCode, message: string) => new BillingError("blocked", code, message, { cause: error });
  if (error instanceof Stripe.errors.StripeAuthenticationError || error.statusCode === 401) {
    return blocked(
      "stripe_auth_failed",
      "Stripe refused Ritournelle's own key. This is Ritournelle's configuration, not your Stripe account: there is nothing to change on your side. This invoice is held and issued, from where it stopped, once it is fixed.",
    );
  }
  if (error instanceof Stripe.errors.StripePermissionError || error.statusCode === 403 || error.code === "account_invalid") {
    return blocked(
      "billing_account_unavailable",
      "Stripe refused Ritournelle's access to your Stripe account (it was disconnected, or no longer grants access). Reconnect Stripe in Ritournelle's settings: this invoice is held and issued then, from where it stopped.",
    );
  }
  return null;
}

/** A refusal of our data: which field, in the merchant's words. */
function invalidRequest(error: Stripe.errors.StripeError, context: ErrorContext, stripeSays: string): [RunErrorCode | StripeRefusalCode, string] {
  const param = error.param ?? "";
  if (error.code === "email_invalid" || param === "email") {
    const email = context.customerEmail ? ` "${context.customerEmail}"` : "";
    return ["customer_email_invalid", `The customer's email${email} was refused by Stripe: fix it in the template.${stripeSays}`];
  }
  if (param.startsWith("address")) {
    return ["customer_address_invalid", `The customer's billing address was refused by Stripe: fix it in the template.${stripeSays}`];
  }
  if (param.startsWith("preferred_locales")) {
    return ["customer_locale_invalid", `The customer's language was refused by Stripe: choose another one in the template.${stripeSays}`];
  }
  if (param === "currency" || error.code === "currency_invalid") {
    const currency = context.currency ? ` ${context.currency}` : "";
    return ["currency_invalid", `Your Stripe account cannot invoice in${currency}: change the currency of the template or enable it in Stripe.${stripeSays}`];
  }
  if (param.startsWith("tax_rates") || param === "percentage" || param === "display_name") {
    return ["tax_rate_invalid", `A tax rate of this invoice was refused by Stripe: check the taxes of the template.${stripeSays}`];
  }
  if (error.code === "resource_missing" && param === "customer") {
    return [
      "customer_missing",
      `The customer was deleted from your Stripe account, so this invoice could not be created. Retry it: Ritournelle creates the customer again (so do the next invoices).${stripeSays}`,
    ];
  }
  if (error.code === "invoice_not_editable" || error.code === "status_transition_invalid") {
    return ["invoice_state_conflict", `The invoice was changed in Stripe meanwhile (finalized, paid, voided or deleted), so Ritournelle stopped.${stripeSays}`];
  }
  return [`stripe_${error.code ?? "invalid_request"}`, `Stripe refused this invoice.${stripeSays}`];
}

// ---------------------------------------------------------------------------
// Errors that call for a look at Stripe's state (app/gateways/stripe/billing-adapter.server.ts)
// ---------------------------------------------------------------------------

export function isStripeCode(error: unknown, code: string): boolean {
  return error instanceof Stripe.errors.StripeError && error.code === code;
}

/**
 * Repeating the same key cannot tell us what happened: Stripe saved a 5xx
 * under it, and replays that 5xx to every repeat. The adapter must look at
 * Stripe's state instead. (A dropped connection or a timeout is different:
 * the same key, later, is exactly the right repeat, so those go back to the
 * pipeline as transient errors. A 400 `idempotency_error`, the same key with
 * other parameters, is not an unknown outcome either: it is a permanent
 * refusal, see toBillingError.)
 */
export function needsReconciliation(error: unknown): boolean {
  return isUnknownOutcomeReplay(error);
}

/**
 * The key of a repeat that Stripe's state showed is needed: `key`'s request
 * had no effect (nothing found after a saved 5xx), or was refused for an
 * object we must look up again. Derived from the id of the request Stripe
 * saved under `key` (the `Original-Request` of a replay, else the failed
 * request's own id), so every attempt after a crash derives the same key and
 * its repeat is itself idempotent; never a random one.
 * @returns null when Stripe's answer carried no request id (the caller then
 *   lets the error through, to be retried as is).
 */
export function keyAfterFailedRequest(key: string, error: unknown): string | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  const original = error.headers?.["original-request"] ?? error.requestId;
  return original ? `${key}:after-${original}` : null;
}

/** An item refused because a tax rate or coupon id we passed does not exist (or is no longer usable). */
export function refersToRememberedObject(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return false;
  const param = error.param ?? "";
  // An add_lines line names its own: `lines[3][tax_rates][0]`.
  return /^(lines\[\d+\]\[)?(tax_rates|discounts)/.test(param);
}

// ---------------------------------------------------------------------------
// Stripe's answers as plain facts, for services that must not know the SDK's classes
// ---------------------------------------------------------------------------

/** What Stripe answered, when `error` is Stripe's answer (or the SDK's failure to reach it); null for anything else (a bug). */
export type StripeFailure = { code?: string; status?: number; missing: boolean };

export function stripeFailureOf(error: unknown): StripeFailure | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  return {
    code: error.code,
    status: error.statusCode,
    missing: error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing",
  };
}
