// POST https://{shop}/admin/oauth/access_token — the token endpoint.
//
// Grants, as @shopify/shopify-api sends them (JSON or form-encoded bodies):
//   - token exchange (urn:ietf:params:oauth:grant-type:token-exchange) of an
//     App Bridge session token (subject_token_type id_token, a JWT signed
//     HS256 with the app secret) for an online or offline access token;
//     `expiring: "1"` asks for an expiring offline token + refresh token.
//   - token exchange of a non-expiring offline token (subject_token_type
//     offline-access-token, `expiring: "1"`): the migration to expiring tokens.
//   - refresh_token: a refresh token for a new expiring pair.
//
// The rules Shopify documents, and the stand-in enforces:
//   - Expiring offline tokens last 60 minutes, refresh tokens 90 days; only one
//     expiring offline token is active per app and shop: acquiring a new one
//     (token exchange, refresh, migration) revokes the previous ones.
//     https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
//   - Refresh tokens rotate: each refresh answers a new refresh token. The one
//     just used may be retried (a lost answer) until its replacement is first
//     used, for at most 30 days from its first use; then it is retired and
//     refused (400 invalid_grant).
//     https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens
//   - Migration: existing non-expiring tokens "cycle" to expiring ones the next
//     time the app requests a token (token exchange with expiring=1), or by
//     exchanging the non-expiring token itself; the original token is invalid
//     afterwards. A retry of that exchange within 7 days answers the same pair,
//     until the pair is refreshed or replaced.
//     https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
//     https://shopify.dev/changelog/more-resilient-token-exchanges-when-migrating-tokens-without-a-user-session
//   - Uninstalling revokes every token of the app for the shop: refreshes and
//     migrations are refused until the merchant installs again (token exchange).
//   - From 2027-01-01, Admin API requests with non-expiring tokens of public
//     apps are refused (when `nonExpiringTokensRefusedFrom` says so, see state.ts).
//
// Response shapes follow Shopify's token-exchange documentation:
//   offline: { access_token, scope }  (+ expires_in, refresh_token, refresh_token_expires_in when expiring)
//   online:  { access_token, scope, expires_in, associated_user_scope, associated_user: {...} }
// Errors: 400 { error: "invalid_subject_token" | "invalid_grant" | "invalid_request"
// | "unsupported_grant_type", error_description }, 401 { error: "invalid_client" }.

import { createHmac, timingSafeEqual } from "node:crypto";
import { installationScopes } from "./app-scopes";
import { type ShopState, type StandInState, type TokenGrant, type TokenGrantRecord } from "./state";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";

const ONLINE_TOKEN_TTL_S = 86_399;
const EXPIRING_OFFLINE_TTL_S = 3_600;
const REFRESH_TOKEN_TTL_S = 7_776_000;
const DAY_MS = 86_400_000;
/** How long a used refresh token may be retried before its replacement is used. */
const REFRESH_RETRY_WINDOW_MS = 30 * DAY_MS;
/** How long a migration exchange may be retried with the original token. */
const MIGRATION_RETRY_WINDOW_MS = 7 * DAY_MS;
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

/**
 * Whether the Admin API accepts `grant` now: not expired, and not a
 * non-expiring offline token once those are refused.
 */
export function isAccessTokenAccepted(state: StandInState, grant: TokenGrant | undefined, now: number): grant is TokenGrant {
  if (!grant) return false;
  if (grant.expiresAt !== null) return grant.expiresAt > now;
  const refusedFrom = state.nonExpiringTokensRefusedFrom;
  return grant.kind === "online" || refusedFrom === null || now < refusedFrom;
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
  const grantType = str("grant_type");
  const record = (grant: TokenGrantRecord["grant"], response: OAuthResponse): OAuthResponse => {
    shop.tokenRequests.push({ grant, status: response.status, at: now });
    return response;
  };

  if (grantType === "refresh_token") return record("refresh_token", refresh(shop, str("refresh_token") ?? "", now));
  if (grantType !== TOKEN_EXCHANGE_GRANT) {
    return { status: 400, body: { error: "unsupported_grant_type", error_description: `Unsupported grant_type ${grantType ?? "(none)"}.` } };
  }
  if (str("subject_token_type") === OFFLINE_TOKEN_TYPE) {
    return record("migration", migrate(state, shop, str("subject_token") ?? "", str("requested_token_type"), str("expiring") === "1", now));
  }
  return record("token_exchange", exchangeSessionToken(state, shop, shopDomain, str, now));
}

function invalidGrant(description: string): OAuthResponse {
  return { status: 400, body: { error: "invalid_grant", error_description: description } };
}

/** refresh_token grant: a new expiring pair; the token used stays retryable until its replacement is used. */
function refresh(shop: ShopState, refreshToken: string, now: number): OAuthResponse {
  const grant = shop.refreshTokens.get(refreshToken);
  if (!grant || grant.expiresAt <= now) return invalidGrant("The refresh token is invalid, expired or revoked.");
  if (grant.firstUsedAt !== null && now > grant.firstUsedAt + REFRESH_RETRY_WINDOW_MS) {
    return invalidGrant("The refresh token was already used.");
  }
  grant.firstUsedAt ??= now;
  return issueExpiringPair(shop, now, grant.scopes, { keepRefreshToken: refreshToken });
}

