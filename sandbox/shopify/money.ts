// Exact money for the Shopify stand-in: integer minor units, never floats.
//
// Shopify serialises `Decimal` amounts the way Ruby's BigDecimal prints them:
// trailing zeros dropped, but always at least one decimal digit. So 20.00 EUR
// is "20.0", 2.90 is "2.9", 19.99 is "19.99" and 1500 JPY is "1500.0"
// (observed on live orderCreate responses, API 2025-01). The stand-in keeps
// that realism so the app's decimal parser is exercised on the real shapes.

/** ISO 4217 exponents for the currencies the seed and the app use. */
const EXPONENTS: Record<string, number> = {
  BHD: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** Integer amount in a currency's minor unit. */
export interface Minor {
  readonly minor: number;
  readonly currency: string;
}

/** Shopify-style decimal string for an amount in minor units ("20.0", "19.99", "1500.0"). */
export function formatShopifyDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an integer amount: ${minor}`);
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, digits.length - exponent);
  let fraction = exponent === 0 ? "" : digits.slice(digits.length - exponent);
  fraction = fraction.replace(/0+$/, "");
  if (fraction === "") fraction = "0";
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/**
 * Parses a Decimal string ("19.99", "20", "1500.0", "-3.5") into minor units.
 * Returns null when the string is not a decimal or has more precision than the
 * currency allows (Shopify rejects such amounts).
 */
export function parseDecimalToMinor(value: string, currency: string): number | null {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const exponent = currencyExponent(currency);
  const whole = match[2] ?? "0";
  let fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) return null;
  fraction = fraction.padEnd(exponent, "0");
  const minor = Number(whole + fraction);
  if (!Number.isSafeInteger(minor)) return null;
  return match[1] ? -minor : minor;
}

/** a / b rounded half away from zero, for integers (b > 0). */
export function roundDiv(a: number, b: number): number {
  if (b <= 0) throw new Error("roundDiv needs a positive divisor");
  const q = Math.floor(Math.abs(a) / b);
  const r = Math.abs(a) - q * b;
  const rounded = 2 * r >= b ? q + 1 : q;
  return a < 0 ? -rounded : rounded;
}

/** An exact rational rate, e.g. 20 % VAT = {num: 20, den: 100}, 8.875 % = {num: 8875, den: 100000}. */
export interface Rate {
  readonly num: number;
  readonly den: number;
}

/** Tax on a tax-exclusive amount: round(amount × rate). */
export function taxExclusive(amount: number, rate: Rate): number {
  return roundDiv(amount * rate.num, rate.den);
}

/** Tax contained in a tax-inclusive amount: round(amount × rate / (1 + rate)). */
export function taxInclusive(amount: number, rate: Rate): number {
  return roundDiv(amount * rate.num, rate.den + rate.num);
}

/**
 * Converts an amount between currencies with an exact rational rate expressed
 * as "1 unit of `from` = num/den units of `to`" (major units).
 */
export function convertMinor(minor: number, from: string, to: string, rate: Rate): number {
  const scaleFrom = 10 ** currencyExponent(from);
  const scaleTo = 10 ** currencyExponent(to);
  return roundDiv(minor * rate.num * scaleTo, rate.den * scaleFrom);
}
