// The wire contract between the order page's "Make recurring" admin action
// (extensions/make-recurring) and the app (app/routes/api.extension.orders.$orderId.ts).
//
// Types only, with relative imports: the extension imports this file with
// `import type`, so nothing of the app ends up in its bundle, and it compiles
// without the app's path aliases.
import type { BillingRail } from "./billing";
import type { FrequencyPresetId } from "./schedule";

/** GET /api/extension/orders/:orderId — the order as a recurring invoice would issue it. */
export type OrderActionPreview = {
  order: { id: string; name: string; currency: string };
  customer: { name: string; email: string };
  /** One invoice's lines (shipping included), amounts formatted in the merchant's language. */
  lines: { description: string; quantity: number; total: string }[];
  /** One invoice's total. */
  invoiceTotal: string;
  /** What the customer paid for the order, when it differs from one invoice (a free shipping line dropped…); null otherwise. */
  orderTotal: string | null;
  /** The frequencies the action offers, in order; the extension names them from its own locale files. */
  frequencies: FrequencyPresetId[];
  /** The app form's initial values (the shop's defaults). */
  defaults: { frequency: FrequencyPresetId; anchor: string };
  /** Today in the shop's time zone: the earliest first invoice date. */
  today: string;
  /** What the action does not ask but the merchant should know, from the shop's settings. */
  terms: { timeOfDay: string; timeZone: string; daysUntilDue: number };
  /** The app's full template form for this order (the "Edit all details" destination). */
  formPath: string;
  /**
   * How the customer can pay: the rails in order, the shop's default, and
   * whether the shop granted what "Shopify invoice" needs (its draft orders
   * scope). Not granted, choosing it is refused: the merchant grants it in
   * the app (the full form asks), then creates here again.
   */
  rails: { choices: BillingRail[]; default: BillingRail; shopifyGranted: boolean };
};

/** POST /api/extension/orders/:orderId — JSON body. */
export type OrderActionCreateRequest = {
  /** Made once per opening of the action: a repeated POST with it creates nothing more. */
  idempotencyKey: string;
  frequency: FrequencyPresetId;
  /** First invoice date, "YYYY-MM-DD" in the shop's time zone. */
  anchor: string;
  /** How the customer pays; left out: the shop's default. */
  rail?: BillingRail;
};

/** 201, also for a repeated key (which answers with the template the first call made). */
export type OrderActionCreated = {
  templateId: string;
  /** The template's page in the app. */
  templatePath: string;
  /** "First invoice: Mar 3, 2026. Frequency: Every 2 weeks." in the merchant's language. */
  message: string;
};

export type OrderActionErrorCode =
  | "unauthorized"
  | "invalid_input"
  | "order_not_found"
  | "order_refused"
  | "shopify_unavailable"
  | "method_not_allowed"
  | "plan_limit_reached"
  | "rate_limited";

/**
 * Every refusal: 400 invalid_input (with `fieldErrors`), 401 unauthorized,
 * 404 order_not_found, 405, 422 order_refused (the order cannot recur as it
 * is: no customer, no e-mail, a currency Stripe cannot invoice…), 402
 * plan_limit_reached (the Free plan's active recurring invoices are all
 * taken: upgrade at `upgradeUrl`), 429 rate_limited (with Retry-After), 503
 * shopify_unavailable. `message` says what to do, in the merchant's language.
 */
export type OrderActionError = {
  error: OrderActionErrorCode;
  message: string;
  /** Field → what to fix ("frequency", "anchor", "rail", "idempotencyKey", or the form's dotted paths). */
  fieldErrors?: Record<string, string>;
  /** With plan_limit_reached: Shopify's plan-selection page, as an admin link (`shopify://admin/charges/…/pricing_plans`). */
  upgradeUrl?: string;
};
