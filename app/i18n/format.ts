// Dates and money for the merchant: Intl in the merchant's language and the
// shop's time zone. Shared by server and browser (no Node APIs).
import { formatMoney } from "~/domain/money";
import { shiftDecimal } from "~/domain/order-snapshot";
import { frequencyPresetOf } from "~/domain/frequency-presets";
import type { ScheduleUnit } from "~/domain/schedule";
import type { Locale, Translate } from "./index";

/** The Intl locale for an app language: French in France's conventions, English in the US's. */
export function intlLocale(locale: Locale): string {
  return locale === "fr" ? "fr-FR" : "en-US";
}

const cache = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED = 100;

function formatter(locale: Locale, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = cache.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(intlLocale(locale), { ...options, timeZone });
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, found);
  }
  return found;
}

/**
 * A civil date ("2026-03-31", already in the shop's calendar) → "Mar 31, 2026"
 * / "31 mars 2026". Formatted in UTC on purpose: a civil date has no time
 * zone, and shifting it through one could show the day before.
 */
export function formatCivilDate(date: string, locale: Locale): string {
  const [year, month, day] = date.split("-").map(Number);
  return formatter(locale, "UTC", { dateStyle: "medium" }).format(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
}

/** An instant (ISO string or Date) as a date in the shop's time zone. */
export function formatDate(instant: string | Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, { dateStyle: "medium" }).format(new Date(instant));
}

/** An instant as date and time in the shop's time zone: "Mar 31, 2026, 9:00 AM" / "31 mars 2026, 09:00". */
export function formatDateTime(instant: string | Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, { dateStyle: "medium", timeStyle: "short" }).format(new Date(instant));
}

/** Minor units → "€19.99" / "19,99 €", exactly (see app/domain/money.ts). */
export function formatAmount(minor: number, currency: string, locale: Locale): string {
  return formatMoney(minor, currency, intlLocale(locale));
}

/** An exact percentage string ("5.5") → "5.5%" / "5,5 %", without going through a float. */
export function formatPercent(ratePercent: string, locale: Locale): string {
  const fraction = shiftDecimal(ratePercent, -2) as Intl.StringNumericLiteral;
  return new Intl.NumberFormat(intlLocale(locale), { style: "percent", maximumFractionDigits: 20 }).format(fraction);
}

/** "Monthly", "Every 2 weeks", "Every 10 days"… */
export function frequencyLabel(t: Translate, every: number, unit: ScheduleUnit): string {
  const preset = frequencyPresetOf({ every, unit });
  if (preset) return t(`frequency.${preset}`);
  if (every === 1) return t(`frequency.every1.${unit}`);
  return t(`frequency.everyN.${unit}`, { count: every });
}
