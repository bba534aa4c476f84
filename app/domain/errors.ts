/**
 * Typed errors of the pure domain layer.
 *
 * Every domain error carries a stable machine-readable `code` so the UI can
 * translate it (the UI does i18n; the English `message` is for logs, API
 * answers and developers), plus enough context to point at the bad input.
 */

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
