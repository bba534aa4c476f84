/**
 * The one template input: what a recurring template is made of, as every
 * caller sends it (the app's form, the order page's quick action, the
 * templates service's own callers), and the single place its rules live:
 * the e-mail check, the 365-day payment term, the 500-character note, the
 * number of lines… The browser form checks its fields with these schemas
 * (app/domain/template-form.ts), the templates service parses whole inputs
 * with them (app/services/templates/), so the form and the server cannot
 * disagree.
 *
 * A refused field says why as a code, never in words: each check's zod
 * message is an {@link InputRefusal}, i.e. the form's {@link FormErrorCode},
 * optionally refined after a "." where the English detail for logs and API
 * callers says more than the form's message ("quantity_invalid.below_one").
 * app/i18n/field-errors.ts puts both into words.
 */
import { z } from "zod";
import { ValidationError, type FieldRefusal, type ScheduleError } from "./errors";
import type { InvoiceDraftError } from "./invoice-draft";
import { PRODUCT_VARIANT_GID } from "./order-snapshot";
import type { BillingCompany, BillingRail } from "./billing";
import { MAX_EVERY, scheduleIssues, validateSchedule, type Schedule } from "./schedule";
import { MAX_TEMPLATE_LINES } from "./template-limits";

// ---------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------

/**
 * Every field error the form can show, whoever found it: the form's own
 * checks, or the templates service refusing on submit (server-only codes,
 * after the blank line). Each has a `form.error.<code>` message in
 * app/i18n/en.json and fr.json.
 */
export const FORM_ERROR_CODES = [
  "title_required",
  "quantity_invalid",
  "price_invalid",
  "discount_invalid",
  "discount_exceeds_amount",
  "no_lines",
  "too_many_lines",
  "total_not_positive",
  "email_invalid",
  "every_invalid",
  "date_invalid",
  "anchor_past",
  "time_invalid",
  "after_count_invalid",
  "until_before_anchor",
  "days_until_due_invalid",
  "memo_too_long",
  "rail_invalid",
  "rail_scope_missing",
  "rail_currency_unsupported",

  "amount_invalid",
  "tax_title_required",
  "tax_rate_invalid",
  "variant_invalid",
  "shipping_title_required",
  "customer_name_required",
  "taxes_included_required",
  "catch_up_invalid",
  "currency_invalid",
  "currency_locked",
  "field_locked",
  "field_invalid",
  "idempotency_key_invalid",
  "idempotency_key_reused",
  "unit_invalid",
  "time_zone_invalid",
  "end_invalid",
  "schedule_invalid",
  "schedule_empty",
  "anchor_in_past",
  "anchor_not_after_planned",
] as const;
export type FormErrorCode = (typeof FORM_ERROR_CODES)[number];

/** A value of a field error's message: a civil date is formatted in the merchant's language when shown. */
export type FieldErrorValue = string | number | { civilDate: string };

/**
 * A field error with what its message needs, e.g. { code: "anchor_in_past",
 * values: { date: { civilDate: "2026-01-03" }, earliest: { civilDate: "2026-01-10" } } }:
 * how the templates service answers, so the form can say it in the merchant's language.
 */
export type FieldProblem = { code: FormErrorCode; values?: Record<string, FieldErrorValue> };

/**
 * Refusals whose English detail says more than the form's message for their
 * code (which reason, which amount): each has an `input.detail.<refusal>`
 * message in app/i18n. The code is the part before the ".".
 */
export const DETAILED_REFUSALS = [
  "title_required.line",
  "email_invalid.invoice_address",
  "variant_invalid.not_variant_gid",
  "quantity_invalid.not_number",
  "quantity_invalid.not_whole",
  "quantity_invalid.below_one",
  "amount_invalid.price.not_number",
  "amount_invalid.price.not_whole",
  "amount_invalid.price.negative",
  "amount_invalid.discount.not_number",
  "amount_invalid.discount.not_whole",
  "amount_invalid.discount.negative",
  "amount_invalid.shipping_price.not_number",
  "amount_invalid.shipping_price.not_whole",
  "amount_invalid.shipping_price.negative",
  "amount_invalid.shipping_discount.not_number",
  "amount_invalid.shipping_discount.not_whole",
  "amount_invalid.shipping_discount.negative",
  "tax_rate_invalid.not_text",
  "tax_rate_invalid.not_decimal",
  "catch_up_invalid.choice",
  "days_until_due_invalid.not_number",
  "days_until_due_invalid.not_whole",
  "days_until_due_invalid.negative",
  "days_until_due_invalid.too_long",
  "currency_invalid.not_text",
  "currency_locked.after_create",
  "idempotency_key_invalid.format",
  "idempotency_key_reused.other_order",
  "anchor_in_past.dates",
  "anchor_not_after_planned.date",
  "schedule_empty.no_date",
] as const satisfies readonly `${FormErrorCode}.${string}`[];
export type DetailedRefusal = (typeof DETAILED_REFUSALS)[number];

