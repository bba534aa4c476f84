// Exact arithmetic for invoice math: amounts are integer minor units, rates
// and unit prices are decimal strings; every division is done on BigInt
// rationals and rounded once, half away from zero, like Stripe.

export interface Ratio {
  num: bigint;
  den: bigint;
}

/** "8.875" → 8875/1000. */
export function parseDecimal(s: string): Ratio {
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  const [int = "0", frac = ""] = body.split(".");
  const den = 10n ** BigInt(frac.length);
  const num = BigInt(int + frac) * (neg ? -1n : 1n);
  return { num, den };
}

/** Round num/den to the nearest integer, ties away from zero. */
export function roundHalfUp(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (num < 0n) return -roundHalfUp(-num, den);
  return (2n * num + den) / (2n * den);
}

export function toNumber(n: bigint): number {
  return Number(n);
}

/** Decimal string without trailing zeros, for `*_decimal` fields ("1000", "10.5"). */
export function normalizeDecimal(s: string): string {
  if (!s.includes(".")) return String(BigInt(s));
  const [int = "0", rawFrac = ""] = s.split(".");
  const frac = rawFrac.replace(/0+$/, "");
  const neg = int.startsWith("-");
  const intPart = String(BigInt(neg ? int.slice(1) : int));
  return `${neg ? "-" : ""}${intPart}${frac ? `.${frac}` : ""}`;
}

/** Multiply two decimal strings exactly, returning a decimal string. */
export function multiplyDecimals(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const num = x.num * y.num;
  const den = x.den * y.den;
  const places = den.toString().length - 1;
  const neg = num < 0n;
  const abs = (neg ? -num : num).toString().padStart(places + 1, "0");
  const int = abs.slice(0, abs.length - places);
  const frac = abs.slice(abs.length - places);
  return normalizeDecimal(`${neg ? "-" : ""}${int}${places ? `.${frac}` : ""}`);
}

// Stripe's zero-decimal and three-decimal currencies (amounts are still minor units).
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

export function currencyExponent(currency: string): number {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** 12345 eur → "123.45 EUR"; 12000 jpy → "12000 JPY". */
export function formatMinor(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  const neg = amount < 0;
  const abs = Math.abs(amount).toString().padStart(exp + 1, "0");
  const int = abs.slice(0, abs.length - exp);
  const frac = exp ? `.${abs.slice(abs.length - exp)}` : "";
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}${frac} ${currency.toUpperCase()}`;
}
