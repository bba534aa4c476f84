// English and French strings. The merchant's language comes from Shopify
// (the `locale` parameter of the embedded app URL, remembered on the shop).
import en from "./en.json";
import fr from "./fr.json";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisFr from "@shopify/polaris/locales/fr.json";

export const SUPPORTED_LOCALES = ["en", "fr"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
/**
 * A key of en.json. Every table from a union to words is a `Record<Union, MessageKey>`,
 * so a value without a label, or a label that is not in en.json, does not compile
 * (and MESSAGES below makes fr.json carry every key too).
 */
export type MessageKey = keyof typeof en;

const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, fr };
const POLARIS: Record<Locale, typeof polarisEn> = { en: polarisEn, fr: polarisFr };

/** "fr", "fr-CA", "FR" → "fr"; anything unsupported → "en". */
export function resolveLocale(requested: string | null | undefined): Locale {
  const language = (requested ?? "").toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LOCALES as readonly string[]).includes(language ?? "") ? (language as Locale) : "en";
}

export function polarisTranslations(locale: Locale) {
  return POLARIS[locale];
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, values) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
}