/** Why a field is refused: a form code, or a detailed refusal of one. */
export type InputRefusal = FormErrorCode | DetailedRefusal;

export function isDetailedRefusal(value: string): value is DetailedRefusal {
  return (DETAILED_REFUSALS as readonly string[]).includes(value);
}

export function isInputRefusal(value: string): value is InputRefusal {
  return (FORM_ERROR_CODES as readonly string[]).includes(value) || isDetailedRefusal(value);
}

/** The form's code of a refusal: "quantity_invalid.below_one" → "quantity_invalid". */
export function formCodeOf(refusal: InputRefusal): FormErrorCode {
  return refusal.split(".", 1)[0] as FormErrorCode;
}

/** A check's message, typed: only refusals the i18n files know can be written. */
const refuse = (refusal: InputRefusal) => refusal;

// ---------------------------------------------------------------------------
// Limits (the words say them through these values, see app/i18n/field-errors.ts)
// ---------------------------------------------------------------------------

/**
 * Most lines one template may have: the one limit of the form, the templates
 * service and the billing gateways (an invoice has these and its shipping
 * line, MAX_INVOICE_LINES in ./billing.ts). Importing an order reads fewer
 * (MAX_ORDER_LINES in app/gateways/shopify/orders.server.ts): any importable
 * order fits, and the merchant may add lines by hand up to this. Kept in
 * ./template-limits.ts (no zod, no schedule), so that the billing port's
 * limits reach the browser without the schema and the recurrence engine.
 */
export { MAX_TEMPLATE_LINES } from "./template-limits";
/** Longest note printed on each invoice, in characters. */
export const MAX_MEMO_LENGTH = 500;
/** Longest payment term, in days. */
export const MAX_DAYS_UNTIL_DUE = 365;

/** The limits, by the names the field error messages use as placeholders ("{maxMemoLength}"). */
export const INPUT_LIMITS = {
  maxLines: MAX_TEMPLATE_LINES,
  maxMemoLength: MAX_MEMO_LENGTH,
  maxDaysUntilDue: MAX_DAYS_UNTIL_DUE,
  maxEvery: MAX_EVERY,
} as const;

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

export const CATCH_UP_POLICIES = ["all", "latest", "none"] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** A decimal percentage as Shopify and Stripe write it: "20", "8.875". */
export const TAX_RATE_PATTERN = /^\d+(\.\d+)?$/;

/** What a caller may use as an idempotency key: a UUID works. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{16,100}$/;

export const idempotencyKeyInput = z
  .string({ error: refuse("idempotency_key_invalid.format") })
  .regex(IDEMPOTENCY_KEY_PATTERN, refuse("idempotency_key_invalid.format"));

type AmountSubject = "price" | "discount" | "shipping_price" | "shipping_discount";

/** An amount in the currency's minor unit (cents for EUR, yen for JPY). */
const minorAmount = (subject: AmountSubject) =>
  z
    .number({ error: refuse(`amount_invalid.${subject}.not_number`) })
    .int(refuse(`amount_invalid.${subject}.not_whole`))
    .min(0, refuse(`amount_invalid.${subject}.negative`));

const taxLineInput = z.object({
  title: z.string({ error: refuse("tax_title_required") }).trim().min(1, refuse("tax_title_required")),
  ratePercent: z.string({ error: refuse("tax_rate_invalid.not_text") }).regex(TAX_RATE_PATTERN, refuse("tax_rate_invalid.not_decimal")),
});

