// Recurring templates, the merchant's side: create, edit, pause, resume, skip
// the next period, cancel, retry a failed run.
//
// Every action:
// - validates its input with zod and answers a ValidationError whose
//   `fieldErrors` say, per field, what the merchant should change;
// - is scoped by shop: another shop's template or run id is "not found";
// - runs in one transaction that starts by writing to the template's row (see
//   lockTemplateForShop), so it is serialised with the scheduler's planning;
// - appends its RunEvents (the merchant's audit trail) in that transaction.
import { createHash } from "node:crypto";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { Prisma, type Shop } from "@prisma/client";
import prisma from "~/db.server";
import { appClock, type Clock } from "~/domain/clock";
import { draftInvoice, InvoiceDraftError, type InvoiceDraft } from "~/domain/invoice-draft";
import { currencyExponent, MoneyError } from "~/domain/money";
import { PRODUCT_VARIANT_GID } from "~/domain/order-snapshot";
import { draftErrorCode, scheduleIssueProblem, type FieldProblem, type FormErrorCode } from "~/domain/template-form";
import {
  finalOccurrence,
  occurrenceAt,
  occurrenceAtOrAfter,
  occurrences,
  scheduleIssues,
  validateSchedule,
  type Schedule,
} from "~/domain/schedule";
import {
  addressSnapshotSchema,
  CATCH_UP_POLICIES,
  customerColumns,
  findTemplateForShop,
  findTemplatesOfCustomer,
  insertTemplate,
  lockTemplateForShop,
  scheduleColumns,
  templateIdsOfShop,
  updateTemplate,
  type CustomerMatch,
  type CustomerSnapshot,
  type Template,
  type TemplateStatus,
} from "~/models/template.server";
import {
  findRunForShop,
  insertRuns,
  latestRunOfTemplate,
  lockRunForShop,
  notStartedRunsOfTemplate,
  replannableRunsOfTemplate,
  replanRuns,
  replaceRunSnapshot,
  runsOfTemplates,
  skipRuns,
  takenPeriodIndexes,
  updateRun,
  type NewRun,
  type PipelineStep,
  type Run,
  type RunSnapshot,
  type SkipReason,
} from "~/models/invoice-run.server";
import { appendRunEvents, type NewRunEvent } from "~/models/run-event.server";
import { findShopByDomain, readSettings } from "~/models/shop.server";

type Tx = Prisma.TransactionClient;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** One refused field: a code and values the merchant's page translates, and the English words for logs and API callers. */
export type FieldRefusal = FieldProblem & { message: string };

/**
 * The input cannot be used. Both maps are keyed by the dotted field path
 * ("lines.0.quantity", "schedule.anchor"): `problems` says what to fix as
 * codes the page shows in the merchant's language (see
 * app/i18n/field-errors.ts), `fieldErrors` says it in English (logs, tests).
 */
export class ValidationError extends Error {
  readonly fieldErrors: Record<string, string>;
  readonly problems: Record<string, FieldProblem>;

  constructor(refusals: Record<string, FieldRefusal>) {
    const entries = Object.entries(refusals);
    super(`Invalid input: ${entries.map(([field, { message }]) => `${field}: ${message}`).join("; ")}`);
    this.name = "ValidationError";
    this.fieldErrors = Object.fromEntries(entries.map(([field, { message }]) => [field, message]));
    this.problems = Object.fromEntries(entries.map(([field, { code, values }]) => [field, values ? { code, values } : { code }]));
  }
}

/** No such template or run in this shop (unknown id, or another shop's). */
export class NotFoundError extends Error {
  constructor(readonly entity: "template" | "run", readonly id: string) {
    super(`No ${entity} ${id} in this shop.`);
    this.name = "NotFoundError";
  }
}

export type TransitionErrorCode = "template_closed" | "template_paused" | "run_not_failed";

/** The action does not apply in the current state (e.g. resuming a cancelled template). */
export class TransitionError extends Error {
  constructor(readonly code: TransitionErrorCode, message: string) {
    super(message);
    this.name = "TransitionError";
  }
}

export type ServiceOptions = {
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Recorded on the audit trail; defaults to "merchant". */
  actor?: string;
};

/** Placeholder that replaces erased personal fields (customers/redact). */
export const REDACTED = "[redacted]";

// ---------------------------------------------------------------------------
// Input schemas (messages are for the merchant)
// ---------------------------------------------------------------------------

const minorAmount = (label: string) =>
  z
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be a whole number of the currency's smallest unit (cents for EUR, yen for JPY).`)
    .min(0, `${label} cannot be negative.`);

const taxLineInput = z.object({
  title: z.string({ error: "Name the tax, e.g. VAT." }).trim().min(1, "Name the tax, e.g. VAT."),
  ratePercent: z
    .string({ error: 'Write the tax rate as a number such as "20" or "8.875".' })
    .regex(/^\d+(\.\d+)?$/, 'Write the tax rate as a number such as "20" or "8.875", without "%".'),
});

