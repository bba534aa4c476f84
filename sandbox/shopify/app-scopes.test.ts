// The app's optional scopes on the stand-in: what `app { … }` answers (the
// query @shopify/shopify-app-remix's scopes.query() sends, validated against
// the 2026-01 schema like every document), what a grant changes for the
// shop's tokens and later token exchanges, and draft orders refused without it.
import { beforeEach, describe, expect, it } from "vitest";
import { createAdminApi, type AdminApi } from "./admin-api";
import { handleAccessTokenRequest, ID_TOKEN_TYPE, OFFLINE_TOKEN_TYPE, sessionTokenPayload, signSessionToken, TOKEN_EXCHANGE_GRANT } from "./oauth";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "./seed";
import { createManualClock } from "./state";

const APP = { apiKey: "scopes-key", apiSecret: "scopes-secret", scopes: "read_orders,write_orders,read_customers,read_products", optionalScopes: "write_draft_orders" };

// The library's own document (node_modules/@shopify/shopify-app-remix/…/scope/client/fetch-scopes-details).
const FETCH_ACCESS_SCOPES = `query FetchAccessScopes { app { requestedAccessScopes { handle } optionalAccessScopes { handle } installation { accessScopes { handle } } } }`;
const DRAFTS = `{ draftOrders(first: 1) { nodes { id } } }`;

let api: AdminApi;
const clock = createManualClock(Date.parse("2026-12-01T09:00:00Z"));

beforeEach(() => {
  api = createAdminApi({ clock, app: APP });
});

async function scopesOf(token: string) {
  const response = await api.execute(DEMO_SHOP_DOMAIN, token, { query: FETCH_ACCESS_SCOPES });
  expect(response.status).toBe(200);
  const app = (response.body as { data: { app: Record<string, { handle: string }[]> & { installation: { accessScopes: { handle: string }[] } } } }).data.app;
  const handles = (list: { handle: string }[]) => list.map((scope) => scope.handle);
  return { required: handles(app.requestedAccessScopes!), optional: handles(app.optionalAccessScopes!), granted: handles(app.installation.accessScopes) };
}

function exchangedToken(): string {
  const sessionToken = signSessionToken(sessionTokenPayload({ shop: DEMO_SHOP_DOMAIN, apiKey: APP.apiKey, userId: 1, nowMs: clock.now() }), APP.apiSecret);
  const answer = handleAccessTokenRequest(api.state, DEMO_SHOP_DOMAIN, {
    client_id: APP.apiKey,
    client_secret: APP.apiSecret,
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: sessionToken,
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: OFFLINE_TOKEN_TYPE,
    expiring: "1",
  });
  expect(answer.status).toBe(200);
  return String(answer.body.access_token);
}

describe("optional scopes", () => {
  it("answers the library's scopes query: required, optional, and what the installation holds (not the optional scope until granted)", async () => {
    const token = exchangedToken();
    expect(await scopesOf(token)).toEqual({ required: APP.scopes.split(","), optional: ["write_draft_orders"], granted: APP.scopes.split(",") });
    const refused = await api.execute(DEMO_SHOP_DOMAIN, token, { query: DRAFTS });
    expect(JSON.stringify(refused.body)).toContain("ACCESS_DENIED");
  });

  it("a grant reaches the shop's live tokens and later exchanges, and opens draft orders; the other shop is untouched; a revocation closes them again", async () => {
    // The seeded (non-expiring) token is live until an expiring exchange cycles it.
    expect((await scopesOf(DEMO_ACCESS_TOKEN)).granted).not.toContain("write_draft_orders");
    api.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
    expect((await scopesOf(DEMO_ACCESS_TOKEN)).granted).toContain("write_draft_orders");
    api.control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
    const token = exchangedToken();
    api.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
    expect((await scopesOf(token)).granted).toContain("write_draft_orders"); // the live expiring token
    // A later exchange (which replaces the expiring token above) carries it too.
    const next = exchangedToken();
    expect((await scopesOf(next)).granted).toContain("write_draft_orders");
    const drafts = await api.execute(DEMO_SHOP_DOMAIN, next, { query: DRAFTS });
    expect(drafts.status).toBe(200);
    expect(JSON.stringify(drafts.body)).not.toContain("ACCESS_DENIED");
    expect(api.control.appScopes(OTHER_SHOP_DOMAIN).granted).not.toContain("write_draft_orders");

    api.control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
    const after = exchangedToken();
    expect((await scopesOf(after)).granted).not.toContain("write_draft_orders");
    expect(JSON.stringify((await api.execute(DEMO_SHOP_DOMAIN, after, { query: DRAFTS })).body)).toContain("ACCESS_DENIED");
  });

  it("refuses to grant a scope the app did not declare optional, as Shopify does", () => {
    expect(() => api.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_products"])).toThrow(/not declared as optional/);
    expect(api.control.appScopes(DEMO_SHOP_DOMAIN).granted).not.toContain("write_products");
  });
});
