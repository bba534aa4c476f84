import { describe, expect, it } from "vitest";
import { formatShopifyDecimal, parseDecimalToMinor } from "./money";
import { DEFAULT_SEED, DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, seedOrder, seedShop, type MoneyBag, type SeedOrder } from "./seed";

type Side = "shopMoney" | "presentmentMoney";

function minor(bag: MoneyBag, side: Side): number {
  const m = bag[side];
  const value = parseDecimalToMinor(m.amount, m.currencyCode);
  if (value === null) throw new Error(`bad amount ${m.amount}`);
  return value;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function checkOrder(order: SeedOrder, side: Side): void {
  const lineNet = order.lineItems.map((l) => minor(l.originalTotalSet, side) - minor(l.totalDiscountSet, side));
  const lineTax = sum(order.lineItems.flatMap((l) => l.taxLines.map((t) => minor(t.priceSet, side))));
  const shipTax = sum(order.shippingLines.flatMap((s) => s.taxLines.map((t) => minor(t.priceSet, side))));
  const shipping = sum(order.shippingLines.map((s) => minor(s.discountedPriceSet, side)));
  const subtotal = minor(order.subtotalPriceSet, side);
  const tax = minor(order.totalTaxSet, side);
  expect(subtotal, `${order.name} subtotal`).toBe(sum(lineNet));
  expect(tax, `${order.name} tax`).toBe(lineTax + shipTax);
  expect(sum(order.taxLines.map((t) => minor(t.priceSet, side))), `${order.name} order tax lines`).toBe(tax);
  expect(minor(order.totalShippingPriceSet, side)).toBe(sum(order.shippingLines.map((s) => minor(s.originalPriceSet, side))));
  expect(minor(order.totalDiscountsSet, side), `${order.name} discounts`).toBe(
    sum(order.lineItems.flatMap((l) => l.discountAllocations.map((a) => minor(a.allocatedAmountSet, side)))),
  );
  expect(minor(order.totalPriceSet, side), `${order.name} total`).toBe(subtotal + shipping + (order.taxesIncluded ? 0 : tax));
  for (const l of order.lineItems) {
    expect(minor(l.originalTotalSet, side)).toBe(minor(l.originalUnitPriceSet, side) * l.quantity);
    expect(minor(l.totalDiscountSet, side)).toBe(sum(l.discountAllocations.map((a) => minor(a.allocatedAmountSet, side))));
  }
}

describe("seed", () => {
  it("has the two shops with their currencies and time zones", () => {
    const demo = seedShop(DEFAULT_SEED, DEMO_SHOP_DOMAIN);
    const other = seedShop(DEFAULT_SEED, OTHER_SHOP_DOMAIN);
    expect([demo.currencyCode, demo.ianaTimezone, demo.orders.length]).toEqual(["EUR", "Europe/Paris", 20]);
    expect([other.currencyCode, other.ianaTimezone, other.orders.length]).toEqual(["USD", "America/New_York", 4]);
    expect(seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1001").id).not.toBe(seedOrder(DEFAULT_SEED, OTHER_SHOP_DOMAIN, "#1001").id);
  });

  it("adds up in shop and presentment currencies for every order", () => {
    for (const shop of DEFAULT_SEED.shops) {
      for (const order of shop.orders) {
        checkOrder(order, "shopMoney");
        checkOrder(order, "presentmentMoney");
        expect(order.totalPriceSet.shopMoney.currencyCode).toBe(shop.currencyCode);
        expect(order.totalPriceSet.presentmentMoney.currencyCode).toBe(order.presentmentCurrencyCode);
      }
    }
  });

  it("covers the peculiar cases the app must handle", () => {
    const demo = seedShop(DEFAULT_SEED, DEMO_SHOP_DOMAIN).orders;
    const other = seedShop(DEFAULT_SEED, OTHER_SHOP_DOMAIN).orders;
    expect(demo.some((o) => o.presentmentCurrencyCode === "USD")).toBe(true);
    const jpy = demo.find((o) => o.presentmentCurrencyCode === "JPY");
    expect(jpy?.totalPriceSet.presentmentMoney.amount).toBe("31500.0");
    expect(demo.find((o) => o.name === "#1006")?.email).toBeNull();
    expect(demo.find((o) => o.name === "#1016")?.customerId).toBeNull();
    expect(demo.some((o) => o.lineItems.some((l) => l.discountAllocations.length > 0))).toBe(true);
    expect(demo.every((o) => o.taxesIncluded || o.taxLines.length === 0)).toBe(true);
    expect(other.every((o) => !o.taxesIncluded)).toBe(true);
    expect(other[0]?.taxLines.map((t) => t.ratePercentage)).toEqual([4, 4.5, 0.375]);
    const imported = demo.find((o) => o.name === "#1010");
    expect(imported && imported.processedAt < imported.createdAt).toBe(true);
  });

  it("formats decimals the way Shopify does", () => {
    expect(formatShopifyDecimal(2000, "EUR")).toBe("20.0");
    expect(formatShopifyDecimal(1999, "EUR")).toBe("19.99");
    expect(formatShopifyDecimal(290, "EUR")).toBe("2.9");
    expect(formatShopifyDecimal(1500, "JPY")).toBe("1500.0");
    expect(formatShopifyDecimal(1234, "KWD")).toBe("1.234");
    expect(parseDecimalToMinor("19.999", "EUR")).toBeNull();
    expect(parseDecimalToMinor("1500.0", "JPY")).toBe(1500);
  });
});
