// POST https://{shop}/admin/oauth/access_token — the token endpoint.
//
// Supports the grants @shopify/shopify-api uses from an embedded app:
//   - token exchange (urn:ietf:params:oauth:grant-type:token-exchange): the
//     subject_token is an App Bridge session token, a JWT signed HS256 with the
//     app secret; requested_token_type is the online or offline access token
//     URN; `expiring: "1"` asks for an expiring offline token + refresh token.
//   - refresh_token: trades a refresh token for a new expiring offline token.
// Bodies may be JSON (what the library sends) or form-encoded.
//
// Response shapes follow Shopify's token-exchange documentation:
//   offline: { access_token, scope }  (+ expires_in, refresh_token, refresh_token_expires_in when expiring)
//   online:  { access_token, scope, expires_in, associated_user_scope, associated_user: {...} }
// A bad session token is a 400 { error: "invalid_subject_token", error_description }.

import { createHmac, timingSafeEqual } from "node:crypto";
import { splitScopes, type ShopState, type StandInState } from "./state";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";

const ONLINE_TOKEN_TTL_S = 86_399;
const EXPIRING_OFFLINE_TTL_S = 3_600;
const REFRESH_TOKEN_TTL_S = 7_776_000;
/** Same leeway as @shopify/shopify-api's decodeSessionToken. */
const CLOCK_TOLERANCE_S = 10;

export interface OAuthResponse {
  status: number;
  body: Record<string, unknown>;
}

