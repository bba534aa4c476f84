/**
 * The template form, as the merchant fills it in: string fields straight from
 * the inputs → a validated schedule, lines in minor units, policies; and the
 * preview (the next dates and the amount of each invoice).
 *
 * Pure and shared: the browser runs it on every keystroke for the live totals
 * and the preview, the server runs the very same code on submit, so the
 * errors shown inline before submitting are the ones the server would answer.
 * What the form checks beyond turning text into numbers (an e-mail, the
 * payment term, the note's length, each line…) it checks with the template
 * input's own schemas (app/domain/template-input.ts), the ones the templates
 * service parses with. Errors are codes (`FormErrorCode`) keyed by the dotted
 * field path the templates service also uses ("lines.0.quantity",
 * "schedule.anchor"); the UI translates them.
 */
import { z } from "zod";
import { ValidationError } from "./errors";
import type { BillingRail } from "./billing";
import type { InvoiceDraft, ShippingSnapshot, TemplateLine, TemplateTaxLine } from "./invoice-draft";
import { formatMinor, MoneyError, parseDecimal, type MinorUnits } from "./money";
import { PRODUCT_VARIANT_GID } from "./order-snapshot";
import { draftOf, issuableDraftOf } from "./template-content";
import {
  customerEmailInput,
  daysUntilDueInput,
  fieldIssuesOf,
  linesInput,
  MAX_MEMO_LENGTH,
  MAX_TEMPLATE_LINES,
  memoInput,
  railInput,
  scheduleIssueProblem,
  TAX_RATE_PATTERN,
  CATCH_UP_POLICIES,
  type CatchUpPolicy,
  type FormErrorCode,
} from "./template-input";
import { FREQUENCY_PRESETS, frequencyPresetOf, scheduleIssues, SCHEDULE_UNITS, type FrequencyPresetId, type Occurrence, type Schedule, type ScheduleUnit } from "./schedule";
import { occurrenceAtOrAfter, occurrences } from "./recurrence";

/** "shop": follow the shop's default policy. */
export const CATCH_UP_CHOICES = ["shop", ...CATCH_UP_POLICIES] as const;
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
  /**
   * How the customer pays: "stripe" (a Stripe invoice) or "shopify" (a
   * Shopify invoice: a draft order and its checkout link). The page always
   * sends it; left out by an older caller: the shop's default when creating,
   * unchanged when editing.
   */
  rail?: BillingRail;
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
        taxLines: z.array(z.object({ title: z.string().max(255), ratePercent: z.string().regex(TAX_RATE_PATTERN) })).max(10),
      }),
    )
    .max(MAX_TEMPLATE_LINES),
  customerEmail: z.string().max(320),
  daysUntilDue: z.string().max(10),
  catchUp: z.enum(CATCH_UP_CHOICES),
  signatureRequested: z.boolean(),
  // Ten times the note's limit: room for the merchant's typing, which the form's check then refuses in words.
  memo: z.string().max(10 * MAX_MEMO_LENGTH),
  rail: railInput.optional(),
}) satisfies z.ZodType<TemplateFormValues>;

export type ParsedTemplateForm = {
  schedule: Schedule;
  lines: TemplateLine[];
  customerEmail: string;
  daysUntilDue: number;
  /** null: follow the shop's default. */
  catchUp: CatchUpPolicy | null;
  signatureRequested: boolean;
  memo: string | null;
  /** Undefined: the caller's default (the shop's when creating, the template's when editing). */
  rail: BillingRail | undefined;
  draft: InvoiceDraft;
};

export type ParseResult = { ok: true; value: ParsedTemplateForm } | { ok: false; errors: FormErrors };

const WHOLE = /^\d+$/;

/** A whole number typed by a merchant; NaN for anything else (which the number schemas refuse). */
function wholeOf(input: string): number {
  const trimmed = input.trim();
  return WHOLE.test(trimmed) ? Number(trimmed) : NaN;
}

/** Checks every field; all problems at once, so the merchant fixes them in one pass. */
export function parseTemplateForm(values: TemplateFormValues, context: TemplateFormContext): ParseResult {
  const errors: FormErrors = {};
  const lines = linesOf(values.lines, context.currency, errors);
  const customerEmail = checked(customerEmailInput, values.customerEmail.trim(), "customer.email", errors);
  const schedule = scheduleOf(values, context, errors);
  const daysUntilDue = checked(daysUntilDueInput, wholeOf(values.daysUntilDue), "policies.daysUntilDue", errors);
  const memo = checked(memoInput, values.memo, "memo", errors);

  if (Object.keys(errors).length > 0 || !lines || customerEmail === undefined || !schedule || daysUntilDue === undefined) {
    return { ok: false, errors };
  }
  const draft = formDraftOf(lines, context, errors, issuableDraftOf);
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
      memo: memo ? memo : null,
      rail: values.rail,
      draft,
    },
  };
}

