// What the public pages (/sign/<token>, /verify) need from an HTTP request
// that the embedded admin gets from Shopify: who is asking (IP), whether the
// form came from our own page (Origin), a bounded body, a language, and rate
// limits. No Shopify session exists on these pages: the signing token in the
// URL is the only capability.
import { resolveLocale, SUPPORTED_LOCALES, type Locale } from "~/i18n";

// ---------------------------------------------------------------------------
// Body size
// ---------------------------------------------------------------------------

/** The body exceeds the route's limit: answer 413 without reading further. */
export class PayloadTooLarge extends Error {
  override readonly name = "PayloadTooLarge";
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/**
 * Reads the body, refusing (PayloadTooLarge) as soon as it passes `limit`
 * bytes: a declared Content-Length over the limit is refused before reading,
 * and a chunked or lying body is cut off while streaming, so an oversized
 * upload never sits whole in memory.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The form fields of a bounded body, urlencoded or multipart. */
export async function readLimitedForm(request: Request, limit: number): Promise<FormData> {
  const body = await readLimitedBody(request, limit);
  // Re-wrap the bytes already read so the platform's own parser handles
  // both encodings (and multipart boundaries) exactly as for any request.
  const headers = { "content-type": request.headers.get("content-type") ?? "application/x-www-form-urlencoded" };
  return new Request(request.url, { method: "POST", headers, body }).formData();
}

// ---------------------------------------------------------------------------
// Client address
// ---------------------------------------------------------------------------

/**
 * What the HTTP server may put in Remix's load context for these pages
 * (server/app-server.ts: `getLoadContext`). Without it, addresses are
 * recorded as "unknown" — never guessed from a header anyone can forge.
 */
export type PublicRequestContext = {
  /** The TCP peer's address (`req.socket.remoteAddress`). */
  remoteAddress?: string;
  /** True only when the app runs behind a proxy of ours that sets X-Forwarded-For. */
  trustProxy?: boolean;
};

/** Reads the optional fields from Remix's untyped load context. */
export function publicRequestContext(context: unknown): PublicRequestContext {
  const value = (context ?? {}) as Record<string, unknown>;
  return {
    remoteAddress: typeof value.remoteAddress === "string" ? value.remoteAddress : undefined,
    trustProxy: value.trustProxy === true,
  };
}

export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client's IP address, as recorded in the signature's audit trail:
 * - behind a trusted proxy, the FIRST hop of X-Forwarded-For (the address the
 *   proxy saw; later hops were added by proxies in between);
 * - otherwise the socket's peer address, if the server passed it;
 * - otherwise "unknown".
 * X-Forwarded-For is ignored unless the proxy is trusted: a client sets it to
 * anything it likes, and a forged address in a signature certificate is
 * worse than an honest "unknown".
 */
export function clientAddress(request: Request, context: PublicRequestContext): string {
  if (context.trustProxy) {
    const first = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  const socket = context.remoteAddress?.replace(/^::ffff:/, "");
  return socket ? socket.slice(0, 64) : UNKNOWN_ADDRESS;
}

// ---------------------------------------------------------------------------
// Same origin (CSRF)
// ---------------------------------------------------------------------------

/**
 * True when a POST comes from a page of this app: its Origin (or, when a
 * browser omits it, its Referer's origin) is the app's public origin
 * (SHOPIFY_APP_URL) or the origin the request was addressed to. Every
 * current browser sends Origin on a form POST, so neither header present
 * means a non-browser client, refused like a foreign site.
 */
export function isSameOrigin(request: Request, appUrl: string): boolean {
  const allowed = new Set([new URL(appUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") return allowed.has(origin);
  const referer = request.headers.get("referer");
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------

/**
 * The page's language: `?lang=` when the visitor switched, else the best
 * supported language of Accept-Language by its q-values, else English.
 */
export function negotiateLocale(request: Request): Locale {
  const chosen = new URL(request.url).searchParams.get("lang");
  if (chosen) return resolveLocale(chosen);
  const ranked = (request.headers.get("accept-language") ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if ((SUPPORTED_LOCALES as readonly string[]).includes(language ?? "")) return language as Locale;
  }
  return "en";
}

// ---------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------

export type BucketRule = {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Requests regained per second. */
  refillPerSecond: number;
};

type Bucket = { tokens: number; at: number };

/**
 * Token buckets by key (a token hash, an IP), in this process's memory.
 *
 * Per process on purpose: the limits protect the page and Stripe from
 * hammering, not correctness (a double submit is stopped by the database's
 * unique signature per run). With N web processes a client gets up to N
 * times the budget, which these limits allow for. The map is bounded: past
 * `maxKeys`, the oldest half is forgotten (an attacker rotating keys only
 * resets buckets, which costs them the same as fresh keys).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one request from `key`'s bucket; when empty, says how long until one is back. */
  take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { capacity, refillPerSecond } = this.rule;
    const previous = this.buckets.get(key);
    const elapsed = previous ? Math.max(0, nowMs - previous.at) / 1000 : 0;
    const tokens = previous ? Math.min(capacity, previous.tokens + elapsed * refillPerSecond) : capacity;
    const allowed = tokens >= 1;
    // Re-insert, so Map order is least recently used first: a key being
    // hammered stays remembered, and is never the one forgotten.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    if (this.buckets.size > this.maxKeys) {
      let drop = Math.floor(this.maxKeys / 2);
      for (const oldest of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(oldest);
      }
    }
    return allowed ? { ok: true } : { ok: false, retryAfterSeconds: Math.ceil((1 - tokens) / refillPerSecond) };
  }
}

/** Too many requests: answer 429 with Retry-After. */
export class RateLimited extends Error {
  override readonly name = "RateLimited";
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited; retry after ${retryAfterSeconds}s`);
  }
}

/**
 * Takes one request from every (limiter, key) pair; throws RateLimited with
 * the longest wait when any is empty. Each bucket is charged even when an
 * earlier one refused, so hammering one token also drains the IP's budget.
 */
export function enforceRateLimits(pairs: [RateLimiter, string][], nowMs: number): void {
  let wait = 0;
  for (const [limiter, key] of pairs) {
    const result = limiter.take(key, nowMs);
    if (!result.ok) wait = Math.max(wait, result.retryAfterSeconds);
  }
  if (wait > 0) throw new RateLimited(wait);
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

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