const lineInput = z.object({
  title: z.string({ error: "Each line needs a description." }).trim().min(1, "Each line needs a description."),
  variantTitle: z.string().trim().min(1).optional(),
  sku: z.string().trim().min(1).optional(),
  variantId: z
    .string()
    .trim()
    .regex(PRODUCT_VARIANT_GID, 'A line\'s product must be a Shopify product variant id ("gid://shopify/ProductVariant/…"); leave it out for a custom line.')
    .optional(),
  quantity: z
    .number({ error: "The quantity must be a number." })
    .int("The quantity must be a whole number.")
    .min(1, "The quantity must be at least 1."),
  unitAmount: minorAmount("The price"),
  discountAmount: minorAmount("The discount").default(0),
  taxLines: z.array(taxLineInput).default([]),
});

const shippingInput = z.object({
  title: z.string().trim().min(1, "Name the shipping method."),
  amount: minorAmount("The shipping price"),
  discountAmount: minorAmount("The shipping discount").default(0),
  taxLines: z.array(taxLineInput).default([]),
});

const customerInput = z.object({
  shopifyCustomerId: z.string().trim().min(1).optional(),
  name: z.string({ error: "Enter the customer's name." }).trim().min(1, "Enter the customer's name."),
  email: z.email("Enter a valid e-mail address: the invoice is sent there."),
  locale: z.string().trim().min(2).optional(),
  address: addressSnapshotSchema.optional(),
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

const policiesInput = z.object({
  /** null: follow the shop's default. */
  catchUp: z.enum(CATCH_UP_POLICIES, { error: 'Choose "all", "latest" or "none".' }).nullable().optional(),
  daysUntilDue: z
    .number({ error: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(0, "The payment term cannot be negative.")
    .max(365, "The payment term can be at most 365 days.")
    .optional(),
  signatureRequested: z.boolean().optional(),
});

const contentFields = {
  customer: customerInput,
  lines: z.array(lineInput).min(1, "Add at least one line."),
  taxesIncluded: z.boolean({ error: "Say whether the prices include taxes." }),
  shipping: shippingInput.nullable().optional(),
  memo: z.string().trim().max(500, "Keep the note under 500 characters.").nullable().optional(),
  schedule: scheduleInput,
  policies: policiesInput.optional(),
};

const createInput = z.object({
  sourceOrderId: z.string().trim().min(1).optional(),
  currency: z.string({ error: 'Enter a currency code such as "EUR".' }).trim().toUpperCase(),
  ...contentFields,
});
export type CreateTemplateInput = z.input<typeof createInput>;

const editInput = z
  .object({
    customer: contentFields.customer.optional(),
    lines: contentFields.lines.optional(),
    taxesIncluded: contentFields.taxesIncluded.optional(),
    shipping: contentFields.shipping,
    memo: contentFields.memo,
    schedule: scheduleInput.optional(),
    policies: policiesInput.optional(),
  })
  .strict();
export type EditTemplateInput = z.input<typeof editInput>;

/**
 * The code of a field the input schemas refuse, by its path with list
 * indexes as "*": each field can be wrong in one way only a merchant cares
 * about (the English message keeps zod's precise wording for logs).
 */
const INPUT_FIELD_CODES: Record<string, FormErrorCode> = {
  currency: "currency_invalid",
  "customer.name": "customer_name_required",
  "customer.email": "email_invalid",
  lines: "no_lines",
  "lines.*.title": "title_required",
  "lines.*.variantId": "variant_invalid",
  "lines.*.quantity": "quantity_invalid",
  "lines.*.unitAmount": "amount_invalid",
  "lines.*.discountAmount": "amount_invalid",
  "lines.*.taxLines.*.title": "tax_title_required",
  "lines.*.taxLines.*.ratePercent": "tax_rate_invalid",
  "shipping.title": "shipping_title_required",
  "shipping.amount": "amount_invalid",
  "shipping.discountAmount": "amount_invalid",
  "shipping.taxLines.*.title": "tax_title_required",
  "shipping.taxLines.*.ratePercent": "tax_rate_invalid",
  taxesIncluded: "taxes_included_required",
  memo: "memo_too_long",
  "policies.catchUp": "catch_up_invalid",
  "policies.daysUntilDue": "days_until_due_invalid",
};

function fieldErrorsOf(error: z.ZodError): Record<string, FieldRefusal> {
  const fieldErrors: Record<string, FieldRefusal> = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "input";
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        fieldErrors[key] ??=
          key === "currency"
            ? { code: "currency_locked", message: "The currency cannot change once invoices were issued; create a new recurring invoice instead." }
            : { code: "field_locked", message: "This field cannot be changed." };
      }
      continue;
    }
    const pattern = issue.path.map((part) => (typeof part === "number" ? "*" : String(part))).join(".");
    fieldErrors[field] ??= { code: INPUT_FIELD_CODES[pattern] ?? "field_invalid", message: issue.message };
  }
  return fieldErrors;
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

// ---------------------------------------------------------------------------
// What a template issues
// ---------------------------------------------------------------------------

type Content = Pick<Template, "customer" | "currency" | "lines" | "taxesIncluded" | "shipping" | "memo" | "daysUntilDue" | "signatureRequested">;

/** @throws ValidationError when the lines cannot make an invoice (discount larger than the line…). */
function draftOf(content: Content): InvoiceDraft {
  try {
    return draftInvoice(content);
  } catch (error) {
    if (error instanceof InvoiceDraftError) throw new ValidationError({ [error.field]: { code: draftErrorCode(error), message: error.message } });
    if (error instanceof MoneyError) throw new ValidationError({ lines: { code: "price_invalid", message: error.message } });
    throw error;
  }
}

/** What a run planned now for this content issues: its frozen snapshot and expected total. */
export function plannedContentOf(content: Content): { snapshot: RunSnapshot; currency: string; expectedTotal: number } {
  const draft = draftOf(content);
  const snapshot: RunSnapshot = {
    customer: content.customer,
    lines: draft.lines.map((line, index) => {
      // draft.lines follow content.lines index for index; shipping, last, has no template line and so no variant.
      const variantId = content.lines[index]?.variantId;
      return {
        description: line.description,
        ...(variantId ? { variantId } : {}),
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        taxes: line.taxes.map(({ title, ratePercent, inclusive }) => ({ title, ratePercent, inclusive })),
      };
    }),
    daysUntilDue: content.daysUntilDue,
    signatureRequested: content.signatureRequested,
  };
  if (content.memo) snapshot.memo = content.memo;
  return { snapshot, currency: content.currency, expectedTotal: draft.expectedTotal };
}

/** Validates a schedule with the shop's defaults filled in; field errors are prefixed "schedule.". */
function scheduleFrom(input: z.output<typeof scheduleInput>, defaults: { timeOfDay: string; timeZone: string }): Schedule {
  const candidate = {
    ...input,
    timeOfDay: input.timeOfDay ?? defaults.timeOfDay,
    timeZone: input.timeZone ?? defaults.timeZone,
  };
  const issues = scheduleIssues(candidate);
  if (issues.length > 0) {
    const fieldErrors: Record<string, FieldRefusal> = {};
    for (const issue of issues) fieldErrors[`schedule.${issue.field}`] ??= { ...scheduleIssueProblem(issue), message: issue.message };
    throw new ValidationError(fieldErrors);
  }
  return validateSchedule(candidate);
}

function todayIn(timeZone: string, now: Date): string {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

function requireAnchorNotPast(schedule: Schedule, now: Date, notOnOrBefore?: string): void {
  const today = todayIn(schedule.timeZone, now);
  if (schedule.anchor < today) {
    throw new ValidationError({
      "schedule.anchor": {
        code: "anchor_in_past",
        values: { date: { civilDate: schedule.anchor }, earliest: { civilDate: today } },
        message: `The first invoice date ${schedule.anchor} is in the past. Choose ${today} or a later date.`,
      },
    });
  }
  if (notOnOrBefore !== undefined && schedule.anchor <= notOnOrBefore) {
    throw new ValidationError({
      "schedule.anchor": {
        code: "anchor_not_after_planned",
        values: { planned: { civilDate: notOnOrBefore } },
        message: `An invoice was already planned for ${notOnOrBefore}. Start the new schedule after that date.`,
      },
    });
  }
}

export function toDate(instant: Temporal.Instant | string): Date {
  return new Date((typeof instant === "string" ? Temporal.Instant.from(instant) : instant).epochMilliseconds);
}

// ---------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------

export type CreateTemplateOptions = ServiceOptions & {
  /**
   * A key the caller made once per intended template (the order page's
   * action makes one per opening). Creating again with the same key in the
   * same shop returns the template the first call made instead of a second
   * one: a double click, or a retry after a lost answer, creates one template.
   */
  idempotencyKey?: string;
};

const idempotencyKeyInput = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,100}$/, "Send an idempotency key of 16 to 100 letters, digits, '-' or '_' (a UUID works).");

/**
 * The id of the template a create with `idempotencyKey` makes. Deterministic,
 * so two concurrent creates with one key collide on the primary key instead
 * of making two templates; hashed with the shop's id, so one shop's key can
 * never name (or reveal) another shop's template.
 */
export function templateIdForIdempotencyKey(shopId: string, idempotencyKey: string): string {
  return `k${createHash("sha256").update(`${shopId}\n${idempotencyKey}`).digest("hex").slice(0, 32)}`;
}

/** The template an earlier create with this key made, after checking the key is reused for the same order. */
function replayedTemplate(existing: Template, sourceOrderId: string | undefined): Template {
  if (existing.sourceOrderId !== (sourceOrderId ?? null)) {
    throw new ValidationError({
      idempotencyKey: {
        code: "idempotency_key_reused",
        message: "This idempotency key was already used for another recurring invoice. Send a new key to create a new one.",
      },
    });
  }
  return existing;
}

/**
 * Creates an active template from an order snapshot. Its first period is
 * the schedule's anchor (today or later, in the schedule's time zone); the
 * scheduler plans it when due. Policies not given follow the shop's settings;
 * `catchUp` left unset keeps following the shop's default later on.
 * With `options.idempotencyKey`, a repeated call returns the first call's
 * template (see {@link CreateTemplateOptions}).
 * @throws ValidationError
 */
export async function createTemplate(
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  input: unknown,
  options: CreateTemplateOptions = {},
): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  const parsed = parseInput(createInput, input);
  let keyedId: string | undefined;
  if (options.idempotencyKey !== undefined) {
    const key = idempotencyKeyInput.safeParse(options.idempotencyKey);
    if (!key.success) {
      throw new ValidationError({ idempotencyKey: { code: "idempotency_key_invalid", message: key.error.issues[0]?.message ?? "Send a valid idempotency key." } });
    }
    keyedId = templateIdForIdempotencyKey(shop.id, key.data);
  }
  if (keyedId) {
    // Before any other check: a replay answers what the first call did, even
    // if its anchor has become "past" since.
    const existing = await findTemplateForShop(shop.id, keyedId);
    if (existing) return replayedTemplate(existing, parsed.sourceOrderId);
  }
  try {
    currencyExponent(parsed.currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    throw new ValidationError({ currency: { code: "currency_invalid", message: error.message } });
  }

  const settings = readSettings(shop);
  const schedule = scheduleFrom(parsed.schedule, { timeOfDay: settings.timeOfDay, timeZone: shop.timeZone });
  requireAnchorNotPast(schedule, now);
  const content: Content = {
    customer: parsed.customer,
    currency: parsed.currency,
    lines: parsed.lines,
    taxesIncluded: parsed.taxesIncluded,
    shipping: parsed.shipping ?? null,
    memo: parsed.memo ?? null,
    daysUntilDue: parsed.policies?.daysUntilDue ?? settings.daysUntilDue,
    signatureRequested: parsed.policies?.signatureRequested ?? settings.signatureRequested,
  };
  const draft = draftOf(content);
  const first = occurrenceAt(schedule, 0);
  if (!first) throw new ValidationError({ schedule: { code: "schedule_empty", message: "This schedule has no invoice date." } });

  const created = prisma.$transaction(async (tx) => {
    const template = await insertTemplate(tx, {
      ...(keyedId ? { id: keyedId } : {}),
      shopId: shop.id,
      sourceOrderId: parsed.sourceOrderId ?? null,
      ...customerColumns(content.customer),
      currency: content.currency,
      lines: JSON.stringify(content.lines),
      shipping: content.shipping ? JSON.stringify(content.shipping) : null,
      taxesIncluded: content.taxesIncluded,
      memo: content.memo,
      periodTotal: draft.expectedTotal,
      ...scheduleColumns(schedule),
      nextRunAt: toDate(first.runAt),
      activeSince: now,
      catchUpPolicy: parsed.policies?.catchUp ?? null,
      daysUntilDue: content.daysUntilDue,
      signatureRequested: content.signatureRequested,
    });
    await appendRunEvents(tx, [
      templateEvent(template, "template.created", options, now, {
        toState: "active",
        detail: { nextRunAt: first.runAt, periodTotal: draft.expectedTotal, currency: content.currency },
      }),
    ]);
    return template;
  });
  if (!keyedId) return created;
  try {
    return await created;
  } catch (error) {
    // A concurrent call with the same key inserted first (its transaction
    // committed, ours rolled back): answer with its template.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const existing = await findTemplateForShop(shop.id, keyedId);
    if (!existing) throw error;
    return replayedTemplate(existing, parsed.sourceOrderId);
  }
}

// ---------------------------------------------------------------------------
// Edit
// ---------------------------------------------------------------------------

/**
 * Changes a template (active or paused). Only periods not yet issued are
 * affected:
 * - runs not started yet (and failed runs for which no invoice can exist)
 *   take the new lines, customer and policies ("re-planned");
 * - runs already at the provider, and issued ones, keep their snapshot;
 * - changing the recurrence (every, unit or anchor) starts a new schedule
 *   whose first period is the new anchor, which must be today or later and
 *   after the last period already planned; period numbers continue;
 * - changing the time of day, time zone or end keeps the schedule's periods:
 *   planned-but-not-started runs that fall after a new end are dropped
 *   (recorded `skipped`, reason `removed_by_edit`), and the template ends if
 *   no period is left.
 * @throws ValidationError, NotFoundError, TransitionError (ended or cancelled)
 */
export async function editTemplate(
  shop: Pick<Shop, "id">,
  templateId: string,
  input: unknown,
  options: ServiceOptions = {},
): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  const parsed = parseInput(editInput, input);

  return prisma.$transaction(async (tx) => {
    const { template: current } = await lockForTransition(tx, shop.id, templateId, ["active", "paused"], "edit");
    const content: Content = {
      customer: parsed.customer ?? current.customer,
      currency: current.currency,
      lines: parsed.lines ?? current.lines,
      taxesIncluded: parsed.taxesIncluded ?? current.taxesIncluded,
      shipping: parsed.shipping === undefined ? current.shipping : parsed.shipping,
      memo: parsed.memo === undefined ? current.memo : parsed.memo,
      daysUntilDue: parsed.policies?.daysUntilDue ?? current.daysUntilDue,
      signatureRequested: parsed.policies?.signatureRequested ?? current.signatureRequested,
    };
    const planned = plannedContentOf(content);
    const events: NewRunEvent[] = [];
    const data: Prisma.RecurringTemplateUncheckedUpdateInput = {
      ...customerColumns(content.customer),
      lines: JSON.stringify(content.lines),
      shipping: content.shipping ? JSON.stringify(content.shipping) : null,
      taxesIncluded: content.taxesIncluded,
      memo: content.memo,
      periodTotal: planned.expectedTotal,
      daysUntilDue: content.daysUntilDue,
      signatureRequested: content.signatureRequested,
    };
    if (parsed.policies?.catchUp !== undefined) data.catchUpPolicy = parsed.policies.catchUp;

    let replannable = await replannableRunsOfTemplate(tx, current.id, now);
    if (parsed.schedule) {
      const schedule = scheduleFrom(parsed.schedule, current.schedule);
      const startsNewSchedule =
        schedule.every !== current.schedule.every ||
        schedule.unit !== current.schedule.unit ||
        schedule.anchor !== current.schedule.anchor;
      let localNext: number;
      if (startsNewSchedule) {
        const lastPlanned = await latestRunOfTemplate(tx, current.id);
        requireAnchorNotPast(schedule, now, lastPlanned?.periodDate);
        data.periodOffset = current.nextPeriodIndex;
        data.activeSince = now;
        localNext = 0;
      } else {
        localNext = current.nextPeriodIndex - current.periodOffset;
        const removed = replannable.filter(
          (run) => run.periodIndex >= current.periodOffset && occurrenceAt(schedule, run.periodIndex - current.periodOffset) === null,
        );
        await skipRuns(tx, removed.map((run) => run.id), "removed_by_edit");
        events.push(...removed.map((run) => skippedEvent(run, "removed_by_edit", options, now)));
        replannable = replannable.filter((run) => !removed.includes(run));
      }
      Object.assign(data, scheduleColumns(schedule));
      const next = occurrenceAt(schedule, localNext);
      data.nextRunAt = next ? toDate(next.runAt) : null;
      if (!next) {
        data.status = "ended";
        data.statusReason = "end_reached";
      }
    }

    await replanRuns(tx, replannable.map((run) => run.id), planned.snapshot, planned.currency, planned.expectedTotal);
    events.push(
      ...replannable.map((run) => runEvent(run, "run.replanned", options, now, { detail: { expectedTotal: planned.expectedTotal } })),
    );
    const template = await updateTemplate(tx, current.id, data);
    events.unshift(
      templateEvent(template, "template.edited", options, now, {
        fromState: current.status,
        toState: template.status,
        detail: { fields: Object.keys(parsed), periodTotal: planned.expectedTotal },
      }),
    );
    if (template.status === "ended") events.push(templateEvent(template, "template.ended", options, now, { cause: "end_reached" }));
    await appendRunEvents(tx, events);
    return template;
  });
}

