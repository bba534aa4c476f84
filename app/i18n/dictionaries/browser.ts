// The dictionaries in the browser: only the page's language, loaded as its own
// chunk before the page hydrates (app/entry.client.tsx), so an English page
// carries no French and a French page no English (152 kB of JSON for both).
// The client build reads this module in place of ./index.ts (the
// `i18n-browser-dictionaries` plugin in vite.config.ts); its exports are the
// same (checked below).
import type { Dictionary, Locale } from "~/i18n";
import type * as ServerDictionaries from "./index";

const CHUNKS: Record<Locale, () => Promise<{ default: Dictionary }>> = {
  en: () => import("./en"),
  fr: () => import("./fr"),
};

const loaded = new Map<Locale, Dictionary>();
const pending = new Map<Locale, Promise<void>>();
const listeners = new Set<() => void>();
let warned = false;

/**
 * `locale`'s dictionary once loaded. A language not loaded yet (the shop's
 * language changed under an open page) reads the page's own language until
 * it arrives (app/i18n/react.tsx re-renders then): a page in the other
 * language for a moment, never a broken page.
 */
export function dictionaryOf(locale: Locale): Dictionary {
  const dictionary = loaded.get(locale) ?? loaded.values().next().value;
  if (!dictionary) throw new Error(`No dictionary loaded in this page for "${locale}": app/entry.client.tsx loads the page's language before it hydrates.`);
  if (!loaded.has(locale) && !warned) {
    warned = true;
    console.warn(`The "${locale}" dictionary is not loaded yet; the page's language is shown until it is.`);
  }
  return dictionary;
}

/** Loads `locale`'s chunk once (concurrent calls share the request). */
export function loadDictionary(locale: Locale): Promise<void> {
  if (loaded.has(locale)) return Promise.resolve();
  let request = pending.get(locale);
  if (!request) {
    request = CHUNKS[locale]().then(
      (chunk) => {
        loaded.set(locale, chunk.default);
        pending.delete(locale);
        for (const listener of listeners) listener();
      },
      (error: unknown) => {
        pending.delete(locale);
        throw error;
      },
    );
    pending.set(locale, request);
  }
  return request;
}

export function hasDictionary(locale: Locale): boolean {
  return loaded.has(locale);
}

/** Calls `listener` whenever a dictionary arrives; returns the unsubscribe. */
export function onDictionaryLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Same exports, same types as the server's module.
const sameShape: typeof ServerDictionaries = { dictionaryOf, loadDictionary, hasDictionary, onDictionaryLoaded };
void sameShape;
