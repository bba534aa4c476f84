// Orders in the Shopify Admin API: the list the merchant picks from, the one
// order a template is made of, and the orders Ritournelle writes back when an
// invoice is paid. Scopes: read_orders, read_customers, write_orders. Nothing
// here selects `productVariant` or `product` (a line's `variant { id }` is
// covered by read_orders); read_products is only for variants.server.ts.
// An order's `purchasingEntity` (B2B: the company location it was placed for)
// needs read_customers with read_orders
// (https://shopify.dev/docs/api/admin-graphql/latest/unions/PurchasingEntity).
import type { SourceOrder } from "~/domain/order-snapshot";
import type {
  RitournelleOrderCreateMutation,
  RitournelleOrdersByTagQuery,
  RitournelleOrdersPageQuery,
  RitournelleOrdersPageQueryVariables,
} from "./generated/admin.generated";
import type { OrderCreateOrderInput } from "./generated/admin.types";
import { runAdminDocument, ShopifyGraphqlError, type AdminGraphql, type RunAdminQueryOptions } from "./graphql.server";

// ---------------------------------------------------------------------------
// Orders list
// ---------------------------------------------------------------------------

export const ORDERS_PAGE_QUERY = `#graphql
  query RitournelleOrdersPage($first: Int, $last: Int, $after: String, $before: String, $query: String) {
    orders(first: $first, last: $last, after: $after, before: $before, query: $query, sortKey: CREATED_AT, reverse: true) {
      nodes {
        id
        name
        createdAt
        displayFinancialStatus
        customer {
          displayName
        }
        totalPriceSet {
          presentmentMoney {
            amount
            currencyCode
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

export type OrderSummary = RitournelleOrdersPageQuery["orders"]["nodes"][number];
export type PageInfo = RitournelleOrdersPageQuery["orders"]["pageInfo"];

export type OrdersPageRequest = {
  /** Shopify search syntax; free text matches the order name and the customer. */
  query?: string;
  /** Page forward from this cursor… */
  after?: string;
  /** …or backward from this one. */
  before?: string;
  pageSize: number;
};

/** One page of the shop's orders, newest first. */
export async function fetchOrdersPage(
  admin: AdminGraphql,
  request: OrdersPageRequest,
  options?: RunAdminQueryOptions,
): Promise<{ orders: OrderSummary[]; pageInfo: PageInfo }> {
  const variables: RitournelleOrdersPageQueryVariables = request.before
    ? { last: request.pageSize, before: request.before }
    : { first: request.pageSize, ...(request.after ? { after: request.after } : {}) };
  if (request.query) variables.query = request.query;
  const data = await runAdminDocument(admin, ORDERS_PAGE_QUERY, variables, options);
  return { orders: data.orders.nodes, pageInfo: data.orders.pageInfo };
}

// ---------------------------------------------------------------------------
// One order, everything a template needs
// ---------------------------------------------------------------------------

/** Lines per order we read; an order with more is refused (see order-snapshot.ts). */
export const MAX_ORDER_LINES = 100;

export const ORDER_FOR_TEMPLATE_QUERY = `#graphql
  fragment RitournelleMoneyBag on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
    presentmentMoney {
      amount
      currencyCode
    }
  }

  fragment RitournelleTaxLine on TaxLine {
    title
    rate
    ratePercentage
    priceSet {
      ...RitournelleMoneyBag
    }
  }

  query RitournelleOrderForTemplate($id: ID!, $lines: Int!) {
    order(id: $id) {
      id
      name
      createdAt
      currencyCode
      presentmentCurrencyCode
      taxesIncluded
      email
      customerLocale
      customer {
        id
        displayName
        locale
        defaultEmailAddress {
          emailAddress
        }
      }
      purchasingEntity {
        __typename
        ... on PurchasingCompany {
          company {
            id
            name
          }
          contact {
            id
          }
          location {
            id
            name
            buyerExperienceConfiguration {
              paymentTermsTemplate {
                paymentTermsType
                dueInDays
              }
            }
          }
        }
      }
      billingAddress {
        name
        company
        address1
        address2
        city
        provinceCode
        zip
        countryCodeV2
      }
      lineItems(first: $lines) {
        nodes {
          id
          title
          variantTitle
          sku
          quantity
          variant {
            id
          }
          originalUnitPriceSet {
            ...RitournelleMoneyBag
          }
          taxLines {
            ...RitournelleTaxLine
          }
          discountAllocations {
            allocatedAmountSet {
              ...RitournelleMoneyBag
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
      shippingLines(first: 10) {
        nodes {
          title
          originalPriceSet {
            ...RitournelleMoneyBag
          }
          discountedPriceSet {
            ...RitournelleMoneyBag
          }
          taxLines {
            ...RitournelleTaxLine
          }
        }
      }
      totalPriceSet {
        ...RitournelleMoneyBag
      }
    }
  }
`;

/** The order (null when the shop has no such order), shaped for app/domain/order-snapshot.ts. */
export async function fetchOrderForTemplate(
  admin: AdminGraphql,
  orderId: string,
  options?: RunAdminQueryOptions,
): Promise<SourceOrder | null> {
  const data = await runAdminDocument(admin, ORDER_FOR_TEMPLATE_QUERY, { id: orderId, lines: MAX_ORDER_LINES }, options);
  return data.order;
}

// ---------------------------------------------------------------------------
// Write-back: find an order we created, create one
// ---------------------------------------------------------------------------

export const ORDERS_BY_TAG_QUERY = `#graphql
  query RitournelleOrdersByTag($query: String!) {
    orders(first: 1, query: $query) {
      nodes {
        id
        name
      }
    }
  }
`;

/** The first order matching a search (e.g. `tag:ritournelle-run-…`), or null. */
export async function findOrderBySearch(
  admin: AdminGraphql,
  query: string,
  options?: RunAdminQueryOptions,
): Promise<RitournelleOrdersByTagQuery["orders"]["nodes"][number] | null> {
  const data = await runAdminDocument(admin, ORDERS_BY_TAG_QUERY, { query }, options);
  return data.orders.nodes[0] ?? null;
}

export const ORDER_CREATE_MUTATION = `#graphql
  mutation RitournelleOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        id
        name
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** The input types write-back builds, as generated from the schema. */
export type { CurrencyCode, MoneyBagInput, OrderCreateOrderInput, OrderCreateTaxLineInput } from "./generated/admin.types";
export type OrderCreateResult = NonNullable<RitournelleOrderCreateMutation["orderCreate"]>;

/**
 * Creates one order. Not idempotent on Shopify's side: the caller must make
 * sure it runs once (see app/services/write-back/write-back-paid-run.server.ts). Receipts are not
 * sent (the customer already has Stripe's) and inventory is not touched.
 */
export async function createOrder(
  admin: AdminGraphql,
  order: OrderCreateOrderInput,
  options?: RunAdminQueryOptions,
): Promise<OrderCreateResult> {
  const data = await runAdminDocument(
    admin,
    ORDER_CREATE_MUTATION,
    { order, options: { sendReceipt: false, sendFulfillmentReceipt: false, inventoryBehaviour: "BYPASS" } },
    options,
  );
  // Null only with top-level errors, which runAdminDocument has already thrown.
  if (!data.orderCreate) throw new ShopifyGraphqlError("RitournelleOrderCreate", "orderCreate answered null");
  return data.orderCreate;
}