// ---------------------------------------------------------------------------
// Pause, resume, skip next, cancel
// ---------------------------------------------------------------------------

/**
 * Pauses an active template: no period is planned until it is resumed, and
 * runs not started yet are recorded `skipped` (reason `paused`): "paused"
 * means nothing more reaches the customer. Runs already at the provider
 * finish, so no half-made invoice is left behind. Pausing a paused template
 * changes nothing.
 * @throws NotFoundError, TransitionError (ended or cancelled)
 */
export async function pauseTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  return prisma.$transaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["active"], "pause", "paused");
    if (unchanged) return current;
    return pauseLocked(tx, current, "merchant", options, now);
  });
}

async function pauseLocked(tx: Tx, current: Template, reason: string, options: ServiceOptions, now: Date): Promise<Template> {
  const skipped = await skipNotStarted(tx, current, "paused", options, now);
  const template = await updateTemplate(tx, current.id, { status: "paused", statusReason: reason });
  await appendRunEvents(tx, [
    templateEvent(template, "template.paused", options, now, { fromState: "active", toState: "paused", cause: reason }),
    ...skipped,
  ]);
  return template;
}

/**
 * Resumes a paused template. Every period that fell due while it was paused
 * is recorded as a `skipped` run (reason `paused`); the next period is the
 * first one after now. Resuming an active template changes nothing.
 * @throws NotFoundError, TransitionError (ended or cancelled)
 */
