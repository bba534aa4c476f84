// Every route that reads a body answers a malformed one with a 400 saying
// what was wrong — a multipart body without its boundary (a TypeError out of
// the platform's parser, a 500, before), bytes that are not UTF-8, a field far
// over its size, a content type the route does not read, JSON that does not
// parse — and writes nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { action as stripeSettingsAction } from "~/routes/app.settings.stripe";
import { action as templatePageAction } from "~/routes/app.templates.$id";
import { action as newTemplateAction } from "~/routes/app.templates.new";
import { action as extensionAction } from "~/routes/api.extension.orders.$orderId";
import { action as signAction } from "~/routes/sign.$token";
import { action as verifyAction } from "~/routes/verify";
import { DEMO_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { callPublic } from "../helpers/signing";
import { tableRowCounts } from "../helpers/tables";

const SHOP = DEMO_SHOP_DOMAIN;
const APP = "https://ritournelle.test";
const NO_BOUNDARY = { "Content-Type": "multipart/form-data" };
const notUtf8 = new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xc3, 0x28, 0xff]);

let standIn: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  await configureDatabase(prisma);
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
  // The shop's install (session, shop row) happens on its first authenticated request: before the snapshots.
  await callRoute(settingsLoader, adminFetchRequest("/app/settings", mintSessionToken(SHOP)));
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

const admin = (path: string, body: BodyInit, headers: Record<string, string>) =>
  adminFetchRequest(path, mintSessionToken(SHOP), { method: "POST", body, headers: { "Accept-Language": "fr-FR", ...headers } });

async function status(value: unknown): Promise<{ status: number; message: string }> {
  const response = value as Response;
  const body = (await response.json()) as { message?: string };
  return { status: response.status, message: body.message ?? "" };
}

describe("malformed bodies on the admin's routes", () => {
  it.each([
    ["/app/settings", settingsAction],
    ["/app/settings/stripe", stripeSettingsAction],
    ["/app/templates/unknown", templatePageAction],
  ] as [string, (args: ActionFunctionArgs) => Promise<unknown>][])("%s: multipart without a boundary, bad UTF-8, a huge field → 400 with a message, nothing written", async (path, action) => {
    const before = await tableRowCounts();
    const params = { id: "unknown" };
    const noBoundary = await status(await callRoute(action, admin(path, "--x\r\n\r\n", NO_BOUNDARY), params));
    expect(noBoundary).toEqual({ status: 400, message: expect.stringContaining("délimiteur") });
    const encoding = await status(await callRoute(action, admin(path, notUtf8, { "Content-Type": "application/x-www-form-urlencoded" }), params));
    expect(encoding).toEqual({ status: 400, message: expect.stringContaining("UTF-8") });
    const huge = await status(await callRoute(action, admin(path, `intent=${"x".repeat(70_000)}`, { "Content-Type": "application/x-www-form-urlencoded" }), params));
    expect(huge).toEqual({ status: 400, message: expect.stringContaining("« intent » est trop long") });
    const json = await status(await callRoute(action, admin(path, "{}", { "Content-Type": "application/json" }), params));
    expect(json.status).toBe(400);
    expect(await tableRowCounts()).toEqual(before);
  });

  it("JSON routes refuse a body that is not JSON with their own 400", async () => {
    const answer = await callRoute(newTemplateAction, admin("/app/templates/new", "{not json", { "Content-Type": "application/json" }));
    expect(answer).toMatchObject({ init: { status: 400 } });
  });
});

describe("malformed bodies on the public pages and the extension API", () => {
  it("/sign/<token>: multipart without a boundary is a 400 the page explains", async () => {
    const request = new Request(`${APP}/sign/abc`, { method: "POST", headers: { ...NO_BOUNDARY, "accept-language": "en" }, body: "--x\r\n" });
    const answer = await callPublic<{ outcome: { kind: string; message: string } }>(signAction, request, { token: "abc" }, "203.0.113.70");
    expect(answer.status).toBe(400);
    expect(answer.body.outcome).toEqual({ kind: "bad_request", message: expect.stringContaining("no boundary") });
  });

  it("/verify: multipart without a boundary, or a form that is not UTF-8, is a 400 the page explains", async () => {
    const noBoundary = new Request(`${APP}/verify`, { method: "POST", headers: { ...NO_BOUNDARY, "accept-language": "fr" }, body: "--x\r\n" });
    const answer = await callPublic<{ badRequest: string }>(verifyAction, noBoundary, {}, "203.0.113.71");
    expect(answer).toMatchObject({ status: 400, body: { badRequest: expect.stringContaining("délimiteur") } });
    const encoding = new Request(`${APP}/verify`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: notUtf8 });
    expect((await callPublic(verifyAction, encoding, {}, "203.0.113.71")).status).toBe(400);
  });

  it("the extension API refuses a body that is not JSON with its 400 invalid_input", async () => {
    const request = adminFetchRequest("/api/extension/orders/1001", mintSessionToken(SHOP), { method: "POST", body: "a=1", headers: { "Content-Type": "text/plain" } });
    const answer = (await callRoute(extensionAction, request, { orderId: "1001" })) as Response;
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: "invalid_input" });
  });
});
