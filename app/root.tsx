import type { ReactNode } from "react";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { z } from "zod";
import { useCspNonce } from "./components/CspNonce";
import { translator } from "./i18n";
import { useDocumentLocale } from "./i18n/document-locale";

// Zod probes once whether it may compile its parsers with `new Function`; the
// public pages' CSP refuses that (no 'unsafe-eval'), and the browser reports
// the refused probe as a violation. In the browser, Zod parses without
// compiling (the forms it checks are small); the server keeps compiling.
if (typeof document !== "undefined") z.config({ jitless: true });

/** The document of every page, and of the error page below. Its scripts carry the CSP nonce of the answer. */
export function Layout({ children }: { children: ReactNode }) {
  const nonce = useCspNonce();
  // The page's language, which is also the one dictionary the browser loads (app/entry.client.tsx).
  return (
    <html lang={useDocumentLocale()}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/**
 * What a path no route answers shows (404), and any error no page caught.
 * Remix's default page would do, but it carries an inline script of its own
 * that the public pages' CSP refuses.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const t = translator(useDocumentLocale());
  return (
    <main>
      {isRouteErrorResponse(error) ? (
        <h1>
          {error.status} {error.statusText}
        </h1>
      ) : (
        <>
          <h1>{t("error.title")}</h1>
          <p>{t("error.body")}</p>
        </>
      )}
    </main>
  );
}
