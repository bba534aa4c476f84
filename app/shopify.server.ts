// shopifyApp(): embedded auth (token exchange), session storage, webhooks.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { config } from "./config.server";
import prisma from "./db.server";
import { ADMIN_API_VERSION } from "./gateways/shopify/api-version";
import { recordInstallation } from "./services/shop/record-installation.server";
import { RenewingSessionStorage } from "./services/shopify/offline-session-storage.server";

const settings = config();

const shopify = shopifyApp({
  apiKey: settings.SHOPIFY_API_KEY,
  apiSecretKey: settings.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: settings.SCOPES,
  appUrl: settings.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Offline sessions are renewed (or migrated) on load, once per shop across
  // processes: see services/shopify/offline-session-storage.server.ts.
  sessionStorage: new RenewingSessionStorage(new PrismaSessionStorage(prisma)),
  distribution: AppDistribution.AppStore,
  future: {
    // Shopify-managed installation + token exchange: no OAuth redirects
    // inside the iframe; the session token App Bridge sends is exchanged for
    // an access token server-side.
    unstable_newEmbeddedAuthStrategy: true,
    // Offline tokens that expire after 60 minutes, with a refresh token:
    // Shopify refuses non-expiring offline tokens of public apps from
    // 2027-01-01. Token exchange asks for them (expiring=1); renewal and the
    // migration of existing non-expiring tokens are ours, coordinated across
    // processes (services/shopify/offline-token.server.ts).
    // https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstallation(session.shop, admin);
    },
  },
  ...(settings.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [settings.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;

/**
 * The library's authenticate, except that `authenticate.admin` first refuses
 * (401, nothing exchanged or recorded) a session token whose claims do not
 * name one shop. @shopify/shopify-api 15 checks the token's signature, expiry
 * and audience, then takes the shop from `dest` without comparing it with
 * `iss`; Shopify's session-token page asks apps to check that `iss` (the
 * shop's admin) and `dest` (the shop) name the same shop
 * (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens).
 * Reading the claims before the library verifies the signature is safe: they
 * only ever cause a refusal; a token that passes still goes through every
 * check of the library.
 */
export const authenticate: typeof shopify.authenticate = {
  ...shopify.authenticate,
  admin: ((request: Request) => {
    if (sessionTokenNamesTwoShops(request)) throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
    return shopify.authenticate.admin(request);
  }) as typeof shopify.authenticate.admin,
};
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/**
 * True when the request carries a session token (bearer header, or `id_token`
 * in a document URL) whose `iss` is not `https://<shop>/admin` for the shop
 * `dest` names, or whose `dest` is not a shop's domain. A request without a
 * token, or with one that is not a JWT, is left to the library.
 */
function sessionTokenNamesTwoShops(request: Request): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
  const token = bearer ?? new URL(request.url).searchParams.get("id_token");
  const payload = token?.split(".")[1];
  if (!payload) return false;
  let claims: { iss?: unknown; dest?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return false;
  }
  if (typeof claims?.iss !== "string" || typeof claims.dest !== "string") return true;
  const shop = URL.canParse(claims.dest) ? new URL(claims.dest) : null;
  const customDomain = settings.SHOP_CUSTOM_DOMAIN;
  const isShop = !!shop && shop.protocol === "https:" && (SHOP_HOST.test(shop.hostname) || (!!customDomain && shop.hostname.endsWith(`.${customDomain}`)));
  return !isShop || claims.iss !== `https://${shop.hostname}/admin`;
}
