import { createContext, useContext, useMemo, type ReactNode } from "react";
import { translator, type Locale, type Translate } from "./index";

const I18nContext = createContext<{ locale: Locale; t: Translate }>({ locale: "en", t: translator("en") });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current merchant's translator and locale. */
export function useI18n() {
  return useContext(I18nContext);
}
