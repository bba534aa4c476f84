/**
 * Exact money: integer amounts in a currency's minor unit (cents for EUR,
 * yen for JPY, fils for KWD). See ARCHITECTURE.md, invariant 4.
 *
 * - An amount is a `number` that is a safe integer (|n| <= 2^53 - 1); every
 *   function refuses anything else and refuses results beyond that range,
 *   instead of silently losing precision.
 * - Decimal strings (Shopify's `MoneyV2.amount`, rates) are parsed digit by
 *   digit, never with `parseFloat`; arithmetic that divides runs on BigInt.
 * - The exponent of a currency is its ISO 4217 minor unit. Stripe disagrees
 *   for a few currencies; {@link toStripeAmount} and {@link fromStripeAmount}
 *   are the only crossing points.
 */
import { MoneyError } from "./errors";

export { MoneyError } from "./errors";
export type { MoneyErrorCode } from "./errors";

/** An integer amount in the minor unit of some currency. */
export type MinorUnits = number;

/**
 * How a result that falls between two minor units is rounded.
 * - "half-up": to the nearest unit, halves away from zero (2.5 → 3, -2.5 → -3).
 *   The default: what tax authorities and Stripe Tax apply per amount.
 * - "half-even": to the nearest unit, halves to the even neighbour (2.5 → 2,
 *   3.5 → 4); "banker's rounding", unbiased over many amounts.
 */
export type Rounding = "half-up" | "half-even";

// ---------------------------------------------------------------------------
// Currencies
// ---------------------------------------------------------------------------

/** ISO 4217 currencies whose minor unit is not 2 (current list, funds codes included). */
const ISO_EXPONENT_EXCEPTIONS: Readonly<Record<string, number>> = {
  // 0 decimals
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // 3 decimals
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // 4 decimals
  CLF: 4, UYW: 4,
};

/** ISO 4217 codes with no minor unit at all ("N.A."): units of account, metals, test codes. */
const WITHOUT_MINOR_UNIT: ReadonlySet<string> = new Set([
  "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
]);

/**
 * Stripe's zero-decimal currencies: the API amount is in whole units.
 * Note MGA, which ISO gives 2 decimals: 1 MGA is ISO minor 100 but Stripe amount 1.
 */
export const STRIPE_ZERO_DECIMAL: ReadonlySet<string> = new Set([
  "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
]);

/**
 * Stripe's three-decimal currencies. Stripe's payment partners need the last
 * digit to be 0, so a charged amount moves in steps of 10 (5.124 KWD cannot
 * be charged; 5.120 can).
 */
export const STRIPE_THREE_DECIMAL: ReadonlySet<string> = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/**
 * Currencies Stripe keeps at two API decimals for backward compatibility but
 * only charges in whole units: the API amount must be a multiple of 100.
 * ISK (ISO exponent 0) is the only one for charges; HUF and TWD have that rule
 * for payouts only, and UGX is zero-decimal for charges (payouts are out of
 * scope here).
 */
const STRIPE_WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(["ISK"]);

const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;
let recognisedCurrencies: ReadonlySet<string> | undefined;

/**
 * ISO 4217 minor-unit exponent of `currency`: 0 (JPY), 2 (EUR), 3 (KWD), 4 (CLF).
 *
 * A code is recognised when it is three capital letters that the runtime's
 * ICU knows (`Intl.supportedValuesOf("currency")`).
 *
 * @throws MoneyError "unknown_currency" for anything else (lower case included:
 *   Stripe's "eur" must be upper-cased by the caller), "currency_without_minor_unit"
 *   for codes such as XDR that cannot carry an amount.
 */
export function currencyExponent(currency: string): number {
  if (typeof currency !== "string" || !CURRENCY_CODE_PATTERN.test(currency)) {
    throw new MoneyError(
      "unknown_currency",
      `Unknown currency code ${JSON.stringify(currency)}. Use a three-letter ISO 4217 code in capitals, such as "EUR".`,
      currency,
    );
  }
  recognisedCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  if (!recognisedCurrencies.has(currency) && ISO_EXPONENT_EXCEPTIONS[currency] === undefined) {
    throw new MoneyError(
      "unknown_currency",
      `Unknown currency code "${currency}". Use an ISO 4217 code such as "EUR", "USD" or "JPY".`,
      currency,
    );
  }
  if (WITHOUT_MINOR_UNIT.has(currency)) {
    throw new MoneyError(
      "currency_without_minor_unit",
      `Currency "${currency}" is a unit of account with no minor unit; amounts cannot be invoiced in it.`,
      currency,
    );
  }
  return ISO_EXPONENT_EXCEPTIONS[currency] ?? 2;
}