export async function resumeTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  return prisma.$transaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["paused"], "resume", "active");
    if (unchanged) return current;

    const localFrom = current.nextPeriodIndex - current.periodOffset;
    // Never back: periods skipped ahead of time (skip next) stay skipped.
    const localNext = Math.max(localFrom, firstIndexAfter(current.schedule, now));
    const missed = await insertSkippedPeriods(tx, current, localFrom, localNext, "paused");
    const next = occurrenceAt(current.schedule, localNext);
    const template = await updateTemplate(tx, current.id, {
      status: next ? "active" : "ended",
      statusReason: next ? null : "end_reached",
      nextPeriodIndex: current.periodOffset + localNext,
      nextRunAt: next ? toDate(next.runAt) : null,
      activeSince: now,
    });
    await appendRunEvents(tx, [
      templateEvent(template, "template.resumed", options, now, {
        fromState: "paused",
        toState: template.status,
        detail: { skippedPeriods: missed.length, nextRunAt: next?.runAt ?? null },
      }),
      ...missed.map((run) => skippedEvent(run, "paused", options, now)),
      ...(next ? [] : [templateEvent(template, "template.ended", options, now, { cause: "end_reached" })]),
    ]);
    return template;
  });
}

/**
 * Skips the next upcoming period of an active template (the one at
 * `nextRunAt`): it is recorded as a `skipped` run (reason `merchant_skip`)
 * and the template moves on to the period after it, or ends.
 * @throws NotFoundError, TransitionError (paused, ended or cancelled)
 */
