import { beforeEach, describe, expect, it } from "vitest";
import { createAdminApi, INVALID_TOKEN_MESSAGE, type AdminApi } from "./admin-api";
import { parseDecimalToMinor } from "./money";
import { adminSchemaStats } from "./schema";
import { DEFAULT_SEED, DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, OTHER_ACCESS_TOKEN, OTHER_SHOP_DOMAIN, seedOrder } from "./seed";
import { createManualClock, type ManualClock } from "./state";

type Json = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

let clock: ManualClock;
let api: AdminApi;

beforeEach(() => {
  clock = createManualClock();
  api = createAdminApi({ clock });
});

async function gql(query: string, variables?: Json, shop = DEMO_SHOP_DOMAIN, token = DEMO_ACCESS_TOKEN): Promise<Any> {
  const res = await api.execute(shop, token, { query, variables });
  expect(res.status).toBe(200);
  return res.body;
}

const ORDER_PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String, $sortKey: OrderSortKeys, $reverse: Boolean, $query: String) {
  orders(first: $first, after: $after, last: $last, before: $before, sortKey: $sortKey, reverse: $reverse, query: $query) {
    edges { cursor node { id name createdAt processedAt } }
    nodes { name }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe("schema", () => {
  it("is Shopify's 2026-01 Admin schema, built once", () => {
    const stats = adminSchemaStats();
    expect(stats.typeCount).toBeGreaterThan(2500);
    expect(stats.path).toMatch(/admin_schema_2026-01_public\.graphql$/);
  });
});

describe("validation like the real API", () => {
  it("rejects an unknown field with graphql-ruby's message and code, and no cost", async () => {
    const body = await gql(`query GetShop { shop { name nickname } }`);
    expect(body).toEqual({
      errors: [
        {
          message: "Field 'nickname' doesn't exist on type 'Shop'",
          locations: [{ line: 1, column: 29 }],
          path: ["query GetShop", "shop", "nickname"],
          extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nickname" },
        },
      ],
    });
  });

  it("rejects an unknown argument", async () => {
    const body = await gql(`{ orders(first: 1, limit: 5) { nodes { id } } }`);
    expect(body.errors[0]).toMatchObject({
      message: "Field 'orders' doesn't accept argument 'limit'",
      path: ["query", "orders", "limit"],
      extensions: { code: "argumentNotAccepted", name: "orders", typeName: "Field", argumentName: "limit" },
    });
    expect(body.data).toBeUndefined();
  });

  it("rejects a missing selection, a bad enum literal and a missing required argument", async () => {
    const missing = await gql(`query M { shop }`);
    expect(missing.errors[0]).toMatchObject({
      message: "Field must have selections (field 'shop' returns Shop but has no selections. Did you mean 'shop { ... }'?)",
      extensions: { code: "selectionMismatch", nodeName: "field 'shop'", typeName: "Shop" },
    });
    const badEnum = await gql(`query S { orders(first: 1, sortKey: NEWEST) { nodes { id } } }`);
    expect(badEnum.errors[0]).toMatchObject({
      message: "Argument 'sortKey' on Field 'orders' has an invalid value (NEWEST). Expected type 'OrderSortKeys'.",
      path: ["query S", "orders", "sortKey"],
      extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: "sortKey" },
    });
    const noId = await gql(`{ order { id } }`);
    expect(noId.errors[0]).toMatchObject({
      message: "Field 'order' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments", name: "order" },
    });
  });

  it("rejects deprecated-but-removed shapes: Customer has no `emails`, `email` still exists", async () => {
    const bad = await gql(`{ customer(id: "gid://shopify/Customer/7410000000101") { emails } }`);
    expect(bad.errors[0].extensions.code).toBe("undefinedField");
    const ok = await gql(`{ customer(id: "gid://shopify/Customer/7410000000101") { email defaultEmailAddress { emailAddress } locale } }`);
    expect(ok.data.customer).toEqual({
      email: "camille.dubois@example.fr",
      defaultEmailAddress: { emailAddress: "camille.dubois@example.fr" },
      locale: "fr",
    });
  });

  it("reports a syntax error as PARSE_ERROR and a missing variable as INVALID_VARIABLE", async () => {
    const parseError = await gql(`query Broken {\n  shop {\n    id\n`);
    expect(parseError).toEqual({
      errors: [{ message: "syntax error, unexpected end of file at [4, 1]", locations: [{ line: 4, column: 1 }], extensions: { code: "PARSE_ERROR" } }],
    });
    const missingVar = await gql(`query One($id: ID!) { order(id: $id) { id } }`, {});
    expect(missingVar.errors[0]).toEqual({
      message: "Variable $id of type ID! was provided invalid value",
      locations: [{ line: 1, column: 11 }],
      extensions: { code: "INVALID_VARIABLE", value: null, problems: [{ path: [], explanation: "Expected value to not be null" }] },
    });
  });

  it("names unimplemented fields instead of inventing data", async () => {
    const body = await gql(`{ shop { name plan { displayName } } }`);
    expect(body.errors[0].extensions).toMatchObject({ code: "NOT_IMPLEMENTED_IN_STAND_IN", typeName: "Shop", fieldName: "plan" });
    expect(body.errors[0].message).toContain("Shop.plan");
  });
});

