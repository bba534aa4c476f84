// Builders for requests Shopify sends: admin documents carrying an App Bridge
// session token, and HMAC-signed webhooks.
import { createHmac, randomUUID } from "node:crypto";

const APP_URL = () => process.env.SHOPIFY_APP_URL!;

function base64url(input: Buffer | string) {
  return Buffer.from(input).toString("base64url");
}

/**
 * A session token as App Bridge mints it: an HS256 JWT signed with the app's
 * secret (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens).
 * `iss` (the shop's admin) and `dest` (the shop) can be overridden to mint a
 * token whose claims disagree with each other.
 */
export function mintSessionToken(
  shop: string,
  options: { secret?: string; apiKey?: string; expiresInSeconds?: number; userId?: string; iss?: string; dest?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: options.iss ?? `https://${shop}/admin`,
    dest: options.dest ?? `https://${shop}`,
    aud: options.apiKey ?? process.env.SHOPIFY_API_KEY,
    sub: options.userId ?? "42",
    exp: now + (options.expiresInSeconds ?? 60),
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", options.secret ?? process.env.SHOPIFY_API_SECRET!)
    .update(signingInput)
    .digest("base64url");
  return `${signingInput}.${signature}`;
}

/** A document request as the admin iframe makes it, with `id_token` in the URL. */
export function adminDocumentRequest(shop: string, pathname: string, token: string | null, extra: Record<string, string> = {}) {
  const url = new URL(pathname, APP_URL());
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
  if (token) url.searchParams.set("id_token", token);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return new Request(url);
}

/** A fetch from the app's own front end: App Bridge adds the bearer token. */
export function adminFetchRequest(pathname: string, token: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(pathname, APP_URL()), { ...init, headers });
}

export type WebhookOptions = { webhookId?: string; secret?: string; hmac?: string; apiVersion?: string };

/** A webhook as Shopify delivers it, signed with the app secret (or a given bad HMAC). */
export function webhookRequest(topic: string, shop: string, payload: unknown, options: WebhookOptions = {}) {
  const body = JSON.stringify(payload);
  const hmac =
    options.hmac ??
    createHmac("sha256", options.secret ?? process.env.SHOPIFY_API_SECRET!).update(body, "utf8").digest("base64");
  return new Request(new URL(`/webhooks/${topic.replace("/", "/")}`, APP_URL()), {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-API-Version": options.apiVersion ?? "2026-01",
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Event-Id": randomUUID(),
    },
  });
}

/**
 * Stores an offline session, as token exchange would have left it: an
 * expiring token (one hour from now) with its refresh token. With
 * `nonExpiring`, a token from before expiring offline tokens (no expiry, no
 * refresh token), which the app migrates the next time it loads the session.
 */
export async function storeOfflineSession(shop: string, accessToken = "shpat_test", options: { nonExpiring?: boolean; refreshToken?: string } = {}) {
  const { default: prisma } = await import("~/db.server");
  const expiring = options.nonExpiring
    ? {}
    : { expires: new Date(Date.now() + 3_600_000), refreshToken: options.refreshToken ?? "shprt_test", refreshTokenExpires: new Date(Date.now() + 90 * 86_400_000) };
  await prisma.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      scope: process.env.SCOPES,
      accessToken,
      ...expiring,
    },
  });
}
