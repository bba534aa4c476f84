// Whether the shop granted what the Shopify invoice rail needs. The scope is
// optional (shopify.app.toml `optional_scopes`): shops that keep Stripe never
// grant it, and a merchant is asked for it when they first choose "Shopify
// invoice" — in the page, through App Bridge's Scopes API (the admin's
// permission modal: what was typed stays in the form), see
// app/components/RailScopeNotice.tsx. The server asks Shopify what is granted
// with the library's Scopes API (`scopes.query()`, the Admin API's
// `app.installation.accessScopes`), never from the session it stored, which
// can lag behind a grant or a revocation.
// https://shopify.dev/docs/apps/build/authentication-authorization/app-installation/manage-access-scopes
// https://shopify.dev/docs/api/shopify-app-remix/v3/apis/scopes

/** The optional scopes the Shopify invoice rail needs (draft orders: create, send, read, delete). */
export const SHOPIFY_RAIL_SCOPES = ["write_draft_orders"] as const;

/** The part of `authenticate.admin(request).scopes` this needs. */
export type ScopesQuery = { query: () => Promise<{ granted: string[] }> };

/** Answers whether the shop granted the rail's scopes; asks Shopify once, when first called. */
export type RailAccess = () => Promise<boolean>;

/** The shop's answer, from the library's Scopes API (one Admin call, made only if asked). */
export function railAccessOf(scopes: ScopesQuery): RailAccess {
  let answer: Promise<boolean> | null = null;
  return () => {
    answer ??= scopes.query().then(({ granted }) => SHOPIFY_RAIL_SCOPES.every((scope) => granted.includes(scope)));
    return answer;
  };
}
