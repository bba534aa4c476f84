// Every language's dictionary, for the server, the worker and the tests: a
// server answers any merchant or customer in their language, synchronously.
// The browser never gets this module: the client build reads
// ./browser.ts in its place (the `i18n-browser-dictionaries` plugin in
// vite.config.ts), which loads only the page's language.
import type { Dictionary, Locale } from "~/i18n";
import en from "./en";
import fr from "./fr";

/** Every key of en.json in fr.json too, or this does not compile. */
const DICTIONARIES = { en, fr } satisfies Record<Locale, Dictionary>;

/** `locale`'s dictionary (always there on the server). */
export function dictionaryOf(locale: Locale): Dictionary {
  return DICTIONARIES[locale];
}

/** Every dictionary is already here: nothing to load. */
export async function loadDictionary(locale: Locale): Promise<void> {
  void locale;
}

/** Always true on the server. */
export function hasDictionary(locale: Locale): boolean {
  return locale in DICTIONARIES;
}

/** Nothing ever arrives later on the server. */
export function onDictionaryLoaded(listener: () => void): () => void {
  void listener;
  return () => {};
}
