// Resolvers of the Shopify stand-in: plain view objects over the seeded data.
//
// A view is an object whose keys are the schema fields the stand-in
// implements; a key's value is the field's value, or a function
// (args, context) => value for fields with arguments or lazy work.
// The executor's default field resolver reads those keys; a field the view
// lacks is answered with a GraphQL error naming it (code
// NOT_IMPLEMENTED_IN_STAND_IN), never with a made-up value.

import { accessScopesView, appView } from "./app-scopes";
import type { GraphQLError } from "graphql";
import { draftOrderRoot } from "./draft-order-resolvers";
import { appInstallationView } from "./app-installation";
import { companyRoot, purchasingEntityView } from "./companies";
import { ShopifyResolverError } from "./errors";
import { formatShopifyDecimal } from "./money";
import { orderCreate } from "./order-create";
import { compileOrderSearch, fold, type SearchWarning } from "./search";
import type {
  MoneyBag,
  SeedAddress,
  SeedCustomer,
  SeedDiscountAllocation,
  SeedDiscountApplication,
  SeedLineItem,
  SeedOrder,
  SeedProduct,
  SeedShippingLine,
  SeedShopAddress,
  SeedTaxLine,
  SeedVariant,
} from "./seed";
import { hasScope, type ShopState, type StandInState } from "./state";

export interface ResolverContext {
  state: StandInState;
  shop: ShopState;
  scopes: readonly string[];
  now: number;
  /** `extensions.search` entries collected while resolving. */
  searchWarnings: { path: (string | number)[]; query: string; warnings: SearchWarning[] }[];
}

type Args = Record<string, unknown>;
export type View = Record<string, unknown>;

export const NOT_IMPLEMENTED_CODE = "NOT_IMPLEMENTED_IN_STAND_IN";

export function notImplemented(typeName: string, fieldName: string): GraphQLError {
  return new ShopifyResolverError(
    `The Shopify stand-in does not implement ${typeName}.${fieldName} (sandbox/shopify/resolvers.ts). Add it there before relying on it.`,
    NOT_IMPLEMENTED_CODE,
    { typeName, fieldName },
  );
}

function accessDenied(field: string, scope: string): GraphQLError {
  return new ShopifyResolverError(
    `Access denied for ${field} field. Required access: \`${scope}\` access scope.`,
    "ACCESS_DENIED",
    { documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
  );
}

function requireScope(ctx: ResolverContext, field: string, scope: string): void {
  if (!hasScope(ctx.scopes, scope)) throw accessDenied(field, scope);
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;

function parseGid(id: unknown): { type: string; legacy: string } {
  const m = typeof id === "string" ? GID.exec(id) : null;
  if (!m) throw new ShopifyResolverError(`Invalid global id '${String(id)}'`, "argumentLiteralsIncompatible", { typeName: "CoercionError" });
  return { type: m[1] ?? "", legacy: m[2] ?? "" };
}

// ---------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------

const MAX_PAGE_SIZE = 250;

type CursorKey = { id: number; value: string | number };

function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ last_id: key.id, last_value: key.value })).toString("base64");
}

function decodeCursor(cursor: unknown): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(String(cursor), "base64").toString("utf8")) as { last_id?: unknown; last_value?: unknown };
    if (typeof parsed.last_id === "number" && (typeof parsed.last_value === "string" || typeof parsed.last_value === "number")) {
      return { id: parsed.last_id, value: parsed.last_value };
    }
  } catch {
    // fall through
  }
  throw new ShopifyResolverError("Invalid cursor for current pagination sort.", "BAD_REQUEST");
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  if (a.value < b.value) return -1;
  if (a.value > b.value) return 1;
  return a.id - b.id;
}

export interface ConnectionOptions<T> {
  key: (item: T) => CursorKey;
  view: (item: T) => unknown;
  reverse?: boolean;
  /** Sort by key (default true); false keeps the given order (positional keys). */
  sort?: boolean;
}