/** Token exchange of a non-expiring offline token for an expiring pair. */
function migrate(state: StandInState, shop: ShopState, subjectToken: string, requested: string | undefined, expiring: boolean, now: number): OAuthResponse {
  if (requested !== OFFLINE_TOKEN_TYPE || !expiring) {
    return { status: 400, body: { error: "invalid_request", error_description: "An offline access token can only be exchanged for an expiring offline access token (expiring=1)." } };
  }
  const previous = shop.migrations.get(subjectToken);
  const previousRefresh = previous ? shop.refreshTokens.get(previous.refreshToken) : undefined;
  const previousAccess = previous ? shop.tokens.get(previous.accessToken) : undefined;
  if (previous && previousRefresh?.firstUsedAt === null && previousAccess && now <= previous.at + MIGRATION_RETRY_WINDOW_MS) {
    // A retry after a lost answer: the same pair, the access token's life extended.
    previousAccess.expiresAt = now + EXPIRING_OFFLINE_TTL_S * 1000;
    return expiringPairBody(previous.accessToken, previous.refreshToken, previousAccess.scopes, previousRefresh.expiresAt, now);
  }
  const original = shop.tokens.get(subjectToken);
  if (!original || original.expiresAt !== null || original.kind === "online" || !isAccessTokenAccepted(state, original, now)) {
    return { status: 400, body: { error: "invalid_subject_token", error_description: "The subject token is not a valid non-expiring offline access token." } };
  }
  const response = issueExpiringPair(shop, now, original.scopes, { keepRefreshToken: null });
  shop.tokens.delete(subjectToken);
  const body = response.body as { access_token: string; refresh_token: string };
  shop.migrations.set(subjectToken, { accessToken: body.access_token, refreshToken: body.refresh_token, at: now });
  return response;
}

/** Token exchange of an App Bridge session token for an online or offline access token. */
function exchangeSessionToken(
  state: StandInState,
  shop: ShopState,
  shopDomain: string,
  str: (k: string) => string | undefined,
  now: number,
): OAuthResponse {
  // The installation's scopes: the required ones and the optional ones this shop granted (app-scopes.ts).
  const scopes = installationScopes(state, shop);
  const scope = grantedScopeString(scopes);
  if (str("subject_token_type") !== ID_TOKEN_TYPE) {
    return { status: 400, body: { error: "invalid_request", error_description: "subject_token_type must be an id_token or an offline access token." } };
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
  if (str("expiring") === "1") {
    // The new pair replaces every earlier offline token: expiring ones, and non-expiring ones (they cycle).
    for (const [token, grant] of shop.tokens) if (grant.kind !== "online" && grant.expiresAt === null) shop.tokens.delete(token);
    shop.migrations.clear();
    return issueExpiringPair(shop, now, scopes, { keepRefreshToken: null });
  }
  // Non-expiring offline tokens are stable per app and shop.
  const existing = [...shop.tokens.entries()].find(([, g]) => g.kind === "offline" && g.expiresAt === null);
  const token = existing?.[0] ?? issueToken(shop, "shpat", "offline");
  shop.tokens.set(token, { scopes, expiresAt: null, kind: "offline" });
  return { status: 200, body: { access_token: token, scope } };
}

/**
 * A new expiring access token and refresh token. Every earlier expiring
 * offline token of the shop is revoked (one active per app and shop), and so
 * is every refresh token except the one being used (`keepRefreshToken`): it
 * stays retryable until the new one is used, whose refresh then retires it.
 */
function issueExpiringPair(shop: ShopState, now: number, scopes: string[], options: { keepRefreshToken: string | null }): OAuthResponse {
  for (const [token, grant] of shop.tokens) if (grant.kind === "offline" && grant.expiresAt !== null) shop.tokens.delete(token);
  for (const token of shop.refreshTokens.keys()) if (token !== options.keepRefreshToken) shop.refreshTokens.delete(token);
  const token = issueToken(shop, "shpat", "offline-expiring");
  const refreshToken = issueToken(shop, "shprt", "refresh");
  const refreshExpiresAt = now + REFRESH_TOKEN_TTL_S * 1000;
  shop.tokens.set(token, { scopes, expiresAt: now + EXPIRING_OFFLINE_TTL_S * 1000, kind: "offline" });
  shop.refreshTokens.set(refreshToken, { scopes, expiresAt: refreshExpiresAt, firstUsedAt: null });
  return expiringPairBody(token, refreshToken, scopes, refreshExpiresAt, now);
}

function expiringPairBody(token: string, refreshToken: string, scopes: string[], refreshExpiresAt: number, now: number): OAuthResponse {
  return {
    status: 200,
    body: {
      access_token: token,
      scope: grantedScopeString(scopes),
      expires_in: EXPIRING_OFFLINE_TTL_S,
      refresh_token: refreshToken,
      refresh_token_expires_in: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
    },
  };
}

/** The merchant removed the app: every token of the app for the shop is revoked. */
export function uninstallApp(shop: ShopState): void {
  shop.tokens.clear();
  shop.refreshTokens.clear();
  shop.migrations.clear();
}
