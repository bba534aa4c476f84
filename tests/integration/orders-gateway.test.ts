// The orders documents through the app's real stack: @shopify/shopify-app-remix
// `unauthenticated.admin` (offline session from the database) → the Shopify
// stand-in, which executes them against the 2026-01 schema over seeded data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock, DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { draftInvoice } from "~/domain/invoice-draft";
import { snapshotFromOrder, OrderSnapshotError } from "~/domain/order-snapshot";
import { fetchOrderForTemplate, fetchOrdersPage } from "~/gateways/shopify/orders.server";
import { unauthenticated } from "~/shopify.server";
import { loadOrderSnapshot } from "~/services/orders/load-order.server";
import { OrderImportError } from "~/services/orders/order-import-error.server";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { storeOfflineSession } from "../helpers/shopify";

let standIn: ShopifyStandIn;
let unroute: () => void;
let admin: AdminGraphql;
const clock = createManualClock(Date.now());

beforeAll(async () => {
  standIn = await startShopifyStandIn({ clock });
  unroute = routeShopifyAdminTo(standIn.url);
  await storeOfflineSession(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN);
  ({ admin } = await unauthenticated.admin(DEMO_SHOP_DOMAIN));
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

describe("orders list", () => {
  it("pages newest first with cursors, forward and back", async () => {
    const first = await fetchOrdersPage(admin, { pageSize: 5 });
    expect(first.orders.map((o) => o.name)).toEqual(["#1020", "#1019", "#1018", "#1017", "#1016"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.orders[0]).toMatchObject({
      displayFinancialStatus: "PAID",
      customer: { displayName: expect.any(String) },
      totalPriceSet: { presentmentMoney: { currencyCode: "EUR" } },
    });
    expect(first.orders.find((o) => o.name === "#1016")?.customer).toBeNull();

    const second = await fetchOrdersPage(admin, { pageSize: 5, after: first.pageInfo.endCursor! });
    expect(second.orders.map((o) => o.name)).toEqual(["#1015", "#1014", "#1013", "#1012", "#1011"]);
    const back = await fetchOrdersPage(admin, { pageSize: 5, before: second.pageInfo.startCursor! });
    expect(back.orders.map((o) => o.name)).toEqual(first.orders.map((o) => o.name));
  });

  it("searches with Shopify's syntax", async () => {
    const found = await fetchOrdersPage(admin, { pageSize: 25, query: "name:#1008" });
    expect(found.orders.map((o) => o.name)).toEqual(["#1008"]);
    expect(found.orders[0]!.totalPriceSet.presentmentMoney).toEqual({ amount: "31500.0", currencyCode: "JPY" });
  });
});

describe("one order → template snapshot", () => {
  it("maps every seeded order whose customer can be invoiced, to the order's own total", async () => {
    const refused: Record<string, string> = {};
    for (const seeded of standIn.control.orders(DEMO_SHOP_DOMAIN)) {
      const order = await fetchOrderForTemplate(admin, seeded.id);
      expect(order?.name).toBe(seeded.name);
      try {
        const snapshot = snapshotFromOrder(order!);
        expect(snapshot.currency).toBe(seeded.presentmentCurrencyCode);
        expect({ order: seeded.name, total: draftInvoice(snapshot).expectedTotal }).toEqual({ order: seeded.name, total: snapshot.orderTotal });
      } catch (error) {
        if (!(error instanceof OrderSnapshotError)) throw error;
        refused[seeded.name] = error.code;
      }
    }
    expect(refused).toEqual({ "#1006": "no_email", "#1016": "no_customer" });
  });

  it("keeps presentment amounts (USD #1007, JPY #1008) and knows deleted variants and custom lines", async () => {
    const usd = await loadOrderSnapshot(admin, (await idOf("#1007")));
    expect(usd.currency).toBe("USD");
    expect(usd.lines.map((l) => l.unitAmount)).toEqual([5400, 2700]);
    const jpy = await loadOrderSnapshot(admin, await idOf("#1008"));
    expect(jpy).toMatchObject({ currency: "JPY", orderTotal: 31500, shipping: { amount: 4500 } });

    standIn.control.setVariantDeleted(DEMO_SHOP_DOMAIN, "gid://shopify/ProductVariant/45100000000061", true);
    const deleted = await loadOrderSnapshot(admin, await idOf("#1010"));
    expect(deleted.lines.map((l) => l.variantId)).toEqual([undefined]);
    const custom = await loadOrderSnapshot(admin, await idOf("#1011"));
    expect(custom.lines.map((l) => l.variantId)).toEqual([undefined, "gid://shopify/ProductVariant/45100000000011"]);
  });

  it("answers a typed refusal for an unknown or malformed order id", async () => {
    await expect(loadOrderSnapshot(admin, "gid://shopify/Order/999")).rejects.toMatchObject({ code: "order_not_found" });
    await expect(loadOrderSnapshot(admin, "gid://shopify/Product/1")).rejects.toBeInstanceOf(OrderImportError);
    await expect(loadOrderSnapshot(admin, await idOf("#1006"))).rejects.toMatchObject({ code: "no_email", values: { order: "#1006" } });
  });
});

describe("throttling against the stand-in's leaky bucket", () => {
  it("waits exactly what the bucket needs, then succeeds", async () => {
    standIn.control.setThrottle(DEMO_SHOP_DOMAIN, { currentlyAvailable: 0, restoreRate: 100 });
    const waits: number[] = [];
    const order = await fetchOrderForTemplate(admin, await idOf("#1001"), {
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    expect(order?.name).toBe("#1001");
    expect(waits).toHaveLength(1);
    // The wait refilled exactly the query's requested cost (100 points per
    // second); the query then spent its actual cost, so what is left is less
    // than what was refilled: no point was waited for in vain.
    const refilled = waits[0]! / 10;
    expect(refilled).toBeGreaterThan(100);
    const left = standIn.control.throttleStatus(DEMO_SHOP_DOMAIN).currentlyAvailable;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThan(refilled);
  });
});

async function idOf(name: string): Promise<string> {
  const order = standIn.control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === name);
  if (!order) throw new Error(`no ${name}`);
  return order.id;
}