/**
 * Number of decimals of Stripe API amounts in `currency`: 0 for
 * {@link STRIPE_ZERO_DECIMAL}, 3 for {@link STRIPE_THREE_DECIMAL}, 2 for every
 * other currency (ISK included, see {@link toStripeAmount}).
 * @throws MoneyError for an unknown currency.
 */
export function stripeExponent(currency: string): number {
  currencyExponent(currency);
  if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
  if (STRIPE_THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * Smallest positive amount, in ISO minor units, that Stripe can charge in
 * `currency`; every chargeable amount is a multiple of it.
 * 1 for most currencies (EUR, JPY, ISK); 10 for KWD and the other Stripe
 * three-decimal currencies; 100 for MGA (ISO 2 decimals, Stripe 0); 10 for
 * IQD and LYD (ISO 3 decimals, Stripe 2).
 */
export function stripeChargeStep(currency: string): number {
  const iso = currencyExponent(currency);
  const stripe = stripeExponent(currency);
  const stripeStep = STRIPE_THREE_DECIMAL.has(currency) ? 10 : STRIPE_WHOLE_UNITS_ONLY.has(currency) ? 100 : 1;
  if (stripe >= iso) {
    const scale = 10 ** (stripe - iso);
    return stripeStep / gcd(stripeStep, scale);
  }
  return 10 ** (iso - stripe) * stripeStep;
}

/**
 * Converts ISO minor units to the `amount` Stripe's API expects.
 * Same number for most currencies; × 100 for ISK (Stripe keeps two API
 * decimals: 5 ISK is 500); ÷ 100 for MGA (Stripe is zero-decimal).
 *
 * Strict: refuses an amount Stripe would reject when charged, instead of
 * rounding silently (5.125 KWD is not a multiple of 0.010). Round first with
 * {@link roundToStripeStep} where rounding is the intended behaviour.
 *
 * @throws MoneyError "not_representable_in_stripe", "unsafe_amount", "unknown_currency".
 */
export function toStripeAmount(minor: MinorUnits, currency: string): number {
  checkMinor(minor, "amount");
  const iso = currencyExponent(currency);
  const stripe = stripeExponent(currency);
  const step = stripeChargeStep(currency);
  if (minor % step !== 0) {
    throw new MoneyError(
      "not_representable_in_stripe",
      `${currency} ${formatMinor(minor, currency)} cannot be charged through Stripe, which only accepts ${currency} amounts in steps of ${formatMinor(step, currency)}. Round the amount first.`,
      minor,
    );
  }
  return stripe >= iso ? checkedResult(BigInt(minor) * 10n ** BigInt(stripe - iso)) : minor / 10 ** (iso - stripe);
}

/**
 * Converts a Stripe API `amount` (e.g. from a webhook) back to ISO minor units.
 * @throws MoneyError "not_representable_in_stripe" when the amount has a
 *   fraction the ISO unit cannot hold (ISK 550 is 5.5 ISK).
 */
export function fromStripeAmount(stripeAmount: number, currency: string): MinorUnits {
  checkMinor(stripeAmount, "Stripe amount");
  const iso = currencyExponent(currency);
  const stripe = stripeExponent(currency);
  if (stripe >= iso) {
    const scale = 10 ** (stripe - iso);
    if (stripeAmount % scale !== 0) {
      throw new MoneyError(
        "not_representable_in_stripe",
        `Stripe amount ${stripeAmount} in ${currency} is not a whole number of ${currency} minor units (it must be a multiple of ${scale}).`,
        stripeAmount,
      );
    }
    return stripeAmount / scale;
  }
  return checkedResult(BigInt(stripeAmount) * 10n ** BigInt(iso - stripe));
}

/** Rounds `minor` to the nearest amount Stripe can charge in `currency` (see {@link stripeChargeStep}). */
export function roundToStripeStep(minor: MinorUnits, currency: string, rounding: Rounding = "half-up"): MinorUnits {
  checkMinor(minor, "amount");
  const step = BigInt(stripeChargeStep(currency));
  return checkedResult(divideRounded(BigInt(minor), step, rounding) * step);
}

// ---------------------------------------------------------------------------
// Decimal strings
// ---------------------------------------------------------------------------

const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string ("19.99", "1000", "0.5", "-3.10", "12.345")
 * into minor units of `currency`, exactly.
 *
 * Accepted: optional "-", digits, optionally "." and digits. Extra fraction
 * digits are accepted only when they are zeros ("19.990" EUR, "500.0" JPY).
 * Refused: exponents ("1e3"), commas ("1,5"), "+", spaces, ".5", "5.", "".
 *
 * @throws MoneyError "invalid_decimal", "too_many_fraction_digits" (naming the
 *   input), "unsafe_amount" beyond Number.MAX_SAFE_INTEGER minor units, or
 *   "unknown_currency".
 */
export function parseDecimal(input: string, currency: string): MinorUnits {
  const exponent = currencyExponent(currency);
  const match = typeof input === "string" ? DECIMAL_PATTERN.exec(input) : null;
  if (!match) {
    throw new MoneyError(
      "invalid_decimal",
      `${JSON.stringify(input) ?? String(input)} is not a decimal amount. Write it like "19.99" or "-3.10": digits, an optional "." and no thousands separator.`,
      input,
    );
  }
  const [, sign = "", whole = "", fraction = ""] = match;
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new MoneyError(
      "too_many_fraction_digits",
      `"${input}" has more decimals than ${currency} allows (${exponent}).`,
      input,
    );
  }
  const digits = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, "0"));
  return checkedResult(sign === "-" ? -digits : digits, input);
}

