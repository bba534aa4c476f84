import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { translator, type Locale, type Translate } from "./index";
import { hasDictionary, loadDictionary, onDictionaryLoaded } from "./dictionaries";

/** `ready`: the words are `locale`'s own (false for a moment after the shop's language changed under an open page). */
const I18nContext = createContext<{ locale: Locale; t: Translate; ready: boolean }>({ locale: "en", t: translator("en"), ready: true });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const ready = useDictionary(locale);
  // A new value once the words arrive: every consumer re-renders with them.
  const value = useMemo(() => ({ locale, t: translator(locale), ready }), [locale, ready]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current merchant's translator and locale. */
export function useI18n() {
  return useContext(I18nContext);
}

/**
 * Whether `locale`'s words are in the page. The page's language always is
 * (app/entry.client.tsx); another one (the shop's language changed while the
 * page was open) is loaded here, and the caller re-renders when it arrives.
 */
export function useDictionary(locale: Locale): boolean {
  const loaded = useSyncExternalStore(onDictionaryLoaded, () => hasDictionary(locale), () => true);
  useEffect(() => {
    if (!loaded) loadDictionary(locale).catch((error: unknown) => console.error(error));
  }, [locale, loaded]);
  return loaded;
}
