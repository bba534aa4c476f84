// Shopify's token endpoint, POST https://{shop}/admin/oauth/access_token, for
// the two grants background work needs (the embedded admin's token exchange
// of session tokens is @shopify/shopify-app-remix's):
// - refresh_token: an expiring offline token's refresh token for a new pair
//   (a new access token for 60 minutes and a new refresh token; the refresh
//   token rotates);
//   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
// - token exchange of a non-expiring offline token for an expiring pair: the
//   migration Shopify documents for shops that will not open the app before
//   non-expiring tokens stop working (2027-01-01);
//   https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
// Bodies as @shopify/shopify-api sends them (its refreshToken and
// migrateToExpiringToken), answers parsed with the app's clock so the
// expiry is on the same time line as the checks that read it.
import { config } from "~/config.server";

const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
/** Kept well under the renewal lease (services/shopify/offline-token.server.ts), so a hung call never outlives it. */
const REQUEST_TIMEOUT_MS = 10_000;

/** An expiring offline access token with its refresh token; `scope` null when Shopify did not say. */
export type ExpiringOfflineToken = { accessToken: string; scope: string | null; expires: Date; refreshToken: string; refreshTokenExpires: Date };

/**
 * Shopify refused the grant for good (400 invalid_grant or
 * invalid_subject_token): the token sent is revoked (the app was uninstalled),
 * expired, retired (a refresh token whose replacement was used) or, for a
 * migration, no longer a valid non-expiring token. Retrying cannot help; only
 * the merchant opening the app again gets new tokens.
 */
export class ShopifyTokenRefusedError extends Error {
  override readonly name = "ShopifyTokenRefusedError";

  constructor(
    readonly shop: string,
    readonly code: string,
    description: string,
  ) {
    super(`Shopify refused the token request of ${shop}: ${code} (${description})`);
  }
}

/** A new expiring pair for `refreshToken`. @throws ShopifyTokenRefusedError; any other error is transient. */
export function refreshOfflineToken(shop: string, refreshToken: string, now: Date): Promise<ExpiringOfflineToken> {
  return requestToken(shop, { grant_type: "refresh_token", refresh_token: refreshToken }, now);
}

/** An expiring pair in place of the shop's non-expiring offline token. @throws ShopifyTokenRefusedError; any other error is transient. */
export function exchangeNonExpiringToken(shop: string, accessToken: string, now: Date): Promise<ExpiringOfflineToken> {
  return requestToken(
    shop,
    {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: accessToken,
      subject_token_type: OFFLINE_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
      expiring: "1",
    },
    now,
  );
}

type TokenAnswer = {
  access_token?: unknown;
  scope?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
};

async function requestToken(shop: string, grant: Record<string, string>, now: Date): Promise<ExpiringOfflineToken> {
  const settings = config();
  const url = new URL("/admin/oauth/access_token", `https://${shop}`);
  if (url.hostname !== shop) throw new Error(`Not a shop domain: ${shop}`);
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ client_id: settings.SHOPIFY_API_KEY, client_secret: settings.SHOPIFY_API_SECRET, ...grant }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (response.status === 400 && (answer.error === "invalid_grant" || answer.error === "invalid_subject_token")) {
    throw new ShopifyTokenRefusedError(shop, answer.error, String(answer.error_description ?? ""));
  }
  if (!response.ok) throw new Error(`Shopify's token endpoint answered ${response.status} for ${shop}: ${String(answer.error ?? "")}`);
  const { access_token, scope, expires_in, refresh_token, refresh_token_expires_in } = answer;
  if (typeof access_token !== "string" || typeof refresh_token !== "string" || typeof expires_in !== "number" || typeof refresh_token_expires_in !== "number") {
    throw new Error(`Shopify's token endpoint answered ${shop} without an expiring token and its refresh token`);
  }
  return {
    accessToken: access_token,
    scope: typeof scope === "string" ? scope : null,
    expires: new Date(now.getTime() + expires_in * 1000),
    refreshToken: refresh_token,
    refreshTokenExpires: new Date(now.getTime() + refresh_token_expires_in * 1000),
  };
}
