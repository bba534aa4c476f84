// Remix's default browser entry, but the page's dictionary comes first: the
// browser holds only the page's language (app/i18n/dictionaries/browser.ts),
// which the server wrote in `<html lang>` (app/i18n/document-locale.tsx).
// Should its chunk fail to arrive, the server's page stays as it is (its
// links and forms still work as plain HTML) rather than hydrate without words.
import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { resolveLocale } from "./i18n";
import { loadDictionary } from "./i18n/dictionaries";
import { DocumentLocaleProvider } from "./i18n/document-locale";

const locale = resolveLocale(document.documentElement.lang);

loadDictionary(locale).then(
  () =>
    startTransition(() => {
      hydrateRoot(
        document,
        <StrictMode>
          <DocumentLocaleProvider locale={locale}>
            <RemixBrowser />
          </DocumentLocaleProvider>
        </StrictMode>,
      );
    }),
  (error: unknown) => console.error(error),
);