/** The invoice the lines make as they are now, for live totals; null while a line is not valid. */
export function formDraft(values: Pick<TemplateFormValues, "lines">, context: TemplateFormContext): InvoiceDraft | null {
  const errors: FormErrors = {};
  const lines = linesOf(values.lines, context.currency, errors);
  return lines && Object.keys(errors).length === 0 ? formDraftOf(lines, context, errors, draftOf) : null;
}

/** The schedule the fields make as they are now, for the live preview; null while a field is not valid. */
export function formSchedule(values: TemplateFormValues, context: TemplateFormContext): Schedule | null {
  return scheduleOf(values, context, {});
}

/** `value` parsed by one of the template input's schemas; undefined, with its refusals recorded under `field`, when refused. */
function checked<T extends z.ZodType>(schema: T, value: unknown, field: string, errors: FormErrors): z.output<T> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const [path, issue] of Object.entries(fieldIssuesOf(result.error))) {
    errors[path === "input" ? field : `${field}.${path}`] ??= issue.code;
  }
  return undefined;
}

/**
 * The form's lines in minor units, checked as the templates service checks
 * lines; amounts the merchant typed that are not amounts are the form's own
 * refusals (price_invalid, discount_invalid). Undefined when a line is refused.
 */
function linesOf(formLines: readonly TemplateFormLine[], currency: string, errors: FormErrors): TemplateLine[] | undefined {
  const typed = formLines.map((line, index) => {
    const unitAmount = amountOf(line.unitPrice, currency);
    if (unitAmount === null) errors[`lines.${index}.unitAmount`] = "price_invalid";
    const discountAmount = line.discount.trim() === "" ? 0 : amountOf(line.discount, currency);
    if (discountAmount === null) errors[`lines.${index}.discountAmount`] = "discount_invalid";
    return {
      title: line.title,
      ...(line.variantTitle ? { variantTitle: line.variantTitle } : {}),
      ...(line.sku ? { sku: line.sku } : {}),
      ...(line.variantId ? { variantId: line.variantId } : {}),
      quantity: wholeOf(line.quantity),
      // Refused above already; a valid stand-in lets the other checks of the line run.
      unitAmount: unitAmount ?? 0,
      discountAmount: discountAmount ?? 0,
      taxLines: line.taxLines,
    };
  });
  return checked(linesInput, typed, "lines", errors);
}

/**
 * The draft of valid lines; its refusals (a discount larger than its line, a
 * total of zero on submit…) become field errors. The live totals show a zero total as it is.
 */
function formDraftOf(lines: TemplateLine[], context: TemplateFormContext, errors: FormErrors, draft: typeof draftOf): InvoiceDraft | null {
  try {
    return draft({ currency: context.currency, lines, taxesIncluded: context.taxesIncluded, shipping: context.shipping });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [field, problem] of Object.entries(error.problems)) errors[field] = problem.code;
    return null;
  }
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
    every = wholeOf(values.customEvery);
    unit = (SCHEDULE_UNITS as readonly string[]).includes(values.customUnit) ? values.customUnit : "month";
  } else {
    ({ every, unit } = FREQUENCY_PRESETS[values.frequency]);
  }
  const candidate: Schedule = { every, unit, anchor: values.anchor, timeOfDay: values.timeOfDay, timeZone: context.timeZone };
  if (values.endMode === "after") {
    candidate.end = { afterCount: wholeOf(values.endAfterCount) };
  } else if (values.endMode === "until") {
    candidate.end = { until: values.endUntil };
  }

  const before = Object.keys(errors).length;
  // The schedule's own checks, said as the templates service says them (the
  // form's unit is a choice among valid ones, so only `every` can be wrong there).
  for (const issue of scheduleIssues(candidate)) errors[`schedule.${issue.field}`] ??= scheduleIssueProblem(issue).code;
  if (!errors["schedule.anchor"] && values.anchor < context.today && values.anchor !== context.currentAnchor) {
    errors["schedule.anchor"] = "anchor_past";
  }
  return Object.keys(errors).length === before ? candidate : null;
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
