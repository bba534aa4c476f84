/**
 * Every code a run's `lastErrorCode` can hold, i.e. every reason the
 * pipeline records for a run that failed or waits, and the one warning it
 * records on a run it sent (`send_unconfirmed`). The merchant's pages
 * explain each in their language (`runError.<code>` in app/i18n/en.json and
 * fr.json); the stored English `lastErrorMessage` stays as the detail (it
 * carries the amounts and Stripe's own words).
 *
 * The code paths take their codes from this list (see
 * app/gateways/stripe/errors.server.ts), and tests/unit/run-errors.test.ts
 * checks the codes written elsewhere are in it: a new code needs its
 * explanation before it ships.
 */
export const RUN_ERROR_CODES = [
  // Stripe refused the run's data (app/gateways/stripe/errors.server.ts): the merchant fixes something.
  "customer_email_invalid",
  "customer_address_invalid",
  "customer_locale_invalid",
  "currency_invalid",
  "tax_rate_invalid",
  "customer_missing",
  "invoice_state_conflict",
  "idempotency_mismatch",
  "amount_not_representable",
  // The Stripe gateway's own checks (app/gateways/stripe/billing-*.server.ts, app/services/invoicing/issue-run.server.ts).
  "coupon_conflict",
  "total_mismatch",
  "too_many_lines",
  // The Shopify invoice rail (app/gateways/shopify/billing-adapter.server.ts).
  "shopify_refused",
  "shopify_scope_missing",
  "shopify_draft_missing",
  "shopify_unreachable",
  // Shopify's answer to draftOrderInvoiceSend was lost and the draft shows no e-mail yet: not asked again until it settles.
  "shopify_send_in_doubt",
  // B2B on the Shopify rail (app/gateways/shopify/company-draft.server.ts): the company location billed is gone, or its contact may no longer order for it.
  "shopify_company_location_missing",
  "shopify_company_contact_not_permitted",
  // Transient: retried on their own until the attempts run out.
  "stripe_unreachable",
  "idempotency_in_flight",
  "rate_limited",
  "stripe_unavailable",
  "stripe_auth_failed",
  "billing_account_unavailable",
  // On a sent run, not a failure: Stripe could not confirm the customer was e-mailed (the merchant may send it again).
  "send_unconfirmed",
  // The pipeline itself (app/services/invoicing/issue-run.server.ts, app/models/stripe.server.ts).
  "attempts_exhausted",
  "billing_not_connected",
  "total_not_positive",
  // A French e-invoice (app/services/documents/issue-einvoice.server.ts): its data breaks a rule of the reform.
  "einvoice_invalid",
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

/** The warning on a `sent` (or `overdue`) run whose e-mail Stripe could not confirm: the page offers "Send again". */
export const SEND_UNCONFIRMED = "send_unconfirmed" satisfies RunErrorCode;

/** A refusal of Stripe's that has no code of ours: "stripe_" + Stripe's code, explained generically. */
export type StripeRefusalCode = `stripe_${string}`;

/** What a stored `lastErrorCode` is explained as: its own explanation, Stripe's generic refusal, or "unknown". */
export function runErrorExplanationOf(code: string | null): RunErrorCode | "stripe_refused" | "unknown" {
  if (code === null) return "unknown";
  if ((RUN_ERROR_CODES as readonly string[]).includes(code)) return code as RunErrorCode;
  if (code.startsWith("stripe_")) return "stripe_refused";
  return "unknown";
}
