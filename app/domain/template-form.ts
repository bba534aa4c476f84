/**
 * The template form, as the merchant fills it in: string fields straight from
 * the inputs → a validated schedule, lines in minor units, policies; and the
 * preview (the next dates and the amount of each invoice).
 *
 * Pure and shared: the browser runs it on every keystroke for the live totals
 * and the preview, the server runs the very same code on submit, so the
 * errors shown inline before submitting are the ones the server would answer.
 * Errors are codes (`FormErrorCode`) keyed by the dotted field path the
 * templates service also uses ("lines.0.quantity", "schedule.anchor"); the UI
 * translates them.
 */
import { z } from "zod";
import { draftInvoice, InvoiceDraftError, type InvoiceDraft, type ShippingSnapshot, type TemplateLine, type TemplateTaxLine } from "./invoice-draft";
import { formatMinor, MoneyError, parseDecimal, type MinorUnits } from "./money";
import type { ScheduleError } from "./errors";
import { PRODUCT_VARIANT_GID } from "./order-snapshot";
import {
  FREQUENCY_PRESETS,
  frequencyPresetOf,
  occurrenceAtOrAfter,
  occurrences,
  scheduleIssues,
  SCHEDULE_UNITS,
  type FrequencyPresetId,
  type Occurrence,
  type Schedule,
  type ScheduleUnit,
} from "./schedule";

export const CATCH_UP_CHOICES = ["shop", "all", "latest", "none"] as const;
export type CatchUpChoice = (typeof CATCH_UP_CHOICES)[number];
export const END_MODES = ["never", "after", "until"] as const;
export type EndMode = (typeof END_MODES)[number];
export const FREQUENCY_CHOICES = [...(Object.keys(FREQUENCY_PRESETS) as FrequencyPresetId[]), "custom"] as const;
export type FrequencyChoice = FrequencyPresetId | "custom";

export type TemplateFormLine = {
  /** Stable React key; not sent to the templates service. */
  key: string;
  title: string;
  variantTitle?: string;
  sku?: string;
  /**
   * The Shopify variant the line came from: not shown, carried through the
   * form so editing a line (even its title) keeps its product for the
   * write-back. A line the merchant adds has none.
   */
  variantId?: string;
  quantity: string;
  /** Decimal, e.g. "19.99" (a "," is accepted as the decimal separator). */
  unitPrice: string;
  /** Decimal discount on the whole line, "0" for none. */
  discount: string;
  taxLines: TemplateTaxLine[];
};

export type TemplateFormValues = {
  frequency: FrequencyChoice;
  customEvery: string;
  customUnit: ScheduleUnit;
  /** First invoice date, civil "YYYY-MM-DD" in the shop's time zone. */
  anchor: string;
  /** "HH:MM". */
  timeOfDay: string;
  endMode: EndMode;
  endAfterCount: string;
  endUntil: string;
  lines: TemplateFormLine[];
  customerEmail: string;
  daysUntilDue: string;
  catchUp: CatchUpChoice;
  signatureRequested: boolean;
  memo: string;
};

/** What the form cannot change: it comes from the order (or the template being edited) and the shop. */
export type TemplateFormContext = {
  currency: string;
  taxesIncluded: boolean;
  shipping: ShippingSnapshot | null;
  timeZone: string;
  /** Today in the shop's time zone, "YYYY-MM-DD": the first invoice cannot be earlier. */
  today: string;
  /** When editing: the current anchor, which may be in the past and stays allowed. */
  currentAnchor?: string;
};

/**
 * Every field error the form can show, whoever found it: the browser's
 * checks below, or the templates service refusing on submit (server-only
 * codes, after the blank line). Each has a `form.error.<code>` message in
 * app/i18n/en.json and fr.json.
 */
