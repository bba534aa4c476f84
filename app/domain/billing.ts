// The billing port: what the run pipeline asks of an invoicing provider
// (a "billing rail"), and nothing about how a provider does it.
//
// The pipeline (app/services/invoicing/issue-run.server.ts) drives each
// InvoiceRun through these steps, in order, persisting each step's result
// before calling the next:
//
//   customer → draft → lines → finalize → send
//
// Contract every implementation honours (the Stripe adapter in
// app/gateways/stripe/billing-adapter.server.ts, the in-memory one in tests):
// - Each call receives `idempotencyKey` = idempotencyKey(runId, step,
//   generation). Repeating a call with the same key never creates a second
//   object: it returns the first call's result. Keys mean what they say: a
//   retry repeats its key; the same key with other parameters is a permanent
//   error (`idempotency_mismatch`), never a reason to try another key.
// - `send` e-mails the customer once: after an unknown outcome it sends again
//   only when the provider shows the invoice was not sent; when it cannot
//   tell, it returns the invoice with `sendUnconfirmed` for the merchant to
//   decide.
// - `findInvoiceForRun` finds an invoice created for a run (by its
//   `metadata.run_id`), so a run resumed after an unknown outcome or after the
//   provider forgot the idempotency key adopts it instead of creating another.
// - `discardDraft` deletes a run's draft when the run is stopped (its
//   template cancelled or paused, the shop uninstalled, the customer erased)
//   before finalization; deleting a draft already gone counts as done.
// - Failures are thrown as BillingError: `transient` ones (timeouts, 5xx,
//   rate limits, unknown outcome) are retried with backoff; `permanent` ones
//   (bad data the merchant must fix) fail the run at once with `message`;
//   `blocked` ones (the provider refuses Ritournelle's access: the merchant's
//   account, or the platform's own key) hold the run until a person acts.
//
// Pure TypeScript: imports nothing outside app/domain.
import type { MinorUnits } from "./money";
import { MAX_TEMPLATE_LINES } from "./template-limits";

/**
 * How a customer pays a template's invoices: "stripe" (a Stripe invoice in
 * the merchant's Stripe account, paid on Stripe's page) or "shopify" (a
 * Shopify draft order, paid through Shopify's checkout from its invoice link).
 */
export const BILLING_RAILS = ["stripe", "shopify"] as const;
export type BillingRail = (typeof BILLING_RAILS)[number];

/**
 * Whether a rail can bill a template in `currency`. Shopify invoices are
 * draft orders, issued in the shop's currency: the adapter sends no
 * `presentmentCurrencyCode` (a customer currency needs the shop's Markets set
 * up for it, which Ritournelle cannot check offline), so a template in another
 * currency would fail at its first period. Refusing it on the form says so
 * while the merchant can still choose Stripe.
 */
export function railTakesCurrency(rail: BillingRail, currency: string, shopCurrency: string): boolean {
  return rail !== "shopify" || currency.toUpperCase() === shopCurrency.toUpperCase();
}

export const BILLING_STEPS = ["customer", "draft", "lines", "finalize", "send"] as const;
export type BillingStep = (typeof BILLING_STEPS)[number];

/**
 * The key of a run's step at the provider: the same on every attempt, so a
 * repeated call returns the first one's result. `generation` (the run's
 * keyGeneration) changes only when a merchant's retry starts the run over
 * after its provider objects were discarded; generation 0 keeps the original
 * `run:step` form.
 */
export function idempotencyKey(runId: string, step: BillingStep, generation = 0): string {
  return generation === 0 ? `${runId}:${step}` : `${runId}:g${generation}:${step}`;
}

/**
 * Most lines an InvoiceRequest has: a template's lines (the form's and the
 * templates service's limit) and its shipping line. A provider refuses more
 * before any call; each provider's own limit must be at least this (Stripe:
 * 250 items, see the Stripe adapter).
 */
export const MAX_INVOICE_LINES = MAX_TEMPLATE_LINES + 1;

export type BillingAddress = {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string; // ISO 3166-1 alpha-2
};

/**
 * B2B: the Shopify company location the source order was placed for, and the
 * company contact who placed it (a contact is a customer: its id is personal
 * data, registered with the customer snapshot). The Shopify rail makes each
 * draft for this location (`purchasingEntity.purchasingCompany`); Stripe
 * invoices the customer as before. Names are as they were when the template
 * was made, for the merchant's pages; the rail reads the location again.
 */
export type BillingCompany = {
  companyId: string;
  companyName: string;
  contactId: string;
  locationId: string;
  locationName: string;
};

export type BillingCustomer = {
  /** Shopify customer GID when the order had one; the key for reuse. */
  shopifyCustomerId?: string;
  name: string;
  email: string;
  locale?: string; // "fr", "en-US"…
  address?: BillingAddress;
  /** B2B: the company location billed (see BillingCompany); absent: the customer (D2C). */
  company?: BillingCompany;
};

export type BillingTax = {
  title: string; // "TVA", "NY State Tax"
  /** Exact decimal percentage, e.g. "20" or "8.875". */
  ratePercent: string;
  /** The line amounts already include this tax (EU VAT) or it is added on top (US sales tax). */
  inclusive: boolean;
};

export type BillingLine = {
  description: string;
  /**
   * The Shopify product variant the line was imported from. A rail that
   * invoices in Shopify (draft orders) bills that product while it exists;
   * Stripe ignores it. Absent for custom lines.
   */
  variantId?: string;
  /** The order's shipping, as one more line (the last). Rails with a shipping line of their own use it. */
  shipping?: true;
  quantity: number;
  unitAmount: MinorUnits;
  /** Total discount on this line (all units), in minor units, >= 0. */
  discountAmount: MinorUnits;
  taxes: BillingTax[];
};

