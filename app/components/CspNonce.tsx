// The Content-Security-Policy nonce of the page being rendered. The HTTP
// server makes one per public answer (server/security-headers.ts) and puts it
// in Remix's load context; app/entry.server.tsx provides it here, and
// app/root.tsx puts it on the scripts Remix renders. In the browser there is
// no provider, and none is needed: the scripts are already on the page
// (browsers hide a nonce from the DOM once the page is parsed).
import { createContext, useContext, type ReactNode } from "react";

const CspNonceContext = createContext<string | undefined>(undefined);

export function CspNonceProvider({ nonce, children }: { nonce: string | undefined; children: ReactNode }) {
  return <CspNonceContext.Provider value={nonce}>{children}</CspNonceContext.Provider>;
}

/** This answer's nonce, or undefined (in the browser, and on pages the policy does not cover). */
export function useCspNonce(): string | undefined {
  return useContext(CspNonceContext);
}

/** The nonce the HTTP server put in Remix's (untyped) load context, if any. */
export function cspNonceFromLoadContext(context: unknown): string | undefined {
  const nonce = (context as { cspNonce?: unknown } | undefined)?.cspNonce;
  return typeof nonce === "string" && nonce !== "" ? nonce : undefined;
}