export async function skipNextPeriod(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  return prisma.$transaction(async (tx) => {
    const { template: current } = await lockForTransition(tx, shop.id, templateId, ["active"], "skip a period of");
    const local = current.nextPeriodIndex - current.periodOffset;
    const [skipped] = await insertSkippedPeriods(tx, current, local, local + 1, "merchant_skip");
    const next = occurrenceAt(current.schedule, local + 1);
    const template = await updateTemplate(tx, current.id, {
      nextPeriodIndex: current.nextPeriodIndex + 1,
      nextRunAt: next ? toDate(next.runAt) : null,
      ...(next ? {} : { status: "ended", statusReason: "end_reached" }),
    });
    await appendRunEvents(tx, [
      ...(skipped ? [skippedEvent(skipped, "merchant_skip", options, now)] : []),
      ...(next ? [] : [templateEvent(template, "template.ended", options, now, { fromState: "active", toState: "ended", cause: "end_reached" })]),
    ]);
    return template;
  });
}

/**
 * Cancels a template for good (active or paused): nothing more is planned,
 * runs not started yet are recorded `skipped` (reason `cancelled`); runs
 * already at the provider finish. Cancelling a cancelled template changes nothing.
 * @throws NotFoundError, TransitionError (ended)
 */
export async function cancelTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = toDate((options.clock ?? appClock).now());
  return prisma.$transaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["active", "paused"], "cancel", "cancelled");
    if (unchanged) return current;
    return cancelLocked(tx, current, "merchant", options, now);
  });
}