export const FORM_ERROR_CODES = [
  "title_required",
  "quantity_invalid",
  "price_invalid",
  "discount_invalid",
  "discount_exceeds_amount",
  "no_lines",
  "email_invalid",
  "every_invalid",
  "date_invalid",
  "anchor_past",
  "time_invalid",
  "after_count_invalid",
  "until_before_anchor",
  "days_until_due_invalid",
  "memo_too_long",

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

export type FormErrors = Record<string, FormErrorCode>;

/** Shape check of posted form values (untrusted JSON); the meaning is checked by {@link parseTemplateForm}. */
export const templateFormValuesSchema = z.object({
  frequency: z.enum(FREQUENCY_CHOICES),
  customEvery: z.string().max(10),
  customUnit: z.enum(SCHEDULE_UNITS),
  anchor: z.string().max(20),
  timeOfDay: z.string().max(10),
  endMode: z.enum(END_MODES),
  endAfterCount: z.string().max(10),
  endUntil: z.string().max(20),
  lines: z
    .array(
      z.object({
        key: z.string().max(100),
        title: z.string().max(500),
        variantTitle: z.string().max(500).optional(),
        sku: z.string().max(255).optional(),
        variantId: z.string().regex(PRODUCT_VARIANT_GID).optional(),
        quantity: z.string().max(20),
        unitPrice: z.string().max(40),
        discount: z.string().max(40),
        taxLines: z.array(z.object({ title: z.string().max(255), ratePercent: z.string().regex(/^\d+(\.\d+)?$/) })).max(10),
      }),
    )
    .max(200),
  customerEmail: z.string().max(320),
  daysUntilDue: z.string().max(10),
  catchUp: z.enum(CATCH_UP_CHOICES),
  signatureRequested: z.boolean(),
  memo: z.string().max(5000),
}) satisfies z.ZodType<TemplateFormValues>;

export type ParsedTemplateForm = {
  schedule: Schedule;
  lines: TemplateLine[];
  customerEmail: string;
  daysUntilDue: number;
  /** null: follow the shop's default. */
  catchUp: "all" | "latest" | "none" | null;
  signatureRequested: boolean;
  memo: string | null;
  draft: InvoiceDraft;
};

export type ParseResult = { ok: true; value: ParsedTemplateForm } | { ok: false; errors: FormErrors };

export const MAX_MEMO_LENGTH = 500;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const WHOLE = /^\d+$/;

/** Checks every field; all problems at once, so the merchant fixes them in one pass. */
export function parseTemplateForm(values: TemplateFormValues, context: TemplateFormContext): ParseResult {
  const errors: FormErrors = {};
  const lines = linesOf(values.lines, context.currency, errors);

  const customerEmail = values.customerEmail.trim();
  if (!EMAIL.test(customerEmail)) errors["customer.email"] = "email_invalid";

  const schedule = scheduleOf(values, context, errors);

  const daysUntilDue = WHOLE.test(values.daysUntilDue.trim()) ? Number(values.daysUntilDue.trim()) : NaN;
  if (!Number.isSafeInteger(daysUntilDue) || daysUntilDue > 365) errors["policies.daysUntilDue"] = "days_until_due_invalid";

  const memo = values.memo.trim();
  if (memo.length > MAX_MEMO_LENGTH) errors.memo = "memo_too_long";

  if (Object.keys(errors).length > 0 || !schedule) return { ok: false, errors };
  const draft = draftOf(lines, context, errors);
  if (!draft) return { ok: false, errors };
  return {
    ok: true,
    value: {
      schedule,
      lines,
      customerEmail,
      daysUntilDue,
      catchUp: values.catchUp === "shop" ? null : values.catchUp,
      signatureRequested: values.signatureRequested,
      memo: memo === "" ? null : memo,
      draft,
    },
  };
}

/** The invoice the lines make as they are now, for live totals; null while a line is not valid. */
export function formDraft(values: Pick<TemplateFormValues, "lines">, context: TemplateFormContext): InvoiceDraft | null {
  const errors: FormErrors = {};
  const lines = linesOf(values.lines, context.currency, errors);
  return Object.keys(errors).length === 0 ? draftOf(lines, context, errors) : null;
}

/** The schedule the fields make as they are now, for the live preview; null while a field is not valid. */
export function formSchedule(values: TemplateFormValues, context: TemplateFormContext): Schedule | null {
  return scheduleOf(values, context, {});
}

function linesOf(formLines: readonly TemplateFormLine[], currency: string, errors: FormErrors): TemplateLine[] {
  if (formLines.length === 0) errors.lines = "no_lines";
  return formLines.map((line, index) => {
    const at = `lines.${index}`;
    const title = line.title.trim();
    if (title === "") errors[`${at}.title`] = "title_required";
    const quantity = WHOLE.test(line.quantity.trim()) ? Number(line.quantity.trim()) : NaN;
    if (!Number.isSafeInteger(quantity) || quantity < 1) errors[`${at}.quantity`] = "quantity_invalid";
    const unitAmount = amountOf(line.unitPrice, currency);
    if (unitAmount === null) errors[`${at}.unitAmount`] = "price_invalid";
    const discountAmount = line.discount.trim() === "" ? 0 : amountOf(line.discount, currency);
    if (discountAmount === null) errors[`${at}.discountAmount`] = "discount_invalid";
    return {
      title,
      ...(line.variantTitle ? { variantTitle: line.variantTitle } : {}),
      ...(line.sku ? { sku: line.sku } : {}),
      ...(line.variantId ? { variantId: line.variantId } : {}),
      quantity,
      unitAmount: unitAmount ?? 0,
      discountAmount: discountAmount ?? 0,
      taxLines: line.taxLines,
    };
  });
}

/** draftInvoice with its refusals (a discount larger than its line…) turned into field errors. */
function draftOf(lines: TemplateLine[], context: TemplateFormContext, errors: FormErrors): InvoiceDraft | null {
  try {
    return draftInvoice({ currency: context.currency, lines, taxesIncluded: context.taxesIncluded, shipping: context.shipping });
  } catch (error) {
    if (error instanceof InvoiceDraftError) errors[error.field] = draftErrorCode(error);
    else if (error instanceof MoneyError) errors.lines = "price_invalid";
    else throw error;
    return null;
  }
}

export function draftErrorCode(error: InvoiceDraftError): FormErrorCode {
  if (error.code === "no_lines") return "no_lines";
  if (error.code === "discount_exceeds_amount") return "discount_exceeds_amount";
  if (error.field.endsWith("quantity")) return "quantity_invalid";
  if (error.field.endsWith("discountAmount")) return "discount_invalid";
  return "price_invalid";
}

/**
 * The form's lines with only the variants the server already knows for them
 * (the order's, when creating; the template's, when editing): a variant id
 * comes back from the browser, and a line may keep its product but never
 * gain one the merchant did not import.
 */
export function keepKnownVariants(lines: readonly TemplateLine[], known: readonly TemplateLine[]): TemplateLine[] {
  const knownIds = new Set(known.flatMap((line) => (line.variantId ? [line.variantId] : [])));
  return lines.map(({ variantId, ...line }) => (variantId && knownIds.has(variantId) ? { ...line, variantId } : line));
}

/** A decimal typed by a merchant ("19.99", "19,99", " 20 ") → minor units; null when not a non-negative amount. */
export function amountOf(input: string, currency: string): MinorUnits | null {
  const normalised = input.trim().replace(",", ".");
  if (normalised === "" || normalised.startsWith("-")) return null;
  try {
    return parseDecimal(normalised, currency);
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

function scheduleOf(values: TemplateFormValues, context: TemplateFormContext, errors: FormErrors): Schedule | null {
  let every: number;
  let unit: ScheduleUnit;
  if (values.frequency === "custom") {
    every = WHOLE.test(values.customEvery.trim()) ? Number(values.customEvery.trim()) : NaN;
    unit = (SCHEDULE_UNITS as readonly string[]).includes(values.customUnit) ? values.customUnit : "month";
  } else {
    ({ every, unit } = FREQUENCY_PRESETS[values.frequency]);
  }
  const candidate: Schedule = { every, unit, anchor: values.anchor, timeOfDay: values.timeOfDay, timeZone: context.timeZone };
  if (values.endMode === "after") {
    const count = WHOLE.test(values.endAfterCount.trim()) ? Number(values.endAfterCount.trim()) : NaN;
    candidate.end = { afterCount: count };
  } else if (values.endMode === "until") {
    candidate.end = { until: values.endUntil };
  }

  const before = Object.keys(errors).length;
  for (const issue of scheduleIssues(candidate)) {
    const field = `schedule.${issue.field}`;
    if (errors[field]) continue;
    if (issue.field === "every" || issue.field === "unit") errors["schedule.every"] = "every_invalid";
    else if (issue.field === "anchor") errors[field] = "date_invalid";
    else if (issue.field === "timeOfDay") errors[field] = "time_invalid";
    else if (issue.field === "end.afterCount") errors[field] = "after_count_invalid";
    else if (issue.field === "end.until") errors[field] = issue.code === "until_before_anchor" ? "until_before_anchor" : "date_invalid";
    else errors[field] = "date_invalid";
  }
  if (!errors["schedule.anchor"] && values.anchor < context.today && values.anchor !== context.currentAnchor) {
    errors["schedule.anchor"] = "anchor_past";
  }
  return Object.keys(errors).length === before ? candidate : null;
}

/** A schedule refused by the templates service (any caller's input, not only this form's), as a field error. */
export function scheduleIssueProblem(issue: ScheduleError): FieldProblem {
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

/** The next `count` invoices: dates in the shop's time zone, each for the same total. */
export function previewOccurrences(schedule: Schedule, count: number, fromInstant?: string): Occurrence[] {
  const from = fromInstant ? occurrenceAtOrAfter(schedule, fromInstant) : null;
  if (fromInstant && !from) return [];
  return occurrences(schedule, { fromIndex: from?.index ?? 0, count });
}

// ---------------------------------------------------------------------------
// Initial values
// ---------------------------------------------------------------------------

/** Lines of a snapshot as the form edits them (amounts back to decimals). */
export function formLinesOf(lines: readonly TemplateLine[], currency: string): TemplateFormLine[] {
  return lines.map((line, index) => ({
    key: `line-${index}`,
    title: line.title,
    ...(line.variantTitle ? { variantTitle: line.variantTitle } : {}),
    ...(line.sku ? { sku: line.sku } : {}),
    ...(line.variantId ? { variantId: line.variantId } : {}),
    quantity: String(line.quantity),
    unitPrice: formatMinor(line.unitAmount, currency),
    discount: formatMinor(line.discountAmount, currency),
    taxLines: line.taxLines,
  }));
}

export type ScheduleFields = Pick<TemplateFormValues, "frequency" | "customEvery" | "customUnit" | "endMode" | "endAfterCount" | "endUntil">;

/** The frequency and end fields that show `schedule`. */
export function scheduleFieldsOf(schedule: Pick<Schedule, "every" | "unit" | "end">): ScheduleFields {
  const preset = frequencyPresetOf(schedule);
  return {
    frequency: preset ?? "custom",
    customEvery: String(schedule.every),
    customUnit: schedule.unit,
    endMode: schedule.end?.afterCount !== undefined ? "after" : schedule.end?.until !== undefined ? "until" : "never",
    endAfterCount: schedule.end?.afterCount !== undefined ? String(schedule.end.afterCount) : "12",
    endUntil: schedule.end?.until ?? "",
  };
}