/** Everything a provider needs to issue one period's invoice. Snapshot at issue time. */
export type InvoiceRequest = {
  runId: string;
  templateId: string;
  shopDomain: string;
  /** The merchant's provider account (Stripe: the connected account id; Shopify: the shop's domain). */
  account: string;
  /** The shop's admin language ("en", "fr"): the Shopify rail writes its invoice e-mail's message in it. */
  shopLocale?: string;
  periodIndex: number;
  periodDate: string; // civil YYYY-MM-DD
  currency: string; // ISO 4217, upper case
  customer: BillingCustomer;
  lines: BillingLine[]; // shipping is one more line; at most MAX_INVOICE_LINES
  daysUntilDue: number;
  memo?: string;
  /** Public signing link to print on the invoice when a signature is requested. */
  signingUrl?: string;
  /** The total the merchant expects, to the minor unit; the provider's total must equal it. */
  expectedTotal: MinorUnits;
};

export type IssuedInvoice = {
  invoiceId: string;
  /** The document's number at the provider (Stripe: "ATDUP-0001"; Shopify: the draft order's name, "#D12"). */
  number?: string;
  hostedInvoiceUrl?: string;
  invoicePdfUrl?: string;
  status: "draft" | "open" | "paid" | "void" | "uncollectible";
  total: MinorUnits;
  /**
   * Set by `send` only: the outcome of the send was unknown and nothing the
   * provider shows says whether the customer was e-mailed. The invoice is
   * issued; the merchant is offered to send it again.
   */
  sendUnconfirmed?: true;
};

export type StepContext = {
  idempotencyKey: string;
  /**
   * This attempt begins at this step: an earlier attempt may have made the
   * call and died before storing its result. Its key may no longer be
   * remembered (Stripe forgets keys after 24 h), so a step whose repeat
   * would add something (the lines) looks at what is there before acting.
   */
  resumed?: boolean;
  /**
   * A rail without idempotency keys (Shopify draft orders) calls this just
   * before asking the provider to e-mail the invoice: the pipeline records on
   * the run's trail that a send is being made, so that a later attempt knows
   * one may be on its way. It throws a transient BillingError (code
   * `shopify_send_in_doubt`, with `retryAt`) while an earlier send of the run
   * whose answer was lost may still be applied by the provider: the e-mail is
   * not asked for twice. Resolves to the instant the claim was recorded.
   */
  claimSend?: () => Promise<Date>;
};

export interface BillingGateway {
  /** Reuses the customer mapped to this shop + Shopify customer, else creates one. */
  ensureCustomer(request: InvoiceRequest, context: StepContext): Promise<{ customerId: string }>;
  /** Creates the draft invoice (metadata.run_id = request.runId). */
  createDraft(request: InvoiceRequest, customerId: string, context: StepContext): Promise<IssuedInvoice>;
  /** Adds every line with its taxes and discounts; returns the invoice with its computed total. */
  addLines(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice>;
  /** Finalizes (assigns the number, hosted URL, PDF). Refuses if the total differs from expectedTotal. */
  finalize(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice>;
  /** Sends the finalized invoice to the customer, once (see `sendUnconfirmed`). */
  send(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice>;
  /** The invoice already created for this run, if any (recovery after unknown outcomes). */
  findInvoiceForRun(request: InvoiceRequest): Promise<IssuedInvoice | null>;
  /**
   * Who computes the total. "ours" (Stripe, absent): the provider is given
   * every tax and discount and must reach `expectedTotal` exactly; a
   * difference fails the run. "provider" (Shopify draft orders): the
   * provider applies its own taxes; its total is the invoice's, recorded on
   * the run, and a difference from ours is noted for the merchant.
   */
  readonly totals?: "ours" | "provider";
  /**
   * Names the platform credential this gateway calls with (a fingerprint,
   * never the secret). A refusal of the platform's credential holds the runs
   * of gateways with this same credential only, so a process started with a
   * fixed one is not held. Absent: one unnamed credential.
   */
  readonly credential?: string;
  /**
   * Deletes the run's draft invoice: the run was stopped before its invoice
   * was finalized, and nothing of it may reach the customer. Drafts only,
   * and idempotent: a draft already deleted counts as deleted.
   * @returns null once the run has no draft left; the invoice, untouched,
   *   when it is no longer a draft (it was finalized: it can only be voided,
   *   and that is the merchant's decision).
   */
  discardDraft(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice | null>;
}

/**
 * - transient: worth retrying later as is.
 * - permanent: the provider refused our data; the merchant fixes it.
 * - blocked: the provider refuses Ritournelle's access, so no retry can
 *   succeed until a person acts: code "billing_account_unavailable" (the
 *   merchant's account no longer grants access: they reconnect) or
 *   "stripe_auth_failed" (the platform's own credential: the operator fixes
 *   the configuration). The pipeline holds the runs instead of retrying.
 */
export type BillingErrorKind = "transient" | "permanent" | "blocked";

export class BillingError extends Error {
  constructor(
    readonly kind: BillingErrorKind,
    /** Stable machine code, e.g. "rate_limited", "total_mismatch", "customer_email_invalid". */
    readonly code: string,
    /** What happened and what to do, for the merchant. */
    message: string,
    options?: { cause?: unknown; retryAt?: Date },
  ) {
    super(message, options);
    this.name = "BillingError";
    this.retryAt = options?.retryAt;
  }

  /** Transient: not worth retrying before this instant (the pipeline's backoff waits at least until then). */
  readonly retryAt: Date | undefined;
}
