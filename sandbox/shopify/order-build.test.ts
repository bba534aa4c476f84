// Seeded orders and orders created through orderCreate are priced by the same
// code (order-build.ts). This checks that the seed's data means what the
// orderCreate input for the same purchase means (prices, tax rates, which
// lines and shipping are taxed, discounts): placing it through orderCreate
// gives the seeded order's amounts, to the cent.
import { describe, expect, it } from "vitest";
import { orderCreate } from "./order-create";
import { DEFAULT_SEED, DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, seedOrder, type SeedOrder } from "./seed";
import { createState } from "./state";

const NOW = Date.parse("2026-03-10T12:00:00Z");

const eur = (amount: string) => ({ shopMoney: { amount, currencyCode: "EUR" } });
const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
const VAT = [{ title: "FR TVA", rate: "0.2" }];
const REDUCED_VAT = [{ title: "FR TVA", rate: "0.055" }];
const NEW_YORK = [
  { title: "New York State Tax", rate: "0.04" },
  { title: "New York City Tax", rate: "0.045" },
  { title: "Metropolitan Commuter Transportation District", rate: "0.00375" },
];

/** What an app would send to orderCreate for the same purchase as the seeded order. */
const SAME_PURCHASE: [string, string, string, Record<string, unknown>][] = [
  [
    DEMO_SHOP_DOMAIN,
    "#1003",
    "2 kg of coffee at reduced VAT, 10 % code, relay shipping at 20 % VAT, VAT included",
    {
      customerId: "gid://shopify/Customer/7410000000103",
      taxesIncluded: true,
      lineItems: [{ variantId: "gid://shopify/ProductVariant/45100000000041", quantity: 2, taxLines: REDUCED_VAT }],
      shippingLines: [{ title: "Mondial Relay - Point Relais", code: "MONDIAL_RELAY", source: "shopify", priceSet: eur("4.50"), taxLines: VAT }],
      discountCode: { itemPercentageDiscountCode: { code: "BIENVENUE10", percentage: 10 } },
    },
  ],
  [
    DEMO_SHOP_DOMAIN,
    "#1009",
    "membership and maintenance, fixed 20.00 code spread over both lines",
    {
      customerId: "gid://shopify/Customer/7410000000109",
      taxesIncluded: true,
      lineItems: [
        { variantId: "gid://shopify/ProductVariant/45100000000031", quantity: 1, taxLines: VAT },
        { variantId: "gid://shopify/ProductVariant/45100000000021", quantity: 1, taxLines: VAT },
      ],
      discountCode: { itemFixedDiscountCode: { code: "CLUB20", amountSet: eur("20.00") } },
    },
  ],
  [
    OTHER_SHOP_DOMAIN,
    "#1001",
    "rental and maintenance, New York sales tax added on lines and shipping",
    {
      customerId: "gid://shopify/Customer/8520000000201",
      lineItems: [
        { variantId: "gid://shopify/ProductVariant/46200000000011", quantity: 1, taxLines: NEW_YORK },
        { variantId: "gid://shopify/ProductVariant/46200000000021", quantity: 1, taxLines: NEW_YORK },
      ],
      shippingLines: [{ title: "UPS Ground", code: "UPS_GROUND", source: "ups_shipping", priceSet: usd("15.00"), taxLines: NEW_YORK }],
    },
  ],
];

/** The amounts of an order (what the app reads), without ids. */
function amounts(order: SeedOrder) {
  return {
    subtotal: order.subtotalPriceSet,
    total: order.totalPriceSet,
    tax: order.totalTaxSet,
    shipping: order.totalShippingPriceSet,
    discounts: order.totalDiscountsSet,
    taxLines: order.taxLines.map((t) => [t.title, t.rate, t.priceSet]),
    lines: order.lineItems.map((l) => ({
      unit: l.originalUnitPriceSet,
      net: l.discountedTotalWithCodeDiscountsSet,
      afterAllDiscounts: l.discountedUnitPriceAfterAllDiscountsSet,
      discount: l.totalDiscountSet,
      taxes: l.taxLines.map((t) => t.priceSet),
      allocations: l.discountAllocations.map((a) => a.allocatedAmountSet),
    })),
    shippingLines: order.shippingLines.map((s) => [s.discountedPriceSet, s.taxLines.map((t) => t.priceSet)]),
  };
}

describe("a seeded order has the amounts orderCreate gives the same purchase", () => {
  it.each(SAME_PURCHASE)("%s %s: %s", (domain, name, _what, input) => {
    const shop = createState({}).shops.get(domain);
    if (!shop) throw new Error(`no shop ${domain}`);
    const result = orderCreate(shop, NOW, input, null);
    expect(result.userErrors).toEqual([]);
    if (!result.order) throw new Error("no order");
    expect(amounts(result.order)).toEqual(amounts(seedOrder(DEFAULT_SEED, domain, name)));
  });
});
