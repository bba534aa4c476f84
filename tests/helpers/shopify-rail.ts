// The Shopify invoice rail in integration tests: the stand-in and the demo
// shop's access to it, the demo shop installed, a
// template on the rail (the merchant's choice of "Shopify invoice" is
// rail-choice.test.ts's), and a worker that issues it through the app's
// background Admin client and the Shopify stand-in (the Stripe rail a
// MemoryGateway that no test of this rail expects to be called).
import { beforeAll, beforeEach } from "vitest";
import prisma from "~/db.server";
import type { Clock } from "~/domain/clock";
import { upsertInstalledShop } from "~/models/shop.server";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker, type WorkerOptions } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN, type ShopifyStandIn } from "../../sandbox/shopify";
import { MemoryGateway } from "./memory-gateway";
import { storeOfflineSession } from "./shopify";
import { withShopifyStandIn } from "./shopify-stand-in";

/** What the app holds on the demo shop when the merchant granted the rail's optional scope. */
export const SHOPIFY_RAIL_SCOPES = "read_orders,read_customers,write_orders,read_products,write_draft_orders";

/**
 * The Shopify stand-in for a test file of this rail (withShopifyStandIn), the
 * demo shop's offline session `token` stored, and before each test: the
 * stand-in reset, `token` holding the rail's scope there, no shop in our
 * tables. Call at the top of the file.
 */
export function withShopifyRailStandIn(token: string): () => ShopifyStandIn {
  const standIn = withShopifyStandIn();
  beforeAll(async () => {
    await storeOfflineSession(DEMO_SHOP_DOMAIN, token);
  });
  beforeEach(async () => {
    standIn().control.reset();
    standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, token, SHOPIFY_RAIL_SCOPES);
    await prisma.shop.deleteMany();
  });
  return standIn;
}

/** The demo shop, installed (its Paris zone and euros are what the rail's expectations assume). */
export function installDemoShop(clock: Clock) {
  return upsertInstalledShop(DEMO_SHOP_DOMAIN, { name: "Atelier Ritournelle", timeZone: "Europe/Paris", currency: "EUR" }, clock.nowDate());
}

/** A template of `shop` whose periods are issued on the Shopify rail. */
export async function createShopifyRailTemplate(shop: Parameters<typeof createTemplate>[0], input: unknown, clock: Clock) {
  const template = await createTemplate(shop, input, { clock });
  await prisma.recurringTemplate.update({ where: { id: template.id }, data: { rail: "shopify" } });
  return template;
}

/** A one-lane worker on `clock` whose Shopify rail is the real adapter (or `shopifyGateway`). */
export function shopifyRailWorker(clock: Clock, options: Partial<Omit<WorkerOptions, "clock">> = {}): Worker {
  return new Worker({ gateway: new MemoryGateway(), shopifyGateway: createShopifyRail({ clock }), clock, random: () => 0.5, concurrency: 1, ...options });
}
