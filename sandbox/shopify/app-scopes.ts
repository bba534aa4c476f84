// The app's access scopes on a shop: required ones (granted at install, the
// app's `scopes`) and optional ones (shopify.app.toml `optional_scopes`),
// which a merchant grants later, shop by shop, from the admin's permission
// modal (App Bridge `shopify.scopes.request`, or the install URL with
// `optional_scopes`), and which the app reads back with
// `app { requestedAccessScopes optionalAccessScopes installation { accessScopes } }`
// (the query @shopify/shopify-app-remix's `scopes.query()` sends).
//
// What Shopify does, and the stand-in with it:
// - Only scopes declared as optional can be requested after install; a grant
//   applies to the installation, so the app's access tokens carry it from then
//   on (the stand-in adds it to the shop's live tokens and to later exchanges).
//   https://shopify.dev/docs/apps/build/authentication-authorization/app-installation/manage-access-scopes
// - `installation.accessScopes` lists what the installation holds now.
//   https://shopify.dev/docs/api/admin-graphql/latest/queries/app
// - Every change of the installation's scopes (a grant, a revocation) is an
//   `app/scopes_update` webhook with the scopes before and after:
//   {"id", "previous": [...], "current": [...], "updated_at", "shop_id"}
//   (https://shopify.dev/changelog/new-webhook-topic-app-scopes_update;
//   `shop_id` since 2025-07: https://shopify.dev/changelog/add-shopid-to-appscopesupdate-webhook-payload),
//   sent by the stand-in's one sender (webhooks.ts) to `{webhookUrl}/app/scopes_update`;
//   nothing is sent when nothing changed.
import { ShopifyResolverError } from "./errors";
import type { View } from "./resolvers";
import { splitScopes, type ShopState, type StandInState } from "./state";
import { deliverWebhook, type WebhookDelivery } from "./webhooks";

/** The `app/scopes_update` webhook of a change from `previous` to the installation's scopes now; null when they are the same. */
export function notifyScopesUpdate(state: StandInState, shop: ShopState, previous: readonly string[]): Promise<WebhookDelivery> | null {
  const current = installationScopes(state, shop);
  if (previous.length === current.length && previous.every((scope) => current.includes(scope))) return null;
  const legacyId = Number(shop.shop.id.split("/").pop());
  const url = state.webhookUrl ? `${state.webhookUrl.replace(/\/$/, "")}/app/scopes_update` : null;
  const payload = { id: legacyId, previous: [...previous], current, updated_at: new Date(state.clock.now()).toISOString(), shop_id: legacyId };
  return deliverWebhook(state, { url, topic: "app/scopes_update", shop: shop.shop.myshopifyDomain, payload });
}

const scopeView = (handle: string): View => ({ __typename: "AccessScope", handle, description: `The ${handle} access scope.` });

/** `accessScopes` of the installation: the scopes the requesting token carries. */
export function accessScopesView(scopes: readonly string[]): View[] {
  return scopes.map(scopeView);
}

/** `app` (the requesting app): its required and optional scopes, and its installation on the shop. */
export function appView(state: StandInState, installation: View, scopes: readonly string[]): View {
  return {
    __typename: "App",
    id: `gid://shopify/App/${state.app.apiKey.length}`,
    apiKey: state.app.apiKey,
    title: "Ritournelle",
    handle: "ritournelle",
    requestedAccessScopes: splitScopes(state.app.scopes).map(scopeView),
    optionalAccessScopes: splitScopes(state.app.optionalScopes).map(scopeView),
    installation: { ...installation, accessScopes: accessScopesView(scopes) },
  };
}

/**
 * The merchant grants optional scopes (the permission modal's "Grant"): they
 * join the installation and every live token and refresh token of the shop.
 * @throws when a scope is not one the app declared optional (Shopify refuses the request).
 */
export function grantOptionalScopes(state: StandInState, shop: ShopState, scopes: readonly string[]): void {
  const declared = new Set(splitScopes(state.app.optionalScopes));
  const undeclared = scopes.filter((scope) => !declared.has(scope));
  if (undeclared.length > 0) throw new ShopifyResolverError(`Scopes not declared as optional by the app: ${undeclared.join(", ")}`, "BAD_REQUEST");
  for (const scope of scopes) if (!shop.optionalScopesGranted.includes(scope)) shop.optionalScopesGranted.push(scope);
  for (const grant of [...shop.tokens.values(), ...shop.refreshTokens.values()]) {
    for (const scope of scopes) if (!grant.scopes.includes(scope)) grant.scopes.push(scope);
  }
}

/** What a token exchange for the shop grants: the app's required scopes and the optional ones the shop granted. */
export function installationScopes(state: StandInState, shop: ShopState): string[] {
  const required = splitScopes(state.app.scopes);
  return [...required, ...shop.optionalScopesGranted.filter((scope) => !required.includes(scope))];
}

/** The merchant revokes optional scopes (or the app does, `appRevokeAccessScopes`): they leave the installation and its tokens. */
export function revokeOptionalScopes(shop: ShopState, scopes: readonly string[]): void {
  shop.optionalScopesGranted = shop.optionalScopesGranted.filter((scope) => !scopes.includes(scope));
  for (const grant of [...shop.tokens.values(), ...shop.refreshTokens.values()]) grant.scopes = grant.scopes.filter((scope) => !scopes.includes(scope));
}
