// The security headers of every answer, by kind of page, in one place. The
// HTTP server (server/security-headers.ts) sets them on every response, last,
// so a route cannot forget them.
//
// - Public pages (the signing page, /verify, the Stripe OAuth callback, the
//   landing page, error pages, and any path not listed below): a strict
//   Content-Security-Policy (scripts only from our origin or carrying this
//   response's nonce; never framed; forms post only to us), no Referer to
//   anyone, no MIME sniffing.
// - The embedded admin (/app, /auth): Shopify's own headers, which
//   addDocumentResponseHeaders (app/shopify.server.ts) sets — a CSP whose
//   frame-ancestors lists the shop and the Shopify admin, so the admin can
//   frame the app. Nothing here may take that away.
// - Machine endpoints (webhooks, the extension API, the health check, metrics): no
//   browser renders them; only nosniff.
//
// Pure data and pure functions: no Node, no Remix.

export type PageKind = "public" | "embedded" | "machine";

/** Path prefixes by kind; every other path is a public page (the strict default). */
const KIND_BY_PATH: readonly { path: string; kind: Exclude<PageKind, "public"> }[] = [
  { path: "/app", kind: "embedded" },
  { path: "/auth", kind: "embedded" },
  { path: "/webhooks", kind: "machine" },
  { path: "/api", kind: "machine" },
  { path: "/healthz", kind: "machine" },
  { path: "/metrics", kind: "machine" },
];

/** The kind of page a request path (`URL.pathname`) serves; matched like Remix routes (decoded, any case, `.data` suffix). */
export function pageKindOf(pathname: string): PageKind {
  let path: string;
  try {
    path = decodeURIComponent(pathname).toLowerCase();
  } catch {
    return "public";
  }
  path = path.replace(/\.data$/, "");
  return KIND_BY_PATH.find((entry) => path === entry.path || path.startsWith(`${entry.path}/`))?.kind ?? "public";
}

/**
 * The Content-Security-Policy of a public page. `nonce` is fresh for each
 * response; Remix's <Scripts> and <ScrollRestoration> carry it (app/root.tsx).
 *
 * Styles may be inline ('unsafe-inline' for style-src only): the public pages
 * carry their stylesheet in a <style> element and a few style attributes,
 * and the OAuth callback's page is one self-contained document. A style
 * cannot run script; every script needs our origin or the nonce.
 */
export function publicContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    // The signature pad's preview and a signed page's signature are data: PNGs.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Referrer-Policy of a public page.
 *
 * `no-referrer` everywhere except the signing page, which answers with
 * `same-origin`: its form posts back to itself, and the action refuses a post
 * whose Origin is not ours (CSRF); under `no-referrer` browsers send
 * `Origin: null` on a same-origin POST (Fetch standard, "append a request
 * Origin header"), so signing would be refused for everyone. `same-origin`
 * still sends nothing to any other site, so the token in a /sign/<token> URL
 * never leaks through a Referer.
 */
export function publicReferrerPolicy(pathname: string): "no-referrer" | "same-origin" {
  let path = pathname.toLowerCase();
  try {
    path = decodeURIComponent(path);
  } catch {
    return "no-referrer";
  }
  return path.startsWith("/sign/") ? "same-origin" : "no-referrer";
}

/** The headers this app sets on an answer of `kind` (the embedded admin's CSP is Shopify's, set by the route). */
export function securityHeaders(kind: PageKind, pathname: string, nonce: string | undefined): Record<string, string> {
  const always = { "X-Content-Type-Options": "nosniff" };
  if (kind !== "public" || nonce === undefined) return always;
  return {
    ...always,
    "Content-Security-Policy": publicContentSecurityPolicy(nonce),
    "Referrer-Policy": publicReferrerPolicy(pathname),
  };
}
