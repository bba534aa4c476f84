// The token endpoint's expiring offline tokens, as Shopify documents them
// (see the rules and links at the top of oauth.ts): 60-minute access tokens,
// rotating refresh tokens, one active pair per app and shop, the migration
// of non-expiring tokens, and what uninstalling revokes.
import { beforeEach, describe, expect, it } from "vitest";
import { createAdminApi, INVALID_TOKEN_MESSAGE, type AdminApi } from "./admin-api";
import { handleAccessTokenRequest, ID_TOKEN_TYPE, OFFLINE_TOKEN_TYPE, sessionTokenPayload, signSessionToken, TOKEN_EXCHANGE_GRANT } from "./oauth";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "./seed";
import { createManualClock, type ManualClock } from "./state";

const APP = { apiKey: "stand-in-key", apiSecret: "stand-in-secret", scopes: "read_orders,write_orders" };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Pair = { access_token: string; refresh_token: string; expires_in: number; refresh_token_expires_in: number; scope: string };

let clock: ManualClock;
let api: AdminApi;

beforeEach(() => {
  clock = createManualClock(Date.parse("2026-12-01T09:00:00Z"));
  api = createAdminApi({ clock, app: APP });
});

const client = { client_id: APP.apiKey, client_secret: APP.apiSecret };
const token = (params: Record<string, string>) => handleAccessTokenRequest(api.state, DEMO_SHOP_DOMAIN, { ...client, ...params });

function exchange(extra: Record<string, string> = { expiring: "1" }) {
  const sessionToken = signSessionToken(sessionTokenPayload({ shop: DEMO_SHOP_DOMAIN, apiKey: APP.apiKey, userId: 118000001, nowMs: clock.now() }), APP.apiSecret);
  return token({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: sessionToken, subject_token_type: ID_TOKEN_TYPE, requested_token_type: OFFLINE_TOKEN_TYPE, ...extra });
}
const refresh = (refreshToken: string) => token({ grant_type: "refresh_token", refresh_token: refreshToken });
const migrate = (offlineToken: string, extra: Record<string, string> = { expiring: "1" }) =>
  token({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: offlineToken, subject_token_type: OFFLINE_TOKEN_TYPE, requested_token_type: OFFLINE_TOKEN_TYPE, ...extra });

function pairOf(response: { status: number; body: Record<string, unknown> }): Pair {
  expect(response.status).toBe(200);
  return response.body as Pair;
}

/** The HTTP status the Admin API answers `accessToken` with now. */
async function adminStatus(accessToken: string): Promise<number> {
  const response = await api.execute(DEMO_SHOP_DOMAIN, accessToken, { query: "{ shop { name } }" });
  if (response.status === 401) expect(response.body).toEqual({ errors: INVALID_TOKEN_MESSAGE });
  return response.status;
}

