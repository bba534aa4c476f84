// The embedded admin only answers requests that carry a valid App Bridge
// session token for an installed shop.
import { describe, expect, it, beforeAll } from "vitest";
import { loader as appLoader } from "~/routes/app";
import { loader as homeLoader } from "~/routes/app._index";
import prisma from "~/db.server";
import { callRoute as callLoader } from "../helpers/remix";
import { adminDocumentRequest, adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";

const SHOP = "auth-test.myshopify.com";


beforeAll(async () => {
  await storeOfflineSession(SHOP);
});

describe("embedded admin authentication", () => {
  it("redirects a document request without a session token to the session-token bounce page", async () => {
    const response = await callLoader(appLoader, adminDocumentRequest(SHOP, "/app", null));
    expect(response).toBeInstanceOf(Response);
    const { status, headers } = response as Response;
    expect(status).toBe(302);
    expect(headers.get("location")).toContain("/auth/session-token");
  });

  it("sends a request with neither token nor shop to the login page", async () => {
    const response = (await callLoader(appLoader, adminFetchRequest("/app", null))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("/auth/login");
  });

  it("rejects a token signed with another secret", async () => {
    const forged = mintSessionToken(SHOP, { secret: "not-the-app-secret" });
    const response = await callLoader(appLoader, adminFetchRequest("/app", forged));
    expect((response as Response).status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const expired = mintSessionToken(SHOP, { expiresInSeconds: -120 });
    const response = await callLoader(appLoader, adminFetchRequest("/app", expired));
    expect((response as Response).status).toBe(401);
  });

  it("serves the app to a valid token and records the shop and the merchant's language", async () => {
    const request = adminDocumentRequest(SHOP, "/app", mintSessionToken(SHOP), { locale: "fr-FR" });
    const data = await callLoader(appLoader, request);
    expect(data).toEqual({ apiKey: "test-api-key", appBridgeUrl: null, locale: "fr", shop: SHOP });
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.locale).toBe("fr");
  });

  it("serves the home page data for the token's shop only", async () => {
    const data = (await callLoader(homeLoader, adminFetchRequest("/app", mintSessionToken(SHOP)))) as {
      shop: { domain: string };
    };
    expect(data.shop.domain).toBe(SHOP);
  });
});