export const lineInput = z.object({
  title: z.string({ error: refuse("title_required.line") }).trim().min(1, refuse("title_required.line")),
  variantTitle: z.string().trim().min(1).optional(),
  sku: z.string().trim().min(1).optional(),
  /** Left out for a custom line. */
  variantId: z
    .string({ error: refuse("variant_invalid.not_variant_gid") })
    .trim()
    .regex(PRODUCT_VARIANT_GID, refuse("variant_invalid.not_variant_gid"))
    .optional(),
  quantity: z
    .number({ error: refuse("quantity_invalid.not_number") })
    .int(refuse("quantity_invalid.not_whole"))
    .min(1, refuse("quantity_invalid.below_one")),
  unitAmount: minorAmount("price"),
  discountAmount: minorAmount("discount").default(0),
  taxLines: z.array(taxLineInput).default([]),
});

export const linesInput = z
  .array(lineInput, { error: refuse("no_lines") })
  .min(1, refuse("no_lines"))
  .max(MAX_TEMPLATE_LINES, refuse("too_many_lines"));

const shippingInput = z.object({
  title: z.string({ error: refuse("shipping_title_required") }).trim().min(1, refuse("shipping_title_required")),
  amount: minorAmount("shipping_price"),
  discountAmount: minorAmount("shipping_discount").default(0),
  taxLines: z.array(taxLineInput).default([]),
});

/** The customer's address as the order had it. */
export const addressInput = z.object({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});

/** Where the invoice is sent. */
export const customerEmailInput = z.email(refuse("email_invalid.invoice_address"));

/** Shopify GIDs of one type ("gid://shopify/CompanyLocation/123"). */
const gidOf = (type: string) => z.string().trim().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), refuse("field_invalid"));

/** B2B: the company location the order was placed for (app/domain/billing.ts's BillingCompany). */
export const companyInput = z.object({
  companyId: gidOf("Company"),
  companyName: z.string().trim().min(1, refuse("field_invalid")),
  contactId: gidOf("CompanyContact"),
  locationId: gidOf("CompanyLocation"),
  locationName: z.string().trim().min(1, refuse("field_invalid")),
}) satisfies z.ZodType<BillingCompany>;

const customerInput = z.object({
  shopifyCustomerId: z.string().trim().min(1).optional(),
  name: z.string({ error: refuse("customer_name_required") }).trim().min(1, refuse("customer_name_required")),
  email: customerEmailInput,
  locale: z.string().trim().min(2).optional(),
  address: addressInput.optional(),
  company: companyInput.optional(),
});

/** timeOfDay and timeZone default to the shop's; the rest is checked by app/domain/schedule.ts. */
const scheduleInput = z.object({
  every: z.unknown(),
  unit: z.unknown(),
  anchor: z.unknown(),
  timeOfDay: z.unknown().optional(),
  timeZone: z.unknown().optional(),
  end: z.unknown().optional(),
});
export type ScheduleInput = z.output<typeof scheduleInput>;

export const daysUntilDueInput = z
  .number({ error: refuse("days_until_due_invalid.not_number") })
  .int(refuse("days_until_due_invalid.not_whole"))
  .min(0, refuse("days_until_due_invalid.negative"))
  .max(MAX_DAYS_UNTIL_DUE, refuse("days_until_due_invalid.too_long"));

const policiesInput = z.object({
  /** null: follow the shop's default. */
  catchUp: z.enum(CATCH_UP_POLICIES, { error: refuse("catch_up_invalid.choice") }).nullable().optional(),
  daysUntilDue: daysUntilDueInput.optional(),
  signatureRequested: z.boolean().optional(),
});

/** The note printed on each invoice; null or blank for none. */
export const memoInput = z
  .string({ error: refuse("memo_too_long") })
  .trim()
  .max(MAX_MEMO_LENGTH, refuse("memo_too_long"))
  .nullable()
  .optional();

/**
 * How the customer pays (app/domain/billing.ts's BillingRail). Absent: the
 * shop's default when creating, unchanged when editing. A change applies from
 * the next period: runs already planned keep the rail frozen in their snapshot.
 */
export const railInput = z.enum(["stripe", "shopify"] as const satisfies readonly BillingRail[], { error: refuse("rail_invalid") }) satisfies z.ZodType<BillingRail>;

const contentFields = {
  customer: customerInput,
  lines: linesInput,
  taxesIncluded: z.boolean({ error: refuse("taxes_included_required") }),
  shipping: shippingInput.nullable().optional(),
  memo: memoInput,
  schedule: scheduleInput,
  policies: policiesInput.optional(),
  rail: railInput.optional(),
};