describe("expiring offline tokens", () => {
  it("come from token exchange with expiring=1: 60 minutes, with a 90-day refresh token; expired, the Admin API answers 401", async () => {
    const pair = pairOf(exchange());
    expect(pair).toEqual({
      access_token: expect.stringMatching(/^shpat_/),
      scope: "write_orders",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^shprt_/),
      refresh_token_expires_in: 7_776_000,
    });
    expect(await adminStatus(pair.access_token)).toBe(200);
    clock.advance(60 * MINUTE);
    expect(await adminStatus(pair.access_token)).toBe(401);
  });

  it("refresh with rotation: each refresh answers a new pair and revokes the previous access token", async () => {
    const first = pairOf(exchange());
    const second = pairOf(refresh(first.refresh_token));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(await adminStatus(second.access_token)).toBe(200);
    expect(await adminStatus(first.access_token)).toBe(401);
  });

  it("refuses a refresh token once its replacement was used", async () => {
    const first = pairOf(exchange());
    const second = pairOf(refresh(first.refresh_token));
    const third = pairOf(refresh(second.refresh_token));
    expect(refresh(first.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await adminStatus(third.access_token)).toBe(200);
  });

  it("lets a used refresh token be retried until its replacement is used (a lost answer), and the retry replaces the lost pair", async () => {
    const first = pairOf(exchange());
    const lost = pairOf(refresh(first.refresh_token));
    const retried = pairOf(refresh(first.refresh_token));
    expect(retried.access_token).not.toBe(lost.access_token);
    // One active pair: the lost one is revoked, its refresh token too.
    expect(await adminStatus(lost.access_token)).toBe(401);
    expect(refresh(lost.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    pairOf(refresh(retried.refresh_token));
    expect(refresh(first.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("allows that retry for 30 days from the first use only, and no refresh token after its 90 days", async () => {
    const first = pairOf(exchange());
    pairOf(refresh(first.refresh_token));
    clock.advance(30 * DAY + 1);
    expect(refresh(first.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const unused = pairOf(exchange());
    clock.advance(90 * DAY);
    expect(refresh(unused.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("keeps one active pair per app and shop: a new token exchange revokes the earlier pair and the non-expiring token", async () => {
    const earlier = pairOf(exchange());
    const later = pairOf(exchange());
    expect(await adminStatus(earlier.access_token)).toBe(401);
    expect(refresh(earlier.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await adminStatus(later.access_token)).toBe(200);
    // The shop's non-expiring token cycled to the expiring pair.
    expect(await adminStatus(DEMO_ACCESS_TOKEN)).toBe(401);
  });

  it("are refused to another app's credentials", () => {
    const pair = pairOf(exchange());
    const response = handleAccessTokenRequest(api.state, DEMO_SHOP_DOMAIN, { client_id: APP.apiKey, client_secret: "wrong", grant_type: "refresh_token", refresh_token: pair.refresh_token });
    expect(response).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});

describe("migrating a non-expiring offline token", () => {
  it("exchanges it for an expiring pair; the original token is invalid afterwards", async () => {
    const pair = pairOf(migrate(DEMO_ACCESS_TOKEN));
    expect(pair).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) });
    expect(await adminStatus(pair.access_token)).toBe(200);
    expect(await adminStatus(DEMO_ACCESS_TOKEN)).toBe(401);
  });

  it("answers a retry within 7 days with the same pair, until that pair is refreshed", async () => {
    const pair = pairOf(migrate(DEMO_ACCESS_TOKEN));
    clock.advance(2 * DAY);
    const retry = pairOf(migrate(DEMO_ACCESS_TOKEN));
    expect(retry).toMatchObject({ access_token: pair.access_token, refresh_token: pair.refresh_token, expires_in: 3600 });
    expect(await adminStatus(pair.access_token)).toBe(200);
    pairOf(refresh(pair.refresh_token));
    expect(migrate(DEMO_ACCESS_TOKEN)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("needs expiring=1, and a non-expiring offline token as the subject", () => {
    expect(migrate(DEMO_ACCESS_TOKEN, {})).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const expiring = pairOf(exchange());
    expect(migrate(expiring.access_token)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("is refused, like every non-expiring token, once those are refused (Shopify: from 2027-01-01)", async () => {
    api.control.refuseNonExpiringTokensFrom(Date.parse("2027-01-01T00:00:00Z"));
    expect(await adminStatus(DEMO_ACCESS_TOKEN)).toBe(200);
    clock.set(Date.parse("2027-01-01T00:00:00Z"));
    expect(await adminStatus(DEMO_ACCESS_TOKEN)).toBe(401);
    expect(migrate(DEMO_ACCESS_TOKEN)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    // An expiring token is what still works.
    expect(await adminStatus(pairOf(exchange()).access_token)).toBe(200);
  });
});

describe("uninstalling", () => {
  it("revokes every token: the access token answers 401, the refresh token and the migration are refused", async () => {
    const pair = pairOf(exchange());
    api.control.uninstall(DEMO_SHOP_DOMAIN);
    expect(await adminStatus(pair.access_token)).toBe(401);
    expect(refresh(pair.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(migrate(DEMO_ACCESS_TOKEN)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });
});

describe("the record of token requests", () => {
  it("lists each answered grant with its status, so tests can count refreshes", () => {
    const pair = pairOf(exchange());
    pairOf(refresh(pair.refresh_token));
    refresh("shprt_unknown");
    expect(api.control.tokenRequests(DEMO_SHOP_DOMAIN).map(({ grant, status }) => [grant, status])).toEqual([
      ["token_exchange", 200],
      ["refresh_token", 200],
      ["refresh_token", 400],
    ]);
  });
});