async function cancelLocked(tx: Tx, current: Template, reason: string, options: ServiceOptions, now: Date): Promise<Template> {
  const skipped = await skipNotStarted(tx, current, reason === "customer_redacted" ? "customer_redacted" : "cancelled", options, now);
  const template = await updateTemplate(tx, current.id, { status: "cancelled", statusReason: reason, nextRunAt: null });
  await appendRunEvents(tx, [
    templateEvent(template, "template.cancelled", options, now, { fromState: current.status, toState: "cancelled", cause: reason }),
    ...skipped,
  ]);
  return template;
}

/**
 * Sends a failed run through the pipeline again, from the step where it
 * failed, with a fresh budget of attempts. If the template was edited since,
 * a run that failed before any invoice could exist already carries the new
 * content (see editTemplate).
 * @throws NotFoundError, TransitionError (the run is not failed)
 */
/**
 * Where a retry starts over, for failures that discarded what the provider
 * held for the run: the pipeline deleted the draft because Stripe's total
 * was wrong (`total_mismatch`), or the customer was deleted in Stripe
 * (`customer_missing`; the gateway already forgot its mapping). Any other
 * failure retries the step that failed, where the gateway re-reads the
 * invoice before acting.
 */
const RESTART_AFTER: Partial<Record<string, { step: PipelineStep; forget: Prisma.InvoiceRunUncheckedUpdateInput }>> = {
  total_mismatch: { step: "draft", forget: { invoiceId: null, invoicedTotal: null, invoiceNumber: null, hostedInvoiceUrl: null, invoicePdfUrl: null } },
  customer_missing: { step: "customer", forget: { customerId: null, invoiceId: null, invoicedTotal: null } },
};