describe("orders: pagination, sorting, search", () => {
  it("pages through every order with cursors, in processedAt order by default", async () => {
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const body: Any = await gql(ORDER_PAGE, { first: 6, after });
      const conn = body.data.orders;
      names.push(...conn.edges.map((e: Any) => e.node.name));
      expect(conn.nodes.map((n: Any) => n.name)).toEqual(conn.edges.map((e: Any) => e.node.name));
      expect(conn.pageInfo.hasPreviousPage).toBe(pages > 0);
      pages += 1;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    // #1010 was imported with processedAt 2025-12-20: first by PROCESSED_AT.
    expect(names[0]).toBe("#1010");
  });

  it("sorts by CREATED_AT, reverses, and pages backwards with last/before", async () => {
    const created = await gql(ORDER_PAGE, { first: 3, sortKey: "CREATED_AT" });
    expect(created.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1001", "#1002", "#1003"]);
    const newest = await gql(ORDER_PAGE, { first: 2, sortKey: "CREATED_AT", reverse: true });
    expect(newest.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1020", "#1019"]);
    const page2 = await gql(ORDER_PAGE, { first: 2, sortKey: "CREATED_AT", reverse: true, after: newest.data.orders.pageInfo.endCursor });
    expect(page2.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1018", "#1017"]);
    const back = await gql(ORDER_PAGE, { last: 2, sortKey: "CREATED_AT", reverse: true, before: page2.data.orders.pageInfo.startCursor });
    expect(back.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1020", "#1019"]);
    expect(back.data.orders.pageInfo).toMatchObject({ hasPreviousPage: false });
  });

  it("requires first or last and rejects bad cursors", async () => {
    const none = await gql(`{ orders { nodes { id } } }`);
    expect(none.errors[0]).toMatchObject({ message: "you must provide one of first or last", path: ["orders"], extensions: { code: "BAD_REQUEST" } });
    expect(none.data).toBeNull();
    expect(none.extensions.cost.requestedQueryCost).toBe(2);
    const bad = await gql(ORDER_PAGE, { first: 1, after: "not-a-cursor" });
    expect(bad.errors[0].message).toBe("Invalid cursor for current pagination sort.");
  });

  it("searches by name, free text (accent-insensitive), email and fields; reports unknown fields", async () => {
    const byName = await gql(ORDER_PAGE, { first: 5, query: "name:#1001" });
    expect(byName.data.orders.nodes).toEqual([{ name: "#1001" }]);
    const text = await gql(ORDER_PAGE, { first: 20, query: "dubois", sortKey: "CREATED_AT" });
    expect(text.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1001", "#1010", "#1018"]);
    const accent = await gql(ORDER_PAGE, { first: 20, query: "elodie", sortKey: "CREATED_AT" });
    expect(accent.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1003", "#1012", "#1020"]);
    const email = await gql(ORDER_PAGE, { first: 20, query: "email:theo.lefevre@example.fr financial_status:paid", sortKey: "CREATED_AT" });
    expect(email.data.orders.nodes.map((n: Any) => n.name)).toEqual(["#1002", "#1011", "#1019"]);
    const unknown = await gql(ORDER_PAGE, { first: 1, query: "colour:blue" });
    expect(unknown.extensions.search).toEqual([
      { path: ["orders"], query: "colour:blue", warnings: [{ field: "colour", message: "Invalid search field for this query.", code: "invalid_field" }] },
    ]);
  });

  it("keeps tenants sealed: same order names, other ids, no cross-shop reads", async () => {
    const demo1001 = seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1001");
    const fromOther = await gql(`query($id: ID!) { order(id: $id) { id } }`, { id: demo1001.id }, OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN);
    expect(fromOther.data.order).toBeNull();
    const camille = await gql(ORDER_PAGE, { first: 10, query: "dubois" }, OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN);
    expect(camille.data.orders.nodes).toEqual([{ name: "#1003" }]);
    const wrongToken = await api.execute(OTHER_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, { query: "{ shop { name } }" });
    expect(wrongToken).toMatchObject({ status: 401, body: { errors: INVALID_TOKEN_MESSAGE } });
  });
});

describe("order detail", () => {
  const DETAIL = `query Detail($id: ID!) {
    order(id: $id) {
      id name createdAt processedAt currencyCode presentmentCurrencyCode taxesIncluded displayFinancialStatus email
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount } presentmentMoney { amount } }
      totalTaxSet { shopMoney { amount } presentmentMoney { amount } }
      totalShippingPriceSet { shopMoney { amount } presentmentMoney { amount } }
      totalDiscountsSet { shopMoney { amount } presentmentMoney { amount } }
      discountCodes
      discountApplications(first: 5) { nodes { __typename allocationMethod targetSelection value { ... on PricingPercentageValue { percentage } ... on MoneyV2 { amount currencyCode } } ... on DiscountCodeApplication { code } } }
      lineItems(first: 10) { nodes {
        id title name sku quantity variant { id title sku }
        originalUnitPriceSet { shopMoney { amount } presentmentMoney { amount } }
        discountedUnitPriceSet { shopMoney { amount } }
        discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount } }
        taxLines { title rate ratePercentage priceSet { shopMoney { amount } presentmentMoney { amount } } }
        discountAllocations { allocatedAmountSet { shopMoney { amount } presentmentMoney { amount } } }
      } }
      shippingLines(first: 5) { nodes { title originalPriceSet { shopMoney { amount } } discountedPriceSet { shopMoney { amount } } taxLines { title rate priceSet { shopMoney { amount } } } } }
      customer { id displayName firstName lastName defaultEmailAddress { emailAddress } locale }
      billingAddress { name firstName lastName company address1 address2 city province provinceCode zip country countryCodeV2 phone }
    }
  }`;

  const m = (amount: string, currency = "EUR") => parseDecimalToMinor(amount, currency) ?? Number.NaN;

  it("returns amounts that add up (VAT-inclusive order with a discount code)", async () => {
    const order = (await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1003").id })).data.order;
    expect(order.taxesIncluded).toBe(true);
    expect(order.discountCodes).toEqual(["BIENVENUE10"]);
    expect(order.discountApplications.nodes[0]).toEqual({
      __typename: "DiscountCodeApplication",
      allocationMethod: "ACROSS",
      targetSelection: "ALL",
      value: { percentage: 10 },
      code: "BIENVENUE10",
    });
    const line = order.lineItems.nodes[0];
    expect(line.originalUnitPriceSet.shopMoney.amount).toBe("24.0");
    expect(line.discountAllocations[0].allocatedAmountSet.shopMoney.amount).toBe("4.8");
    expect(line.taxLines[0]).toMatchObject({ title: "FR TVA", rate: 0.055, ratePercentage: 5.5 });
    const subtotal = m(order.subtotalPriceSet.shopMoney.amount);
    const shipping = m(order.totalShippingPriceSet.shopMoney.amount);
    expect(subtotal).toBe(m(line.originalUnitPriceSet.shopMoney.amount) * line.quantity - m(order.totalDiscountsSet.shopMoney.amount));
    expect(m(order.totalPriceSet.shopMoney.amount)).toBe(subtotal + shipping);
    expect(order.customer).toMatchObject({ displayName: "Élodie Martin-Roux", locale: "fr" });
    expect(order.billingAddress).toMatchObject({ city: "Bordeaux", countryCodeV2: "FR", zip: "33000" });
  });

  it("serves presentment currencies (JPY) and tax-exclusive US orders", async () => {
    const jpy = (await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1008").id })).data.order;
    expect(jpy.currencyCode).toBe("EUR");
    expect(jpy.presentmentCurrencyCode).toBe("JPY");
    expect(jpy.totalPriceSet).toEqual({
      shopMoney: { amount: "195.3", currencyCode: "EUR" },
      presentmentMoney: { amount: "31500.0", currencyCode: "JPY" },
    });
    const ny = (await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, OTHER_SHOP_DOMAIN, "#1001").id }, OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN)).data.order;
    expect(ny.taxesIncluded).toBe(false);
    const usd = (a: string) => m(a, "USD");
    expect(usd(ny.totalPriceSet.shopMoney.amount)).toBe(
      usd(ny.subtotalPriceSet.shopMoney.amount) + usd(ny.totalShippingPriceSet.shopMoney.amount) + usd(ny.totalTaxSet.shopMoney.amount),
    );
    expect(ny.shippingLines.nodes[0].taxLines).toHaveLength(3);
  });

  it("gives null for a deleted variant and for an order without customer email", async () => {
    const imported = (await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1010").id })).data.order;
    expect(imported.lineItems.nodes[0]).toMatchObject({ sku: "COF-OLD", variant: null });
    expect(imported.processedAt < imported.createdAt).toBe(true);
    const noEmail = (await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, DEMO_SHOP_DOMAIN, "#1006").id })).data.order;
    expect(noEmail.email).toBeNull();
    expect(noEmail.customer.defaultEmailAddress).toBeNull();
    const variant = `query($id: ID!) { productVariant(id: $id) { id sku } }`;
    const id = "gid://shopify/ProductVariant/45100000000011";
    expect((await gql(variant, { id })).data.productVariant).toEqual({ id, sku: "RENT-ESP-M" });
    api.control.setVariantDeleted(DEMO_SHOP_DOMAIN, id);
    expect((await gql(variant, { id })).data.productVariant).toBeNull();
  });

  it("answers nodes(ids:) for variants: null for a deleted one, an unknown one or another shop's; denied without read_products", async () => {
    const existing = "gid://shopify/ProductVariant/45100000000011";
    const deleted = "gid://shopify/ProductVariant/45100000000021";
    const unknown = "gid://shopify/ProductVariant/1";
    const otherShops = ((await gql(DETAIL, { id: seedOrder(DEFAULT_SEED, OTHER_SHOP_DOMAIN, "#1001").id }, OTHER_SHOP_DOMAIN, OTHER_ACCESS_TOKEN)).data.order
      .lineItems.nodes[0].variant.id) as string;
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on ProductVariant { id } } }`;
    api.control.setVariantDeleted(DEMO_SHOP_DOMAIN, deleted);
    const body = await gql(query, { ids: [existing, deleted, unknown, otherShops] });
    expect(body.errors).toBeUndefined();
    expect(body.data.nodes).toEqual([{ id: existing }, null, null, null]);

    api.control.addAccessToken(DEMO_SHOP_DOMAIN, "shpat_no_products", "read_orders,read_customers,write_orders");
    const denied = await gql(query, { ids: [existing] }, DEMO_SHOP_DOMAIN, "shpat_no_products");
    expect(denied.errors[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_products` access scope." } });
    expect(denied.data).toBeNull();
  });

  it("denies fields the token's scopes do not cover", async () => {
    api.control.addAccessToken(DEMO_SHOP_DOMAIN, "shpat_orders_only", "read_orders");
    const body = await gql(`{ productVariant(id: "gid://shopify/ProductVariant/45100000000011") { id } }`, undefined, DEMO_SHOP_DOMAIN, "shpat_orders_only");
    expect(body.errors[0]).toMatchObject({
      message: "Access denied for productVariant field. Required access: `read_products` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
  });
});

describe("cost and throttling", () => {
  it("reports Shopify's cost extension", async () => {
    const body = await gql(`{ shop { name primaryDomain { url } } }`);
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 2,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 },
    });
    const page = await gql(`{ orders(first: 10) { edges { node { id lineItems(first: 5) { nodes { id } } } } } }`);
    // 2 + 10 × (1 order + (2 + 5 × 1 line item)) = 82 requested; 20 orders exist so 10 are returned.
    expect(page.extensions.cost.requestedQueryCost).toBe(82);
    expect(page.extensions.cost.actualQueryCost).toBeLessThanOrEqual(82);
  });

  it("throttles when the bucket lacks the requested cost, then recovers as time passes", async () => {
    api.control.setThrottle(DEMO_SHOP_DOMAIN, { currentlyAvailable: 50 });
    const query = `{ orders(first: 60) { nodes { id } } }`; // requested 62
    const throttled = await gql(query);
    expect(throttled).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: {
        cost: {
          requestedQueryCost: 62,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 },
        },
      },
    });
    clock.advance(100); // +10 points: still short
    expect((await gql(query)).errors[0].extensions.code).toBe("THROTTLED");
    clock.advance(100); // 70 ≥ 62
    const ok = await gql(query);
    expect(ok.data.orders.nodes).toHaveLength(20);
    expect(ok.extensions.cost.actualQueryCost).toBe(22);
    expect(ok.extensions.cost.throttleStatus.currentlyAvailable).toBe(70 - 22);
  });

  it("refuses a query over 1000 points with MAX_COST_EXCEEDED and no cost extension", async () => {
    const body = await gql(`{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }`);
    expect(body.extensions).toBeUndefined();
    expect(body.errors[0].extensions).toEqual({
      code: "MAX_COST_EXCEEDED",
      cost: 3252,
      maxCost: 1000,
      documentation: "https://shopify.dev/api/usage/rate-limits",
    });
    expect(body.errors[0].message).toMatch(/^Query cost is 3252, which exceeds the single query max cost limit \(1000\)\./);
    expect(api.control.throttleStatus(DEMO_SHOP_DOMAIN).currentlyAvailable).toBe(2000);
  });

  it("reproduces the live cost of an orderCreate document (27)", async () => {
    const bag = "{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }";
    const doc = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id name
      subtotalPriceSet ${bag} currentSubtotalPriceSet ${bag} totalShippingPriceSet ${bag} currentTotalTaxSet ${bag}
      totalTaxSet ${bag} currentTotalDiscountsSet ${bag} totalDiscountsSet ${bag} currentTotalPriceSet ${bag}
      totalPriceSet ${bag} totalOutstandingSet ${bag} totalReceivedSet ${bag} totalCapturableSet ${bag}
      shippingLines(first: 5) { nodes { title originalPriceSet ${bag} taxLines { title rate priceSet ${bag} } } }
      lineItems(first: 5) { nodes { title quantity originalUnitPriceSet ${bag} taxLines { title rate priceSet ${bag} } } }
      transactions { id amountSet ${bag} } } userErrors { field message } } }`;
    const body = await gql(doc, { order: { lineItems: [] } });
    expect(body.extensions.cost.requestedQueryCost).toBe(27);
  });
});

describe("orderCreate", () => {
  const CREATE = `mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        id name displayFinancialStatus currencyCode tags note email
        customer { id }
        totalPriceSet { shopMoney { amount currencyCode } }
        totalTaxSet { shopMoney { amount } }
        lineItems(first: 5) { nodes { title sku quantity variant { id } originalUnitPriceSet { shopMoney { amount } } taxLines { rate priceSet { shopMoney { amount } } } } }
      }
      userErrors { field message code }
    }
  }`;

  it("creates a paid order from a variant and a custom line, visible to queries and to control", async () => {
    const order = {
      currency: "EUR",
      financialStatus: "PAID",
      taxesIncluded: true,
      tags: ["ritournelle", "cycle-3"],
      note: "Cycle 3 / facture in_123",
      customer: { toAssociate: { id: "gid://shopify/Customer/7410000000101" } },
      lineItems: [
        {
          variantId: "gid://shopify/ProductVariant/45100000000011",
          quantity: 1,
          taxLines: [{ title: "FR TVA", rate: "0.2", priceSet: { shopMoney: { amount: "8.17", currencyCode: "EUR" } } }],
        },
        {
          title: "Frais de service",
          quantity: 2,
          priceSet: { shopMoney: { amount: "5.00", currencyCode: "EUR" } },
          taxLines: [{ title: "FR TVA", rate: "0.2" }],
        },
      ],
    };
    const body = await gql(CREATE, { order, options: { sendReceipt: false } });
    expect(body.data.orderCreate.userErrors).toEqual([]);
    const created = body.data.orderCreate.order;
    expect(created).toMatchObject({
      name: "#1021",
      displayFinancialStatus: "PAID",
      currencyCode: "EUR",
      tags: ["ritournelle", "cycle-3"],
      email: "camille.dubois@example.fr",
      customer: { id: "gid://shopify/Customer/7410000000101" },
      totalPriceSet: { shopMoney: { amount: "59.0", currencyCode: "EUR" } },
      totalTaxSet: { shopMoney: { amount: "9.84" } },
    });
    expect(created.lineItems.nodes[0]).toMatchObject({ title: "Location machine à espresso", sku: "RENT-ESP-M", variant: { id: "gid://shopify/ProductVariant/45100000000011" } });
    expect(created.lineItems.nodes[1].taxLines[0].priceSet.shopMoney.amount).toBe("1.67");
    const again = await gql(`query($id: ID!) { order(id: $id) { name } }`, { id: created.id });
    expect(again.data.order.name).toBe("#1021");
    const records = api.control.createdOrders(DEMO_SHOP_DOMAIN);
    expect(records).toHaveLength(1);
    expect(records[0]?.input).toMatchObject({ note: "Cycle 3 / facture in_123" });
    expect(body.extensions.cost.requestedQueryCost).toBe(10 + 1 + 1 + (2 + 5 * 2) + 1);
  });

  it("answers bad input with userErrors, like Shopify", async () => {
    const noLines = await gql(CREATE, { order: { email: "x@example.com", lineItems: [] } });
    expect(noLines.data.orderCreate).toEqual({
      order: null,
      userErrors: [{ field: ["order", "lineItems"], message: "Line items must have at least one line item", code: null }],
    });
    const bad = await gql(CREATE, {
      order: {
        customerId: "gid://shopify/Customer/7410000000101",
        customer: { toAssociate: { id: "gid://shopify/Customer/7410000000101" } },
        processedAt: "2099-01-01T00:00:00Z",
        lineItems: [
          { variantId: "gid://shopify/ProductVariant/46200000000011", quantity: 1 },
          { variantId: "gid://shopify/ProductVariant/45100000000021", quantity: 0 },
          { title: "Taxe", quantity: 1, priceSet: { shopMoney: { amount: "1.00", currencyCode: "EUR" } }, taxLines: [{ title: "T", rate: "" }] },
        ],
      },
    });
    const errors = bad.data.orderCreate.userErrors;
    expect(bad.data.orderCreate.order).toBeNull();
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: ["order"], code: "REDUNDANT_CUSTOMER_FIELDS" }),
        expect.objectContaining({ field: ["order", "processedAt"], code: "PROCESSED_AT_INVALID" }),
        // A variant of the other shop does not exist here (tenant isolation).
        expect.objectContaining({ field: ["order", "lineItems", "0", "variantId"], code: "INVALID" }),
        expect.objectContaining({ field: ["order", "lineItems", "1", "quantity"], code: "INVALID" }),
        expect.objectContaining({ field: ["order", "lineItems", "2", "taxLines", "0", "rate"], code: "TAX_LINE_RATE_MISSING" }),
      ]),
    );
    expect(api.control.createdOrders(DEMO_SHOP_DOMAIN)).toHaveLength(0);
  });

  it("rejects a malformed input object before running (INVALID_VARIABLE)", async () => {
    const res = await gql(CREATE, { order: { lineItems: [{ variantId: "gid://shopify/ProductVariant/45100000000011" }] } });
    expect(res.errors[0]).toMatchObject({
      message:
        "Variable $order of type OrderCreateOrderInput! was provided invalid value for lineItems.0.quantity (Expected value to not be null)",
      extensions: { code: "INVALID_VARIABLE", problems: [{ path: ["lineItems", 0, "quantity"], explanation: "Expected value to not be null" }] },
    });
  });
});

describe("auth", () => {
  it("answers 401 for a wrong token and 404 for an unknown shop", async () => {
    expect(await api.execute(DEMO_SHOP_DOMAIN, "shpat_wrong", { query: "{ shop { name } }" })).toMatchObject({
      status: 401,
      body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
    });
    expect(await api.execute(DEMO_SHOP_DOMAIN, undefined, { query: "{ shop { name } }" })).toMatchObject({ status: 401 });
    expect(await api.execute("nope.myshopify.com", DEMO_ACCESS_TOKEN, { query: "{ shop { name } }" })).toMatchObject({ status: 404 });
  });

  it("answers 402 for a frozen shop and 423 for a locked one, running nothing, until it is open again", async () => {
    const create = { query: "mutation { orderCreate(order: { currency: EUR, lineItems: [] }) { order { id } } }" };
    const before = api.control.createdOrders(DEMO_SHOP_DOMAIN).length;
    api.control.setShopAvailability(DEMO_SHOP_DOMAIN, "frozen");
    expect(await api.execute(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, create)).toMatchObject({ status: 402, body: { errors: "Unavailable Shop" } });
    api.control.setShopAvailability(DEMO_SHOP_DOMAIN, "locked");
    expect(await api.execute(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, create)).toMatchObject({ status: 423 });
    expect(api.control.createdOrders(DEMO_SHOP_DOMAIN)).toHaveLength(before);
    // Authentication comes first: a wrong token is still 401.
    expect(await api.execute(DEMO_SHOP_DOMAIN, "shpat_wrong", create)).toMatchObject({ status: 401 });
    api.control.setShopAvailability(DEMO_SHOP_DOMAIN, "open");
    expect(await api.execute(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, { query: "{ shop { name } }" })).toMatchObject({ status: 200 });
  });
});
