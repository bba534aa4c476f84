// A merchant revokes, in Shopify's admin, the optional scope the Shopify
// invoice rail needs (write_draft_orders): Shopify sends app/scopes_update
// (the stand-in's own delivery, re-signed here as Shopify signs it; a bad
// HMAC refused; a redelivery changing nothing), the stored sessions follow,
// each Shopify-invoice template's trail says from when its invoices are
// blocked, and the home page and that template's page say it before the next
// period fails — asking Shopify, not the stored session. Granting it again
// clears it.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { eventText } from "~/components/template/event-labels";
import { ManualClock } from "~/domain/clock";
import { translator } from "~/i18n";
import { loader as homeLoader } from "~/routes/app._index";
import { loader as templateLoader } from "~/routes/app.templates.$id";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { createTemplate } from "~/services/templates/create.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { templateInput } from "../helpers/recurring";
import { asResponse, callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, storeOfflineSession, webhookRequest } from "../helpers/shopify";
import { installDemoShop, createShopifyRailTemplate } from "../helpers/shopify-rail";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const standIn = withShopifyStandIn();
const TOKEN = "shpat_rail_scope";
const RAIL = ["write_draft_orders"];

beforeAll(async () => {
  await storeOfflineSession(DEMO_SHOP_DOMAIN, TOKEN);
});

beforeEach(async () => {
  standIn().control.reset();
  standIn().control.setWebhookUrl(null); // deliveries are recorded; this test delivers them to the route
  standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, "read_orders,read_customers,write_orders,read_products");
  await prisma.shop.deleteMany();
  await prisma.webhookDelivery.deleteMany();
});

/** A shop with one recurring invoice on each rail. */
async function twoTemplates() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const onShopify = await createShopifyRailTemplate(shop, templateInput(), clock);
  const onStripe = await createTemplate(shop, templateInput({ customer: { ...templateInput().customer, email: "autre@example.fr" } }), { clock });
  return { shop, onShopify, onStripe };
}

/** The stand-in's latest app/scopes_update, delivered to the app's route as Shopify signs it. */
async function deliverLatest(options: { webhookId?: string; hmac?: string } = {}) {
  const delivery = standIn().control.webhookDeliveries().filter((d) => d.topic === "app/scopes_update").at(-1)!;
  const request = webhookRequest("app/scopes_update", DEMO_SHOP_DOMAIN, JSON.parse(delivery.body), { webhookId: options.webhookId ?? delivery.webhookId, ...(options.hmac ? { hmac: options.hmac } : {}) });
  try {
    return asResponse(await callRoute(scopesUpdate, request)).status;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

const trailOf = (templateId: string) => prisma.runEvent.findMany({ where: { templateId, type: { startsWith: "template.rail_scope" } }, orderBy: { id: "asc" } });
const home = async () => (await callRoute(homeLoader, adminFetchRequest("/app", mintSessionToken(DEMO_SHOP_DOMAIN)))) as { railScopeLost: { templates: number } | null };
const templatePage = async (id: string) => (await callRoute(templateLoader, adminFetchRequest(`/app/templates/${id}`, mintSessionToken(DEMO_SHOP_DOMAIN)), { id })) as { railScopeLost: boolean };

describe("app/scopes_update: the Shopify invoice rail's scope revoked, then granted again", () => {
  it("records it on each Shopify-invoice template, keeps the sessions in step, and the pages say it before the next period fails", async () => {
    const { onShopify, onStripe } = await twoTemplates();
    await standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL);
    expect(await deliverLatest()).toBe(200);
    expect(await home()).toMatchObject({ railScopeLost: null });

    await standIn().control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, RAIL);
    expect(await deliverLatest({ hmac: "bm90IGEgc2lnbmF0dXJl" })).toBe(401); // not Shopify's: nothing recorded
    expect((await trailOf(onShopify.id)).map((e) => e.type)).toEqual(["template.rail_scope_granted"]);
    expect(await deliverLatest()).toBe(200);
    expect(await deliverLatest()).toBe(200); // Shopify's retry of the same delivery: recorded once
    expect((await trailOf(onShopify.id)).map((e) => [e.type, e.actor])).toEqual([
      ["template.rail_scope_granted", "shopify"],
      ["template.rail_scope_revoked", "shopify"],
    ]);
    expect(await trailOf(onStripe.id)).toEqual([]);
    const session = await prisma.session.findUniqueOrThrow({ where: { id: `offline_${DEMO_SHOP_DOMAIN}` } });
    expect(session.scope?.split(",")).not.toContain("write_draft_orders");

    expect(await home()).toMatchObject({ railScopeLost: { templates: 1 } });
    expect(await templatePage(onShopify.id)).toMatchObject({ railScopeLost: true });
    expect(await templatePage(onStripe.id)).toMatchObject({ railScopeLost: false });

    await standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL);
    expect(await deliverLatest()).toBe(200);
    expect((await trailOf(onShopify.id)).map((e) => e.type)).toEqual(["template.rail_scope_granted", "template.rail_scope_revoked", "template.rail_scope_granted"]);
    expect(await home()).toMatchObject({ railScopeLost: null });
    expect(await templatePage(onShopify.id)).toMatchObject({ railScopeLost: false });
  });

  it("the pages ask Shopify, not the stored session: a revocation whose webhook has not arrived yet is shown too", async () => {
    const { onShopify } = await twoTemplates();
    await standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL);
    await standIn().control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, RAIL); // not delivered
    expect(await templatePage(onShopify.id)).toMatchObject({ railScopeLost: true });
  });

  it("names it on the trail in English and French", () => {
    const label = (locale: "en" | "fr", type: string) => eventText(translator(locale), { type, toState: null, cause: "write_draft_orders" });
    expect(label("en", "template.rail_scope_revoked")).toMatch(/^Shopify invoices blocked: the draft orders permission was removed/);
    expect(label("fr", "template.rail_scope_revoked")).toMatch(/^Factures Shopify bloquées : l’autorisation des commandes provisoires a été retirée/);
    expect(label("en", "template.rail_scope_granted")).toMatch(/^Shopify invoices possible: the draft orders permission is granted/);
    expect(label("fr", "template.rail_scope_granted")).toMatch(/^Factures Shopify possibles : l’autorisation des commandes provisoires est accordée/);
  });
});