export async function retryRun(shop: Pick<Shop, "id">, runId: string, options: ServiceOptions = {}): Promise<Run> {
  const now = toDate((options.clock ?? appClock).now());
  return prisma.$transaction(async (tx) => {
    if (!(await lockRunForShop(tx, shop.id, runId, ["failed"]))) {
      const run = await findRunForShop(shop.id, runId, tx);
      if (!run) throw new NotFoundError("run", runId);
      throw new TransitionError("run_not_failed", `Only a failed invoice can be retried; this one is ${run.state}.`);
    }
    const failed = await findRunForShop(shop.id, runId, tx);
    const restart = failed?.lastErrorCode ? RESTART_AFTER[failed.lastErrorCode] : undefined;
    const run = await updateRun(tx, runId, {
      state: "issuing",
      attempt: 0,
      nextAttemptAt: now,
      lastErrorCode: null,
      lastErrorMessage: null,
      // New idempotency keys: the same ones would replay the discarded objects.
      ...(restart ? { ...restart.forget, step: restart.step, keyGeneration: { increment: 1 } } : {}),
    });
    const detail = restart ? { restartAt: restart.step, after: failed?.lastErrorCode } : undefined;
    await appendRunEvents(tx, [runEvent(run, "run.retried", options, now, { fromState: "failed", toState: "issuing", ...(detail ? { detail } : {}) })]);
    return run;
  });
}

// ---------------------------------------------------------------------------
// Shopify lifecycle: app/uninstalled, customers/redact
// ---------------------------------------------------------------------------

/**
 * app/uninstalled: pauses every active template of the shop with the reason
 * `shop_uninstalled` (the merchant can resume them after reinstalling), inside
 * the webhook's transaction. Idempotent: already paused templates are left alone.
 */
export async function pauseTemplatesOfUninstalledShop(tx: Tx, shopDomain: string, now: Date): Promise<number> {
  const shop = await findShopByDomain(shopDomain, tx);
  if (!shop) return 0;
  const options: ServiceOptions = { actor: "shopify" };
  let paused = 0;
  for (const templateId of await templateIdsOfShop(tx, shop.id, ["active"])) {
    if (!(await lockTemplateForShop(tx, shop.id, templateId, ["active"]))) continue;
    const current = await findTemplateForShop(shop.id, templateId, tx);
    if (!current) continue;
    await pauseLocked(tx, current, "shop_uninstalled", options, now);
    paused += 1;
  }
  return paused;
}

/** What customers/data_request reports from templates and their runs. */
export async function collectTemplateCustomerData(tx: Tx, shopId: string, subject: CustomerMatch): Promise<unknown[]> {
  const templates = await findTemplatesOfCustomer(tx, shopId, subject);
  const runs = await runsOfTemplates(tx, shopId, templates.map((template) => template.id));
  return templates.map((template) => ({
    templateId: template.id,
    status: template.status,
    createdAt: template.createdAt.toISOString(),
    customer: template.customer,
    invoices: runs
      .filter((run) => run.templateId === template.id && run.invoiceId !== null)
      .map((run) => ({ periodDate: run.periodDate, invoiceNumber: run.invoiceNumber, hostedInvoiceUrl: run.hostedInvoiceUrl })),
  }));
}

/**
 * customers/redact: erases the customer's personal data from their templates
 * and those templates' runs (name and e-mail become "[redacted]", the address
 * and Shopify id are removed; amounts, dates and invoice ids stay, as
 * accounting records). A template that could still issue is cancelled (reason
 * `customer_redacted`): invoicing someone whose name and address we no longer
 * hold cannot work, and a customer who asked to be forgotten must not keep
 * receiving invoices. Runs not started are skipped; runs already at the
 * provider finish (the provider holds its own copy of the customer).
 * Idempotent. Returns the number of templates erased.
 */
export async function eraseTemplateCustomerData(tx: Tx, shopId: string, subject: CustomerMatch, now: Date): Promise<number> {
  const options: ServiceOptions = { actor: "shopify" };
  const templates = await findTemplatesOfCustomer(tx, shopId, subject);
  for (const found of templates) {
    await lockTemplateForShop(tx, shopId, found.id);
    let template = (await findTemplateForShop(shopId, found.id, tx)) ?? found;
    if (template.status === "active" || template.status === "paused") {
      template = await cancelLocked(tx, template, "customer_redacted", options, now);
    }
    const erased = redactedCustomer(template.customer);
    await updateTemplate(tx, template.id, { ...customerColumns(erased), shopifyCustomerId: null, customerEmail: null });
    for (const run of await runsOfTemplates(tx, shopId, [template.id])) {
      await replaceRunSnapshot(tx, run.id, { ...run.snapshot, customer: redactedCustomer(run.snapshot.customer) });
    }
    await appendRunEvents(tx, [templateEvent(template, "template.customer_redacted", options, now, { cause: "customers/redact" })]);
  }
  return templates.length;
}