function base64url(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const json = Buffer.from(segment.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Signs a session token the way App Bridge's backend does (HS256 with the app secret). */
export function signSessionToken(payload: Record<string, unknown>, secret: string): string {
  const header = base64url(Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = base64url(Buffer.from(JSON.stringify(payload)));
  const signature = base64url(createHmac("sha256", secret).update(`${header}.${body}`).digest());
  return `${header}.${body}.${signature}`;
}

/** A session token payload for `shop`, valid for one minute from `nowMs`. */
export function sessionTokenPayload(options: {
  shop: string;
  apiKey: string;
  userId: number | string;
  nowMs: number;
  ttlSeconds?: number;
}): Record<string, unknown> {
  const now = Math.floor(options.nowMs / 1000);
  return {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: String(options.userId),
    exp: now + (options.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: `jti-${options.shop}-${now}-${String(options.userId)}`,
    sid: `sid-${options.shop}-${String(options.userId)}`,
  };
}

type Verified = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

export function verifySessionToken(token: string, secret: string, apiKey: string, shop: string, nowMs: number): Verified {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed JWT" };
  const [h = "", p = "", s = ""] = parts;
  const header = decodeSegment(h);
  const payload = decodeSegment(p);
  if (!header || !payload) return { ok: false, reason: "malformed JWT" };
  if (header.alg !== "HS256") return { ok: false, reason: `unsupported alg ${String(header.alg)}` };
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature verification failed" };
  const now = nowMs / 1000;
  if (typeof payload.exp !== "number" || payload.exp + CLOCK_TOLERANCE_S < now) return { ok: false, reason: "token expired" };
  if (typeof payload.nbf === "number" && payload.nbf - CLOCK_TOLERANCE_S > now) return { ok: false, reason: "token not yet valid" };
  if (payload.aud !== apiKey) return { ok: false, reason: "audience does not match the client_id" };
  let destHost = "";
  try {
    destHost = new URL(String(payload.dest)).host;
  } catch {
    return { ok: false, reason: "invalid dest claim" };
  }
  if (destHost !== shop) return { ok: false, reason: "token was issued for another shop" };
  return { ok: true, payload };
}

/** Shopify reports granted scopes with implied read scopes folded into write ones. */
export function grantedScopeString(scopes: readonly string[]): string {
  const set = new Set(scopes);
  return scopes.filter((s) => !(s.startsWith("read_") && set.has(`write_${s.slice(5)}`))).join(",");
}

function issueToken(shop: ShopState, prefix: string, seed: string): string {
  shop.tokenCounter += 1;
  const hex = createHmac("sha256", "ritournelle-stand-in")
    .update(`${shop.shop.myshopifyDomain}|${seed}|${shop.tokenCounter}`)
    .digest("hex")
    .slice(0, 32);
  return `${prefix}_${hex}`;
}

/** Handles one POST /admin/oauth/access_token for `shopDomain`. */
export function handleAccessTokenRequest(state: StandInState, shopDomain: string, params: Record<string, unknown>): OAuthResponse {
  const shop = state.shops.get(shopDomain);
  if (!shop) return { status: 404, body: { errors: "Not Found" } };
  const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
  if (str("client_id") !== state.app.apiKey || str("client_secret") !== state.app.apiSecret) {
    return { status: 401, body: { error: "invalid_client", error_description: "Client credentials are invalid" } };
  }
  const now = state.clock.now();
  const scopes = splitScopes(state.app.scopes);
  const scope = grantedScopeString(scopes);
  const grantType = str("grant_type");

  if (grantType === "refresh_token") {
    const refresh = str("refresh_token") ?? "";
    const grant = shop.refreshTokens.get(refresh);
    if (!grant || grant.expiresAt < now) {
      return { status: 400, body: { error: "invalid_grant", error_description: "The refresh token is invalid or expired." } };
    }
    shop.refreshTokens.delete(refresh);
    return expiringOffline(shop, now, grant.scopes);
  }

  if (grantType !== TOKEN_EXCHANGE_GRANT) {
    return { status: 400, body: { error: "unsupported_grant_type", error_description: `Unsupported grant_type ${grantType ?? "(none)"}.` } };
  }
  if (str("subject_token_type") !== ID_TOKEN_TYPE) {
    return { status: 400, body: { error: "invalid_request", error_description: "subject_token_type must be an id_token." } };
  }
  const verified = verifySessionToken(str("subject_token") ?? "", state.app.apiSecret, state.app.apiKey, shopDomain, now);
  if (!verified.ok) {
    return { status: 400, body: { error: "invalid_subject_token", error_description: `Session token is invalid: ${verified.reason}.` } };
  }
  const requested = str("requested_token_type") ?? OFFLINE_TOKEN_TYPE;
  if (requested === ONLINE_TOKEN_TYPE) {
    const userId = Number(verified.payload.sub);
    const staff = shop.shop.staff.find((s) => s.id === userId);
    const token = issueToken(shop, "shpua", `online-${userId}`);
    shop.tokens.set(token, { scopes, expiresAt: now + ONLINE_TOKEN_TTL_S * 1000, kind: "online", userId });
    return {
      status: 200,
      body: {
        access_token: token,
        scope,
        expires_in: ONLINE_TOKEN_TTL_S,
        associated_user_scope: scope,
        associated_user: {
          id: userId,
          first_name: staff?.firstName ?? "Staff",
          last_name: staff?.lastName ?? String(userId),
          email: staff?.email ?? `staff-${userId}@${shopDomain}`,
          account_owner: staff?.accountOwner ?? false,
          locale: staff?.locale ?? "en",
          collaborator: staff?.collaborator ?? false,
          email_verified: true,
        },
      },
    };
  }
  if (requested !== OFFLINE_TOKEN_TYPE) {
    return { status: 400, body: { error: "invalid_request", error_description: "Unsupported requested_token_type." } };
  }
  if (str("expiring") === "1") return expiringOffline(shop, now, scopes);
  // Non-expiring offline tokens are stable per app and shop.
  const existing = [...shop.tokens.entries()].find(([, g]) => g.kind === "offline" && g.expiresAt === null);
  const token = existing?.[0] ?? issueToken(shop, "shpat", "offline");
  shop.tokens.set(token, { scopes, expiresAt: null, kind: "offline" });
  return { status: 200, body: { access_token: token, scope } };
}

function expiringOffline(shop: ShopState, now: number, scopes: string[]): OAuthResponse {
  const token = issueToken(shop, "shpat", "offline-expiring");
  const refresh = issueToken(shop, "shprt", "refresh");
  shop.tokens.set(token, { scopes, expiresAt: now + EXPIRING_OFFLINE_TTL_S * 1000, kind: "offline" });
  shop.refreshTokens.set(refresh, { scopes, expiresAt: now + REFRESH_TOKEN_TTL_S * 1000 });
  return {
    status: 200,
    body: {
      access_token: token,
      scope: grantedScopeString(scopes),
      expires_in: EXPIRING_OFFLINE_TTL_S,
      refresh_token: refresh,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    },
  };
}