/**
 * Minor units back to a plain decimal string with exactly the currency's
 * number of decimals: 1999 EUR → "19.99", -310 EUR → "-3.10", 1000 JPY → "1000",
 * 12345 KWD → "12.345". The inverse of {@link parseDecimal}.
 */
export function formatMinor(minor: MinorUnits, currency: string): string {
  checkMinor(minor, "amount");
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, "0");
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

// Building an Intl.NumberFormat costs far more than using one; the cache is
// bounded because locales may come from request headers.
const formatters = new Map<string, Intl.NumberFormat>();
const MAX_CACHED_FORMATTERS = 200;

/**
 * Localised display of an amount, always with the currency's ISO number of
 * decimals: formatMoney(1999, "EUR", "fr-FR") → "19,99 €" (with a no-break
 * space), formatMoney(1999, "EUR", "en-US") → "€19.99". Exact: the decimal
 * string is handed to Intl, no float is involved.
 * @throws MoneyError "invalid_locale" for a malformed locale tag.
 */
export function formatMoney(minor: MinorUnits, currency: string, locale: string): string {
  const decimal = formatMinor(minor, currency);
  const exponent = currencyExponent(currency);
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        minimumFractionDigits: exponent,
        maximumFractionDigits: exponent,
      });
    } catch {
      throw new MoneyError("invalid_locale", `Locale ${JSON.stringify(locale)} is not a valid BCP 47 language tag, such as "fr-FR".`, locale);
    }
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter.format(decimal as Intl.StringNumericLiteral);
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

/** Exact sum; 0 for an empty list. @throws MoneyError "unsafe_amount" on overflow. */
export function sum(amounts: readonly MinorUnits[]): MinorUnits {
  let total = 0n;
  for (const amount of amounts) {
    checkMinor(amount, "amount");
    total += BigInt(amount);
  }
  return checkedResult(total);
}

/**
 * Line total: `unitMinor × quantity`, exact.
 * @throws MoneyError "invalid_quantity" unless quantity is a safe integer; "unsafe_amount" on overflow.
 */
export function multiply(unitMinor: MinorUnits, quantity: number): MinorUnits {
  checkMinor(unitMinor, "unit amount");
  if (!Number.isSafeInteger(quantity)) {
    throw new MoneyError("invalid_quantity", `Quantity ${String(quantity)} must be a whole number.`, quantity);
  }
  return checkedResult(BigInt(unitMinor) * BigInt(quantity));
}

const RATE_PATTERN = /^(\d+)(?:\.(\d+))?$/;