function redactedCustomer(customer: CustomerSnapshot): CustomerSnapshot {
  const erased: CustomerSnapshot = { name: REDACTED, email: REDACTED };
  if (customer.locale) erased.locale = customer.locale;
  return erased;
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

/**
 * Locks the shop's template if its status is one of `from` and returns it.
 * If it already is in `target`, returns it with `unchanged` (nothing written:
 * repeating an action is a no-op).
 * @throws NotFoundError, TransitionError
 */
async function lockForTransition(
  tx: Tx,
  shopId: string,
  templateId: string,
  from: readonly TemplateStatus[],
  action: string,
  target?: TemplateStatus,
): Promise<{ template: Template; unchanged: boolean }> {
  const locked = await lockTemplateForShop(tx, shopId, templateId, from);
  const template = await findTemplateForShop(shopId, templateId, tx);
  if (!template) throw new NotFoundError("template", templateId);
  if (locked) return { template, unchanged: false };
  if (template.status === target) return { template, unchanged: true };
  throw new TransitionError(
    template.status === "paused" ? "template_paused" : "template_closed",
    `You cannot ${action} a recurring invoice that is ${template.status}.`,
  );
}

/**
 * Index (in the schedule) of the first period due strictly after `now`; one
 * past the last period when the schedule ended before `now`.
 */
export function firstIndexAfter(schedule: Schedule, now: Date): number {
  const atOrAfter = occurrenceAtOrAfter(schedule, now.toISOString());
  if (!atOrAfter) return (finalOccurrence(schedule)?.index ?? -1) + 1;
  return toDate(atOrAfter.runAt).getTime() <= now.getTime() ? atOrAfter.index + 1 : atOrAfter.index;
}

const SKIP_CHUNK = 500;

/**
 * Records the schedule's periods [fromLocal, toLocal) (capped by the end of
 * the schedule) as skipped runs; periods that already have a run keep it.
 */
async function insertSkippedPeriods(tx: Tx, template: Template, fromLocal: number, toLocal: number, reason: SkipReason): Promise<Run[]> {
  const inserted: Run[] = [];
  const { snapshot, currency, expectedTotal } = plannedContentOf(template);
  for (let from = fromLocal; from < toLocal; from += SKIP_CHUNK) {
    const chunk = occurrences(template.schedule, { fromIndex: from, count: Math.min(SKIP_CHUNK, toLocal - from) });
    if (chunk.length === 0) break;
    const taken = await takenPeriodIndexes(
      tx,
      template.id,
      template.periodOffset + chunk[0]!.index,
      template.periodOffset + chunk.at(-1)!.index,
    );
    const rows: NewRun[] = chunk
      .filter((occurrence) => !taken.has(template.periodOffset + occurrence.index))
      .map((occurrence) => ({
        shopId: template.shopId,
        templateId: template.id,
        periodIndex: template.periodOffset + occurrence.index,
        periodDate: occurrence.date,
        scheduledAt: toDate(occurrence.runAt),
        state: "skipped",
        skipReason: reason,
        nextAttemptAt: null,
        currency,
        expectedTotal,
        snapshot,
      }));
    inserted.push(...(await insertRuns(tx, rows)));
  }
  return inserted;
}

async function skipNotStarted(tx: Tx, template: Template, reason: SkipReason, options: ServiceOptions, now: Date): Promise<NewRunEvent[]> {
  const runs = await notStartedRunsOfTemplate(tx, template.id, now);
  await skipRuns(tx, runs.map((run) => run.id), reason);
  return runs.map((run) => skippedEvent(run, reason, options, now));
}

type EventExtras = Pick<NewRunEvent, "fromState" | "toState" | "cause" | "detail">;

function templateEvent(
  template: Pick<Template, "id" | "shopId">,
  type: NewRunEvent["type"],
  options: ServiceOptions,
  at: Date,
  extras: EventExtras = {},
): NewRunEvent {
  return { shopId: template.shopId, templateId: template.id, type, actor: options.actor ?? "merchant", at, ...extras };
}

function runEvent(run: Pick<Run, "id" | "shopId" | "templateId">, type: NewRunEvent["type"], options: ServiceOptions, at: Date, extras: EventExtras = {}): NewRunEvent {
  return { shopId: run.shopId, templateId: run.templateId, runId: run.id, type, actor: options.actor ?? "merchant", at, ...extras };
}

function skippedEvent(run: Pick<Run, "id" | "shopId" | "templateId" | "state" | "periodIndex" | "periodDate">, reason: SkipReason, options: ServiceOptions, at: Date): NewRunEvent {
  return runEvent(run, "run.skipped", options, at, {
    fromState: run.state === "skipped" ? null : run.state,
    toState: "skipped",
    cause: reason,
    detail: { periodIndex: run.periodIndex, periodDate: run.periodDate },
  });
}
