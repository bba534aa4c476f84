// How large a request body each route accepts, in one table.
//
// The HTTP server (server/body-limit.ts) applies it to every request before
// anything reads the body: before Remix, before Shopify's HMAC check, before
// the Stripe webhook's `request.text()`, before a session token is looked at.
// A declared Content-Length over the limit is refused without reading a byte;
// a chunked (or otherwise undeclared) body is cut off as soon as it passes the
// limit. Either way the answer is 413 and no handler sees the request.
//
// These are ceilings, sized to the largest legitimate body of each route.
// Pages may refuse less with a message of their own (the signing form and
// /verify do, through app/http/body-limit.server.ts); this table is the outer
// limit that holds whatever a route does.
//
// Pure data and a pure lookup: no Node, no Remix.

const KiB = 1024;
const MiB = 1024 * KiB;

export type BodyLimitRule = {
  /** A path; it covers itself and every path below it ("/webhooks" covers "/webhooks/stripe"). */
  path: string;
  /** The largest body accepted, in bytes. */
  maxBytes: number;
  /** What the largest legitimate body of these routes holds (why this size). */
  sizedFor: string;
};

/** The routes that read a body. Most specific first is not needed: paths do not overlap. */
export const BODY_LIMITS: readonly BodyLimitRule[] = [
  {
    path: "/webhooks",
    maxBytes: 1 * MiB,
    sizedFor: "Shopify webhooks (app/uninstalled, app/scopes_update, the privacy topics) and Stripe events: a few KiB each, far under 1 MiB",
  },
  {
    path: "/api/extension",
    maxBytes: 16 * KiB,
    sizedFor: "the order action's JSON: an idempotency key, a frequency and a date",
  },
  {
    path: "/sign",
    maxBytes: 1 * MiB,
    sizedFor: "the signing form: a drawn signature PNG (the page itself refuses forms over 768 KiB, with its own message), its strokes and a name",
  },
  {
    path: "/verify",
    maxBytes: 10 * MiB + 256 * KiB,
    sizedFor: "a signed PDF (the page itself refuses uploads over 10 MiB, with its own message) and the multipart envelope around it",
  },
  {
    path: "/app",
    maxBytes: 1 * MiB,
    sizedFor: "the admin's forms: settings, Stripe settings, a template of up to 200 lines, bulk actions on up to 250 templates",
  },
  {
    path: "/auth",
    maxBytes: 16 * KiB,
    sizedFor: "the login form: a shop domain",
  },
];

/** Every other path: no route there reads a body. */
export const DEFAULT_BODY_LIMIT: BodyLimitRule = {
  path: "/",
  maxBytes: 16 * KiB,
  sizedFor: "paths where no route reads a body",
};

/**
 * The rule for a request path (`URL.pathname`, not decoded). Matches the way
 * Remix routes: percent-decoded and case-insensitive, with single fetch's
 * `.data` suffix (`/sign/abc.data` is the signing route's data request) and
 * `_root.data` (the index route's) seen as the page they belong to. A path
 * that cannot be decoded gets the default, which is the smallest limit.
 */
export function bodyLimitFor(pathname: string): BodyLimitRule {
  let path: string;
  try {
    path = decodeURIComponent(pathname).toLowerCase();
  } catch {
    return DEFAULT_BODY_LIMIT;
  }
  path = path.replace(/\.data$/, "");
  return BODY_LIMITS.find((rule) => path === rule.path || path.startsWith(`${rule.path}/`)) ?? DEFAULT_BODY_LIMIT;
}

/** "1 MiB", "16 KiB", "10.25 MiB": a limit as the 413 message and the docs print it. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(2))} MiB`;
  if (bytes >= KiB) return `${Number((bytes / KiB).toFixed(2))} KiB`;
  return `${bytes} bytes`;
}