/**
 * `ratePercent` % of `minor`, rounded once to a whole minor unit:
 * percentOf(1999, "20") → 400 (399.8), percentOf(1000, "8.875") → 89 (88.75).
 *
 * The rate is a non-negative decimal string (e.g. Shopify's "8.875") and is
 * applied with BigInt arithmetic, so no precision is lost before rounding.
 * Default rounding is "half-up" (halves away from zero); see {@link Rounding}.
 *
 * @throws MoneyError "invalid_rate" for anything but digits with an optional "." part.
 */
export function percentOf(minor: MinorUnits, ratePercent: string, rounding: Rounding = "half-up"): MinorUnits {
  checkMinor(minor, "amount");
  const match = typeof ratePercent === "string" ? RATE_PATTERN.exec(ratePercent) : null;
  if (!match) {
    throw new MoneyError(
      "invalid_rate",
      `Rate ${JSON.stringify(ratePercent) ?? String(ratePercent)} is not a percentage. Write it like "20" or "8.875" (no "%" sign, no comma).`,
      ratePercent,
    );
  }
  const [, whole = "", fraction = ""] = match;
  const numerator = BigInt(minor) * BigInt(whole + fraction);
  const denominator = 100n * 10n ** BigInt(fraction.length);
  return checkedResult(divideRounded(numerator, denominator, rounding));
}

/**
 * Splits `totalMinor` into parts proportional to `ratios`, exactly: the parts
 * always add up to the total. Each part is first rounded toward zero; the
 * units left over go one each to the parts with the largest remainders (ties:
 * the earlier part). A negative total is split like its absolute value, then
 * negated.
 *
 * allocate(100, [1, 1, 1]) → [34, 33, 33]; allocate(1000, [1999, 1]) → [1000, 0].
 *
 * @throws MoneyError "invalid_ratios" unless ratios are non-negative safe
 *   integers (e.g. line amounts) with a positive sum.
 */
export function allocate(totalMinor: MinorUnits, ratios: readonly number[]): MinorUnits[] {
  checkMinor(totalMinor, "amount");
  if (ratios.length === 0 || ratios.some((ratio) => !Number.isSafeInteger(ratio) || ratio < 0)) {
    throw new MoneyError("invalid_ratios", "Ratios must be a non-empty list of whole numbers >= 0.", ratios);
  }
  const ratioSum = ratios.reduce((acc, ratio) => acc + BigInt(ratio), 0n);
  if (ratioSum === 0n) {
    throw new MoneyError("invalid_ratios", "At least one ratio must be greater than 0.", ratios);
  }
  const magnitude = BigInt(Math.abs(totalMinor));
  const parts = ratios.map((ratio, index) => {
    const scaled = magnitude * BigInt(ratio);
    return { index, share: scaled / ratioSum, remainder: scaled % ratioSum };
  });
  let leftover = magnitude - parts.reduce((acc, part) => acc + part.share, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (leftover === 0n) break;
    part.share += 1n;
    leftover -= 1n;
  }
  return parts.map(({ share }) => {
    const value = Number(share);
    return totalMinor < 0 && value !== 0 ? -value : value;
  });
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function checkMinor(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyError(
      "invalid_amount",
      `The ${name} ${String(value)} is not a whole number of minor units within ±${Number.MAX_SAFE_INTEGER}.`,
      value,
    );
  }
}

function checkedResult(value: bigint, input?: unknown): number {
  if (value > MAX || value < -MAX) {
    throw new MoneyError(
      "unsafe_amount",
      `The amount ${value.toString()} minor units is too large to be handled exactly (limit ±${Number.MAX_SAFE_INTEGER}).`,
      input ?? value,
    );
  }
  // `Number(-0n)` is 0, so no negative zero leaks out.
  return Number(value);
}

/** numerator / denominator (denominator > 0) rounded to an integer. */
function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // has the sign of the numerator
  if (remainder === 0n) return quotient;
  const awayFromZero = quotient + (numerator < 0n ? -1n : 1n);
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  if (twiceRemainder > denominator) return awayFromZero;
  if (twiceRemainder < denominator) return quotient;
  if (rounding === "half-up") return awayFromZero;
  return quotient % 2n === 0n ? quotient : awayFromZero;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