/** A new template: its content, the order it came from, and its currency (which never changes afterwards). */
export const createTemplateInput = z.object({
  sourceOrderId: z.string().trim().min(1).optional(),
  currency: z.string({ error: refuse("currency_invalid.not_text") }).trim().toUpperCase(),
  ...contentFields,
});
export type CreateTemplateInput = z.input<typeof createTemplateInput>;

/** A change to a template: any content field, nothing else (an unknown field is refused as locked). */
export const editTemplateInput = z
  .object({
    customer: contentFields.customer.optional(),
    lines: contentFields.lines.optional(),
    taxesIncluded: contentFields.taxesIncluded.optional(),
    shipping: contentFields.shipping,
    memo: contentFields.memo,
    schedule: scheduleInput.optional(),
    policies: policiesInput.optional(),
    rail: contentFields.rail,
    /** Invoices were issued in it: refused with its own reason rather than as any locked field. */
    currency: z.undefined({ error: refuse("currency_locked.after_create") }).optional(),
  })
  .strict();
export type EditTemplateInput = z.input<typeof editTemplateInput>;

// ---------------------------------------------------------------------------
// Issues → field problems
// ---------------------------------------------------------------------------

/**
 * One refused field, before it is put into words: the form's problem, and
 * what says it precisely in English (a refusal of this module's, or zod's own
 * words for the few checks that have none: an address that is not an object…).
 */
export type FieldIssue = FieldProblem & ({ refusal: InputRefusal } | { zodMessage: string });

/**
 * The refused fields of a parse, keyed by the dotted path ("lines.0.quantity");
 * the first issue of each field wins. A root-level issue (the input is not an
 * object) is keyed "input".
 */
export function fieldIssuesOf(error: z.ZodError): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues[[...issue.path, key].join(".")] ??= { code: "field_locked", refusal: "field_locked" };
      continue;
    }
    const field = issue.path.join(".") || "input";
    issues[field] ??= isInputRefusal(issue.message)
      ? { code: formCodeOf(issue.message), refusal: issue.message }
      : { code: "field_invalid", zodMessage: issue.message };
  }
  return issues;
}

/** A schedule refused by app/domain/schedule.ts (any caller's input, not only the form's), as a field problem. */
export function scheduleIssueProblem(issue: Pick<ScheduleError, "code" | "value">): FieldProblem {
  switch (issue.code) {
    case "invalid_every":
      return { code: "every_invalid" };
    case "unknown_unit":
      return { code: "unit_invalid" };
    case "unknown_time_zone":
      return { code: "time_zone_invalid", values: { timeZone: String(issue.value ?? "") } };
    case "invalid_time_of_day":
      return { code: "time_invalid" };
    case "invalid_after_count":
      return { code: "after_count_invalid" };
    case "until_before_anchor":
      return { code: "until_before_anchor" };
    case "invalid_end":
      return { code: "end_invalid" };
    case "invalid_schedule":
      return { code: "schedule_invalid" };
    case "invalid_date_format":
    case "invalid_date":
    case "date_out_of_range":
      return { code: "date_invalid" };
  }
}

/** A refusal of app/domain/invoice-draft.ts (a discount larger than its line…) as the form's code. */
export function draftErrorCode(error: Pick<InvoiceDraftError, "code" | "field">): FormErrorCode {
  if (error.code === "no_lines") return "no_lines";
  if (error.code === "discount_exceeds_amount") return "discount_exceeds_amount";
  if (error.code === "total_not_positive") return "total_not_positive";
  if (error.field.endsWith("quantity")) return "quantity_invalid";
  if (error.field.endsWith("discountAmount")) return "discount_invalid";
  return "price_invalid";
}

/**
 * The schedule an input asks for, with the shop's defaults filled in
 * (time of day, time zone).
 * @throws ValidationError naming each refused field "schedule.<field>", with
 *   the schedule's English detail.
 */
export function scheduleFrom(input: ScheduleInput, defaults: { timeOfDay: string; timeZone: string }): Schedule {
  const candidate = { ...input, timeOfDay: input.timeOfDay ?? defaults.timeOfDay, timeZone: input.timeZone ?? defaults.timeZone };
  const issues = scheduleIssues(candidate);
  if (issues.length > 0) {
    const refusals: Record<string, FieldRefusal> = {};
    for (const issue of issues) refusals[`schedule.${issue.field}`] ??= { ...scheduleIssueProblem(issue), message: issue.message };
    throw new ValidationError(refusals);
  }
  return validateSchedule(candidate);
}