/** A Relay connection over `items` with Shopify's argument rules. */
export function connection<T>(items: readonly T[], args: Args, options: ConnectionOptions<T>): View {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  if (first == null && last == null) throw new ShopifyResolverError("you must provide one of first or last", "BAD_REQUEST");
  if (first != null && last != null) throw new ShopifyResolverError("providing both first and last is not supported", "BAD_REQUEST");
  const size = (first ?? last) as number;
  if (size < 0) throw new ShopifyResolverError(`${first != null ? "first" : "last"} must be a non-negative integer`, "BAD_REQUEST");
  if (size > MAX_PAGE_SIZE) {
    throw new ShopifyResolverError(`${first != null ? "first" : "last"} must be less than or equal to ${MAX_PAGE_SIZE}`, "BAD_REQUEST");
  }
  const dir = options.reverse ? -1 : 1;
  const keyed = items.map((item) => ({ item, key: options.key(item) }));
  if (options.sort !== false) keyed.sort((a, b) => dir * compareKeys(a.key, b.key));
  else if (options.reverse) keyed.reverse();
  let lo = 0;
  let hi = keyed.length; // window [lo, hi)
  if (args.after != null) {
    const after = decodeCursor(args.after);
    while (lo < hi && dir * compareKeys((keyed[lo] as { key: CursorKey }).key, after) <= 0) lo++;
  }
  if (args.before != null) {
    const before = decodeCursor(args.before);
    let h = lo;
    while (h < hi && dir * compareKeys((keyed[h] as { key: CursorKey }).key, before) < 0) h++;
    hi = h;
  }
  let from = lo;
  let to = hi;
  if (first != null) to = Math.min(hi, lo + first);
  else if (last != null) from = Math.max(lo, hi - last);
  const page = keyed.slice(from, to);
  const cursors = page.map((k) => encodeCursor(k.key));
  const views = page.map((k) => options.view(k.item));
  return {
    edges: page.map((_, i) => ({ cursor: cursors[i], node: views[i] })),
    nodes: views,
    pageInfo: {
      hasNextPage: to < keyed.length,
      hasPreviousPage: from > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}

function legacy(gid: string | null): number {
  return Number((gid ?? "").split("/").pop()?.split("?")[0] ?? 0);
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

function moneyScalar(bag: MoneyBag): string {
  return bag.shopMoney.amount;
}

function zeroBag(shopCurrency: string, presCurrency: string): MoneyBag {
  return {
    shopMoney: { amount: formatShopifyDecimal(0, shopCurrency), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatShopifyDecimal(0, presCurrency), currencyCode: presCurrency },
  };
}

function moneyBagView(bag: MoneyBag): View {
  return { shopMoney: { ...bag.shopMoney }, presentmentMoney: { ...bag.presentmentMoney } };
}

function taxLineView(t: SeedTaxLine): View {
  return {
    title: t.title,
    rate: t.rate,
    ratePercentage: t.ratePercentage,
    priceSet: moneyBagView(t.priceSet),
    price: t.priceSet.shopMoney.amount,
    channelLiable: t.channelLiable,
    source: t.source,
  };
}

function formattedAddress(a: SeedAddress | SeedShopAddress, withName: boolean, withCompany: boolean): string[] {
  const lines: string[] = [];
  if (withName && "name" in a && a.name) lines.push(a.name);
  if (withCompany && a.company) lines.push(a.company);
  if (a.address1) lines.push(a.address1);
  if (a.address2) lines.push(a.address2);
  const area = [a.zip, a.city, a.provinceCode].filter(Boolean).join(" ");
  if (area) lines.push(area);
  if (a.country) lines.push(a.country);
  return lines;
}

function mailingAddressView(a: SeedAddress, id: string): View {
  return {
    id,
    firstName: a.firstName,
    lastName: a.lastName,
    name: a.name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
    country: a.country,
    countryCodeV2: a.countryCodeV2,
    countryCode: a.countryCodeV2,
    phone: a.phone,
    coordinatesValidated: false,
    latitude: null,
    longitude: null,
    formattedArea: [a.city, a.province, a.country].filter(Boolean).join(", ") || null,
    formatted: (args: Args) => formattedAddress(a, args.withName === true, args.withCompany !== false),
  };
}

function shopAddressView(a: SeedShopAddress, id: string): View {
  return {
    id,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
    country: a.country,
    countryCodeV2: a.countryCodeV2,
    countryCode: a.countryCodeV2,
    company: a.company,
    phone: a.phone,
    firstName: null,
    lastName: null,
    name: null,
    coordinatesValidated: false,
    latitude: null,
    longitude: null,
    formattedArea: [a.city, a.province, a.country].filter(Boolean).join(", "),
    formatted: (args: Args) => formattedAddress(a, false, args.withCompany !== false),
  };
}

export function customerView(c: SeedCustomer): View {
  return {
    __typename: "Customer",
    id: c.id,
    legacyResourceId: c.legacyResourceId,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: c.displayName,
    email: c.email,
    defaultEmailAddress: c.email
      ? {
          emailAddress: c.email,
          validFormat: true,
          marketingState: "NOT_SUBSCRIBED",
          marketingOptInLevel: null,
          marketingUpdatedAt: null,
        }
      : null,
    phone: c.phone,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone, marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, marketingUpdatedAt: null } : null,
    locale: c.locale,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    state: c.state,
    tags: [...c.tags],
    taxExempt: c.taxExempt,
    verifiedEmail: c.verifiedEmail,
    note: c.note,
    defaultAddress: c.defaultAddress ? mailingAddressView(c.defaultAddress, `gid://shopify/MailingAddress/${c.legacyResourceId}1?model_name=CustomerAddress`) : null,
  };
}

function productView(p: SeedProduct): View {
  return {
    __typename: "Product",
    id: p.id,
    legacyResourceId: String(legacy(p.id)),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    status: "ACTIVE",
    isGiftCard: false,
  };
}

export function variantView(shop: ShopState, v: SeedVariant): View {
  const product = shop.shop.products.find((p) => p.id === v.productId);
  return {
    __typename: "ProductVariant",
    id: v.id,
    legacyResourceId: v.legacyResourceId,
    title: v.title,
    sku: v.sku,
    displayName: product ? `${product.title} - ${v.title}` : v.title,
    price: v.price,
    compareAtPrice: null,
    taxable: v.taxable,
    availableForSale: true,
    barcode: null,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    product: product ? productView(product) : null,
  };
}

function discountApplicationView(a: SeedDiscountApplication): View {
  const base: View = {
    __typename: a.__typename,
    index: a.index,
    allocationMethod: a.allocationMethod,
    targetSelection: a.targetSelection,
    targetType: a.targetType,
    value: { ...a.value },
  };
  if (a.__typename === "DiscountCodeApplication") base.code = a.code;
  if (a.__typename === "ManualDiscountApplication") {
    base.title = a.title;
    base.description = a.description;
  }
  if (a.__typename === "AutomaticDiscountApplication") base.title = a.title;
  return base;
}

function allocationView(order: SeedOrder, a: SeedDiscountAllocation): View {
  const application = order.discountApplications.find((d) => d.index === a.discountApplicationIndex);
  return {
    allocatedAmountSet: moneyBagView(a.allocatedAmountSet),
    allocatedAmount: { ...a.allocatedAmountSet.presentmentMoney },
    discountApplication: application ? discountApplicationView(application) : null,
  };
}

function lineItemView(shop: ShopState, order: SeedOrder, l: SeedLineItem): View {
  const variant = l.variantId ? shop.shop.variants.find((v) => v.id === l.variantId) : undefined;
  const product = l.productId ? shop.shop.products.find((p) => p.id === l.productId) : undefined;
  return {
    __typename: "LineItem",
    id: l.id,
    title: l.title,
    name: l.name,
    variantTitle: l.variantTitle,
    sku: l.sku,
    vendor: l.vendor,
    quantity: l.quantity,
    currentQuantity: l.quantity,
    unfulfilledQuantity: order.displayFulfillmentStatus === "FULFILLED" ? 0 : l.quantity,
    refundableQuantity: order.displayFinancialStatus === "PAID" ? l.quantity : 0,
    nonFulfillableQuantity: 0,
    requiresShipping: l.requiresShipping,
    taxable: l.taxable,
    isGiftCard: false,
    variant: variant && !variant.deleted ? variantView(shop, variant) : null,
    product: product ? productView(product) : null,
    originalUnitPriceSet: moneyBagView(l.originalUnitPriceSet),
    originalUnitPrice: moneyScalar(l.originalUnitPriceSet),
    originalTotalSet: moneyBagView(l.originalTotalSet),
    originalTotal: moneyScalar(l.originalTotalSet),
    discountedUnitPriceSet: moneyBagView(l.discountedUnitPriceSet),
    discountedUnitPrice: moneyScalar(l.discountedUnitPriceSet),
    discountedUnitPriceAfterAllDiscountsSet: moneyBagView(l.discountedUnitPriceAfterAllDiscountsSet),
    discountedTotalSet: (args: Args) =>
      moneyBagView(args.withCodeDiscounts === true ? l.discountedTotalWithCodeDiscountsSet : l.discountedTotalSet),
    discountedTotal: moneyScalar(l.discountedTotalSet),
    totalDiscountSet: moneyBagView(l.totalDiscountSet),
    totalDiscount: moneyScalar(l.totalDiscountSet),
    taxLines: (args: Args) => {
      const first = typeof args.first === "number" ? args.first : undefined;
      return (first === undefined ? l.taxLines : l.taxLines.slice(0, first)).map(taxLineView);
    },
    discountAllocations: l.discountAllocations.map((a) => allocationView(order, a)),
    customAttributes: l.customAttributes.map((a) => ({ ...a })),
  };
}

function shippingLineView(order: SeedOrder, s: SeedShippingLine): View {
  return {
    id: s.id,
    title: s.title,
    code: s.code,
    source: s.source,
    custom: s.source === null,
    carrierIdentifier: null,
    deliveryCategory: null,
    phone: null,
    shippingRateHandle: null,
    isRemoved: false,
    originalPriceSet: moneyBagView(s.originalPriceSet),
    originalPrice: { ...s.originalPriceSet.presentmentMoney },
    price: s.originalPriceSet.shopMoney.amount,
    discountedPriceSet: moneyBagView(s.discountedPriceSet),
    discountedPrice: { ...s.discountedPriceSet.presentmentMoney },
    currentDiscountedPriceSet: moneyBagView(s.discountedPriceSet),
    taxLines: s.taxLines.map(taxLineView),
    discountAllocations: s.discountAllocations.map((a) => allocationView(order, a)),
  };
}

export function orderView(shop: ShopState, o: SeedOrder): View {
  const zero = zeroBag(o.currencyCode, o.presentmentCurrencyCode);
  const paid = o.displayFinancialStatus === "PAID";
  const customer = o.customerId ? shop.shop.customers.find((c) => c.id === o.customerId) : undefined;
  const quantity = o.lineItems.reduce((n, l) => n + l.quantity, 0);
  const address = (a: SeedAddress | null, kind: string) =>
    a ? mailingAddressView(a, `gid://shopify/MailingAddress/${o.legacyResourceId}${kind}?model_name=Address`) : null;
  return {
    __typename: "Order",
    id: o.id,
    legacyResourceId: o.legacyResourceId,
    name: o.name,
    number: o.number,
    createdAt: o.createdAt,
    processedAt: o.processedAt,
    updatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: null,
    closedAt: o.closedAt,
    closed: o.closedAt !== null,
    confirmed: true,
    currencyCode: o.currencyCode,
    presentmentCurrencyCode: o.presentmentCurrencyCode,
    taxesIncluded: o.taxesIncluded,
    taxExempt: o.taxExempt,
    dutiesIncluded: false,
    estimatedTaxes: false,
    test: o.test,
    displayFinancialStatus: o.displayFinancialStatus,
    displayFulfillmentStatus: o.displayFulfillmentStatus,
    fullyPaid: paid,
    unpaid: o.displayFinancialStatus === "PENDING" || o.displayFinancialStatus === "AUTHORIZED" || o.displayFinancialStatus === null,
    email: o.email,
    phone: o.phone,
    note: o.note,
    tags: [...o.tags],
    sourceName: o.sourceName,
    poNumber: o.poNumber,
    confirmationNumber: o.confirmationNumber,
    paymentGatewayNames: [...o.paymentGatewayNames],
    customerLocale: o.customerLocale,
    customer: customer ? customerView(customer) : null,
    purchasingEntity: () => purchasingEntityView(shop, o.purchasingCompany, customer ? customerView(customer) : null, connection),
    billingAddress: address(o.billingAddress, "1"),
    shippingAddress: address(o.shippingAddress, "2"),
    displayAddress: address(o.billingAddress ?? o.shippingAddress, "1"),
    billingAddressMatchesShippingAddress:
      o.billingAddress !== null && o.shippingAddress !== null && JSON.stringify(o.billingAddress) === JSON.stringify(o.shippingAddress),
    requiresShipping: o.lineItems.some((l) => l.requiresShipping),
    subtotalLineItemsQuantity: quantity,
    currentSubtotalLineItemsQuantity: quantity,
    // No refunds, edits or returns exist in the stand-in: current* equal the originals.
    subtotalPriceSet: moneyBagView(o.subtotalPriceSet),
    currentSubtotalPriceSet: moneyBagView(o.subtotalPriceSet),
    totalPriceSet: moneyBagView(o.totalPriceSet),
    currentTotalPriceSet: moneyBagView(o.totalPriceSet),
    originalTotalPriceSet: moneyBagView(o.totalPriceSet),
    totalTaxSet: moneyBagView(o.totalTaxSet),
    currentTotalTaxSet: moneyBagView(o.totalTaxSet),
    totalShippingPriceSet: moneyBagView(o.totalShippingPriceSet),
    currentShippingPriceSet: moneyBagView(o.totalShippingPriceSet),
    totalDiscountsSet: moneyBagView(o.totalDiscountsSet),
    currentTotalDiscountsSet: moneyBagView(o.totalDiscountsSet),
    totalOutstandingSet: moneyBagView(paid ? zero : o.totalPriceSet),
    totalReceivedSet: moneyBagView(paid ? o.totalPriceSet : zero),
    netPaymentSet: moneyBagView(paid ? o.totalPriceSet : zero),
    totalRefundedSet: moneyBagView(zero),
    totalRefundedShippingSet: moneyBagView(zero),
    totalCapturableSet: moneyBagView(o.displayFinancialStatus === "AUTHORIZED" ? o.totalPriceSet : zero),
    capturable: o.displayFinancialStatus === "AUTHORIZED",
    refundable: paid,
    totalPrice: moneyScalar(o.totalPriceSet),
    subtotalPrice: moneyScalar(o.subtotalPriceSet),
    totalTax: moneyScalar(o.totalTaxSet),
    totalDiscounts: moneyScalar(o.totalDiscountsSet),
    totalShippingPrice: moneyScalar(o.totalShippingPriceSet),
    taxLines: o.taxLines.map(taxLineView),
    currentTaxLines: o.taxLines.map(taxLineView),
    discountCodes: [...o.discountCodes],
    discountCode: o.discountCodes[0] ?? null,
    lineItems: (args: Args) =>
      connection(o.lineItems, args, {
        key: (l) => ({ id: legacy(l.id), value: legacy(l.id) }),
        view: (l) => lineItemView(shop, o, l),
        reverse: args.reverse === true,
      }),
    shippingLines: (args: Args) =>
      connection(o.shippingLines, args, {
        key: (s) => ({ id: legacy(s.id), value: legacy(s.id) }),
        view: (s) => shippingLineView(o, s),
        reverse: args.reverse === true,
      }),
    shippingLine: o.shippingLines[0] ? shippingLineView(o, o.shippingLines[0]) : null,
    discountApplications: (args: Args) =>
      connection(o.discountApplications, args, {
        key: (a) => ({ id: a.index, value: a.index }),
        view: discountApplicationView,
        reverse: args.reverse === true,
      }),
  };
}

function shopView(shop: ShopState): View {
  const s = shop.shop;
  return {
    __typename: "Shop",
    id: s.id,
    name: s.name,
    email: s.email,
    contactEmail: s.contactEmail,
    myshopifyDomain: s.myshopifyDomain,
    currencyCode: s.currencyCode,
    ianaTimezone: s.ianaTimezone,
    primaryDomain: { __typename: "Domain", id: s.primaryDomain.id, host: s.primaryDomain.host, url: s.primaryDomain.url, sslEnabled: true },
    billingAddress: shopAddressView(s.shopAddress, `${s.id.replace("/Shop/", "/ShopAddress/")}`),
    shopAddress: shopAddressView(s.shopAddress, `${s.id.replace("/Shop/", "/ShopAddress/")}`),
    taxesIncluded: s.currencyCode === "EUR",
  };
}

// ---------------------------------------------------------------------------
// Orders query
// ---------------------------------------------------------------------------

const ORDER_SORTS: Record<string, (o: SeedOrder, shop: ShopState) => string | number> = {
  ID: (o) => Number(o.legacyResourceId),
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.processedAt,
  UPDATED_AT: (o) => o.updatedAt,
  ORDER_NUMBER: (o) => o.number,
  TOTAL_PRICE: (o) => Number(o.totalPriceSet.shopMoney.amount),
  CURRENT_TOTAL_PRICE: (o) => Number(o.totalPriceSet.shopMoney.amount),
  CUSTOMER_NAME: (o, shop) => fold(shop.shop.customers.find((c) => c.id === o.customerId)?.displayName ?? ""),
  FINANCIAL_STATUS: (o) => o.displayFinancialStatus ?? "",
};

function ordersConnection(ctx: ResolverContext, args: Args, path: (string | number)[]): View {
  requireScope(ctx, "orders", "read_orders");
  const sortKey = typeof args.sortKey === "string" ? args.sortKey : "PROCESSED_AT";
  const sortOf = ORDER_SORTS[sortKey];
  if (!sortOf) throw notImplemented("OrderSortKeys", sortKey);
  const query = typeof args.query === "string" ? args.query : null;
  const search = compileOrderSearch(query, ctx.shop.shop.customers);
  if (search.warnings.length > 0 && query) ctx.searchWarnings.push({ path, query, warnings: search.warnings });
  const matching = ctx.shop.shop.orders.filter((o) => search.matches(o));
  return connection(matching, args, {
    key: (o) => ({ id: Number(o.legacyResourceId), value: sortOf(o, ctx.shop) }),
    view: (o) => orderView(ctx.shop, o),
    reverse: args.reverse === true,
  });
}

function findOrder(ctx: ResolverContext, id: unknown): SeedOrder | null {
  const gid = parseGid(id);
  if (gid.type !== "Order") return null;
  return ctx.shop.shop.orders.find((o) => o.legacyResourceId === gid.legacy) ?? null;
}

function nodeById(ctx: ResolverContext, id: unknown): View | null {
  const gid = parseGid(id);
  const s = ctx.shop.shop;
  switch (gid.type) {
    case "Order": {
      requireScope(ctx, "node", "read_orders");
      const order = s.orders.find((o) => o.legacyResourceId === gid.legacy);
      return order ? orderView(ctx.shop, order) : null;
    }
    case "Customer": {
      requireScope(ctx, "node", "read_customers");
      const c = s.customers.find((x) => x.legacyResourceId === gid.legacy);
      return c ? customerView(c) : null;
    }
    case "ProductVariant": {
      requireScope(ctx, "node", "read_products");
      const v = s.variants.find((x) => x.legacyResourceId === gid.legacy && !x.deleted);
      return v ? variantView(ctx.shop, v) : null;
    }
    case "Product": {
      requireScope(ctx, "node", "read_products");
      const p = s.products.find((x) => String(legacy(x.id)) === gid.legacy);
      return p ? productView(p) : null;
    }
    default:
      throw notImplemented("QueryRoot.node", gid.type);
  }
}

/** The root value for queries and mutations. */
export function rootValue(ctx: ResolverContext): View {
  return {
    ...draftOrderRoot(ctx),
    ...companyRoot(ctx.shop, ctx.scopes, connection),
    shop: shopView(ctx.shop),
    // No scope needed: an app always reads its own installation.
    currentAppInstallation: { ...appInstallationView(ctx.shop), accessScopes: accessScopesView(ctx.scopes) },
    app: (args: Args) => {
      if (args.id !== undefined && args.id !== null) throw notImplemented("QueryRoot.app", "id");
      return appView(ctx.state, appInstallationView(ctx.shop), ctx.scopes);
    },
    orders: (args: Args, _c: ResolverContext, info: { path: { key: string | number } }) =>
      ordersConnection(ctx, args, [info.path.key]),
    order: (args: Args) => {
      requireScope(ctx, "order", "read_orders");
      const order = findOrder(ctx, args.id);
      return order ? orderView(ctx.shop, order) : null;
    },
    customer: (args: Args) => {
      requireScope(ctx, "customer", "read_customers");
      const gid = parseGid(args.id);
      if (gid.type !== "Customer") return null;
      const c = ctx.shop.shop.customers.find((x) => x.legacyResourceId === gid.legacy);
      return c ? customerView(c) : null;
    },
    productVariant: (args: Args) => {
      requireScope(ctx, "productVariant", "read_products");
      const gid = parseGid(args.id);
      if (gid.type !== "ProductVariant") return null;
      const v = ctx.shop.shop.variants.find((x) => x.legacyResourceId === gid.legacy && !x.deleted);
      return v ? variantView(ctx.shop, v) : null;
    },
    node: (args: Args) => nodeById(ctx, args.id),
    nodes: (args: Args) => (Array.isArray(args.ids) ? args.ids.map((id) => nodeById(ctx, id)) : []),
    orderCreate: (args: Args) => {
      requireScope(ctx, "orderCreate", "write_orders");
      const result = orderCreate(ctx.shop, ctx.now, args.order, args.options);
      return {
        order: result.order ? orderView(ctx.shop, result.order) : null,
        userErrors: result.userErrors.map((e) => ({ field: e.field, message: e.message, code: e.code })),
      };
    },
  };
}
