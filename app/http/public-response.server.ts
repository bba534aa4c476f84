// The answers of the public pages (/sign/<token>, /verify): their headers,
// their error bodies, and the signed PDF download.
import type { Locale } from "~/i18n";
import { RateLimited } from "./rate-limit.server";

/**
 * Headers of every public answer: never cached (each view carries a fresh
 * nonce, and a signed state must not be served stale), never indexed, and a
 * Referer only to our own origin — so a signing URL (a capability) never
 * leaks to another site, e.g. Stripe's hosted page behind "Pay". Not
 * "no-referrer": browsers then send `Origin: null` on our own form posts,
 * which the same-origin check must refuse.
 */
export const PUBLIC_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
  "X-Robots-Tag": "noindex, nofollow",
  "X-Content-Type-Options": "nosniff",
};

export type PublicErrorReason = "not_found" | "rate_limited" | "too_large";

/**
 * A JSON error a public route throws for its ErrorBoundary (or a client):
 * `{ locale, reason }` only. One body per reason, so a 404 says nothing about
 * why (unknown, expired and revoked links look the same).
 */
export function publicError(locale: Locale, reason: PublicErrorReason, extraHeaders: Record<string, string> = {}): Response {
  const status = reason === "not_found" ? 404 : reason === "rate_limited" ? 429 : 413;
  return new Response(JSON.stringify({ locale, reason }), {
    status,
    headers: { ...PUBLIC_HEADERS, "Content-Type": "application/json; charset=utf-8", ...extraHeaders },
  });
}

/** RateLimited → 429 with Retry-After; anything else is rethrown. */
export function rateLimitedResponse(error: unknown, locale: Locale): Response {
  if (error instanceof RateLimited) return publicError(locale, "rate_limited", { "Retry-After": String(error.retryAfterSeconds) });
  throw error;
}

/** A signed PDF download: never cached (it holds personal data), never sniffed as anything else. */
export function pdfResponse(bytes: Uint8Array, filename: string): Response {
  return new Response(Buffer.from(bytes), {
    headers: {
      ...PUBLIC_HEADERS,
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Content-Length": String(bytes.byteLength),
    },
  });
}
