// English and French strings. The merchant's language comes from Shopify
// (the `locale` parameter of the embedded app URL, remembered on the shop).
// The words live in ./dictionaries: all of them on the server, only the
// page's language in the browser (./dictionaries/browser.ts).
import type en from "./en.json";
import type polarisEn from "@shopify/polaris/locales/en.json";
import { dictionaryOf } from "./dictionaries";

export const SUPPORTED_LOCALES = ["en", "fr"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
/**
 * A key of en.json. Every table from a union to words is a `Record<Union, MessageKey>`,
 * so a value without a label, or a label that is not in en.json, does not compile
 * (and ./dictionaries makes fr.json carry every key too).
 */
export type MessageKey = keyof typeof en;

/** One language's words: the app's, and Polaris' own. */
export type Dictionary = { messages: Record<MessageKey, string>; polaris: typeof polarisEn };

/** "fr", "fr-CA", "FR" → "fr"; anything unsupported → "en". */
export function resolveLocale(requested: string | null | undefined): Locale {
  const language = (requested ?? "").toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LOCALES as readonly string[]).includes(language ?? "") ? (language as Locale) : "en";
}

export function polarisTranslations(locale: Locale) {
  return dictionaryOf(locale).polaris;
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** `locale`'s words; the dictionary is read at each call, so a translator may be made before it is loaded. */
export function translator(locale: Locale): Translate {
  return (key, values) =>
    dictionaryOf(locale).messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
}
