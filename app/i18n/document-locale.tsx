// The language of the document being rendered: `<html lang>`, and the one
// dictionary the browser loads before hydrating (app/entry.client.tsx reads
// it back from `<html lang>`). The server takes it from the deepest route
// whose loader data, or thrown response, says its `locale`: the admin
// layout's (the merchant's), a public page's (the customer's), a public
// error's (app/http/public-response.server.ts).
import { createContext, useContext, type ReactNode } from "react";
import type { EntryContext } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { resolveLocale, type Locale } from "./index";

const DocumentLocaleContext = createContext<Locale>("en");

export function DocumentLocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <DocumentLocaleContext.Provider value={locale}>{children}</DocumentLocaleContext.Provider>;
}

export function useDocumentLocale(): Locale {
  return useContext(DocumentLocaleContext);
}

function localeIn(value: unknown): string | undefined {
  const locale = value && typeof value === "object" ? (value as { locale?: unknown }).locale : undefined;
  return typeof locale === "string" ? locale : undefined;
}

/** The page's language from what its routes answered (English when none says). */
export function documentLocaleOf(context: EntryContext["staticHandlerContext"]): Locale {
  for (const match of [...context.matches].reverse()) {
    const id = match.route.id;
    const error: unknown = context.errors?.[id];
    const said = error !== undefined ? (isRouteErrorResponse(error) ? localeIn(error.data) : undefined) : localeIn(context.loaderData[id]);
    if (said) return resolveLocale(said);
  }
  return "en";
}
