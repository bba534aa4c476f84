/**
 * Typed errors of the pure domain layer.
 *
 * Every domain error carries a stable machine-readable `code` so the UI can
 * translate it (the UI does i18n; the English `message` is for logs, API
 * answers and developers), plus enough context to point at the bad input.
 */
import type { FieldProblem } from "./template-input";

/** Base class: lets callers tell "the input is wrong" from a bug with one `instanceof`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export type ScheduleErrorCode =
  | "invalid_schedule"
  | "invalid_every"
  | "unknown_unit"
  | "unknown_time_zone"
  | "invalid_date_format"
  | "invalid_date"
  | "date_out_of_range"
  | "invalid_time_of_day"
  | "invalid_end"
  | "invalid_after_count"
  | "until_before_anchor";

/**
 * A schedule a merchant (or a caller) supplied cannot be used.
 *
 * `field` is the dotted path of the offending field in {@link Schedule}
 * ("every", "unit", "anchor", "timeOfDay", "timeZone", "end", "end.afterCount",
 * "end.until"), so a form can put the message next to the right input.
 */
export class ScheduleError extends DomainError {
  override readonly name = "ScheduleError";

  constructor(
    readonly field: string,
    readonly code: ScheduleErrorCode,
    message: string,
    /** The rejected value, as received. */
    readonly value?: unknown,
  ) {
    super(message);
  }
}

export type MoneyErrorCode =
  | "unknown_currency"
  | "currency_without_minor_unit"
  | "invalid_decimal"
  | "too_many_fraction_digits"
  | "unsafe_amount"
  | "invalid_amount"
  | "invalid_rate"
  | "invalid_quantity"
  | "invalid_ratios"
  | "not_representable_in_stripe"
  | "invalid_locale";

/** An amount, currency code, rate or decimal string cannot be handled exactly. */
export class MoneyError extends DomainError {
  override readonly name = "MoneyError";

  constructor(
    readonly code: MoneyErrorCode,
    message: string,
    /** The rejected input, as received. */
    readonly input?: unknown,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// The app's use cases (app/services/*): refusals the routes turn into answers
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
  override readonly name = "ValidationError";
  readonly fieldErrors: Record<string, string>;
  readonly problems: Record<string, FieldProblem>;

  constructor(refusals: Record<string, FieldRefusal>) {
    const entries = Object.entries(refusals);
    super(`Invalid input: ${entries.map(([field, { message }]) => `${field}: ${message}`).join("; ")}`);
    this.fieldErrors = Object.fromEntries(entries.map(([field, { message }]) => [field, message]));
    this.problems = Object.fromEntries(entries.map(([field, { code, values }]) => [field, values ? { code, values } : { code }]));
  }
}

/** No such template or run in this shop (unknown id, or another shop's): answered as 404, never as a hint it exists elsewhere. */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";

  constructor(
    readonly entity: "template" | "run",
    readonly id: string,
  ) {
    super(`No ${entity} ${id} in this shop.`);
  }
}

export type TransitionErrorCode = "template_closed" | "template_paused" | "run_not_failed";

/** The action does not apply in the current state (e.g. resuming a cancelled template). */
export class TransitionError extends Error {
  override readonly name = "TransitionError";

  constructor(
    readonly code: TransitionErrorCode,
    /** What was attempted ("resume", "retry") and the state that refused it ("cancelled", "sent"). */
    attempt: { action: string; state: string },
  ) {
    super(
      code === "run_not_failed"
        ? `Only a failed invoice can be retried; this one is ${attempt.state}.`
        : `You cannot ${attempt.action} a recurring invoice that is ${attempt.state}.`,
    );
  }
}
