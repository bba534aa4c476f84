// GraphQL face of the stand-in's draft orders (draft-orders.ts): the
// DraftOrder view, the `draftOrder`, `draftOrders` and `paymentTermsTemplates`
// queries, and the draft order mutations. Scopes as Shopify requires them:
// read_draft_orders to read, write_draft_orders to change or send
// (https://shopify.dev/docs/api/admin-graphql/latest/mutations/draftOrderInvoiceSend).
// draftOrderInvoiceSend and draftOrderDelete send their webhooks
// (draft_orders/update, draft_orders/delete) once they have answered (merchant-admin.ts).
import { purchasingEntityView } from "./companies";
import { ShopifyResolverError } from "./errors";
import {
  draftOrderCalculate,
  draftOrderCreate,
  draftOrderDelete,
  draftOrderInvoiceSend,
  draftOrderUpdate,
  findDraft,
  invoiceUrlOf,
  PAYMENT_TERMS_TEMPLATES,
  searchDrafts,
  type DraftOrderRecord,
  type PaymentTermsTemplate,
} from "./draft-orders";
import { emitDraftWebhook } from "./merchant-admin";
import { connection, customerView, orderView, type ResolverContext, type View } from "./resolvers";
import type { MoneyBag, SeedAddress } from "./seed";
import { hasScope } from "./state";

type Args = Record<string, unknown>;

function requireScope(ctx: ResolverContext, field: string, scope: string): void {
  if (hasScope(ctx.scopes, scope)) return;
  throw new ShopifyResolverError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, "ACCESS_DENIED", {
    documentation: "https://shopify.dev/api/usage/access-scopes",
    requiredAccess: `\`${scope}\` access scope.`,
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));
const bag = (b: MoneyBag): View => ({ shopMoney: { ...b.shopMoney }, presentmentMoney: { ...b.presentmentMoney } });

function addressView(a: SeedAddress | null): View | null {
  if (!a) return null;
  return { ...a, countryCode: a.countryCodeV2, formattedArea: [a.city, a.province, a.country].filter(Boolean).join(", ") || null };
}

function templateView(t: PaymentTermsTemplate): View {
  return { __typename: "PaymentTermsTemplate", ...t, translatedName: t.name };
}

function metafieldView(d: DraftOrderRecord, namespace: unknown, key: unknown): View | null {
  const field = d.metafields.find((m) => m.key === key && (namespace == null || m.namespace === namespace));
  return field ? { __typename: "Metafield", namespace: field.namespace, key: field.key, value: field.value, type: field.type } : null;
}

/** What both a stored draft and a calculation show of their amounts. */
function amountFields(d: Pick<DraftOrderRecord, "amounts" | "currency" | "taxesIncluded" | "lines">): View {
  const a = d.amounts;
  return {
    currencyCode: d.currency,
    presentmentCurrencyCode: d.currency,
    taxesIncluded: d.taxesIncluded,
    subtotalPriceSet: bag(a.subtotalPriceSet),
    totalPriceSet: bag(a.totalPriceSet),
    totalTaxSet: bag(a.totalTaxSet),
    totalShippingPriceSet: bag(a.totalShippingPriceSet),
    totalDiscountsSet: bag(a.totalDiscountsSet),
    totalQuantityOfLineItems: d.lines.reduce((n, l) => n + l.quantity, 0),
    taxLines: a.taxLines.map((t) => ({ title: t.title, rate: t.rate, ratePercentage: t.ratePercentage, priceSet: bag(t.priceSet), source: t.source, channelLiable: t.channelLiable })),
  };
}

export function draftOrderView(ctx: ResolverContext, d: DraftOrderRecord): View {
  const customer = d.customerId ? ctx.shop.shop.customers.find((c) => c.id === d.customerId) : undefined;
  const order = d.orderId ? ctx.shop.shop.orders.find((o) => o.id === d.orderId) : undefined;
  const lineItems = d.amounts.lineItems.map((l, index) => ({
    __typename: "DraftOrderLineItem",
    id: l.id,
    title: l.title,
    name: l.name,
    sku: l.sku,
    quantity: l.quantity,
    custom: d.lines[index]?.variantId === null,
    variant: null,
    originalUnitPriceSet: bag(l.originalUnitPriceSet),
    discountedTotalSet: bag(l.discountedTotalSet),
    taxable: l.taxable,
    requiresShipping: l.requiresShipping,
  }));
  return {
    __typename: "DraftOrder",
    id: d.id,
    legacyResourceId: String(d.legacyId),
    name: d.name,
    status: d.status,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    completedAt: iso(d.completedAt),
    invoiceSentAt: iso(d.invoiceSentAt),
    invoiceUrl: invoiceUrlOf(ctx.state.publicUrl, ctx.shop, d),
    email: d.email,
    note2: d.note,
    tags: [...d.tags],
    customer: customer ? customerView(customer) : null,
    purchasingEntity: () => purchasingEntityOfDraft(ctx, d, customer ? customerView(customer) : null),
    billingAddress: addressView(d.billingAddress),
    shippingAddress: addressView(d.shippingAddress),
    order: order ? orderView(ctx.shop, order) : null,
    shippingLine: shippingLineView(d),
    paymentTerms: d.paymentTerms
      ? {
          __typename: "PaymentTerms",
          id: `gid://shopify/PaymentTerms/${d.legacyId}`,
          paymentTermsName: d.paymentTerms.template.name,
          paymentTermsType: d.paymentTerms.template.paymentTermsType,
          translatedName: d.paymentTerms.template.name,
          dueInDays: d.paymentTerms.template.dueInDays,
          due: false,
          overdue: d.paymentTerms.dueAt !== null && d.paymentTerms.dueAt < ctx.now && d.status !== "COMPLETED",
          // One schedule, as Shopify makes for net and fixed terms (https://shopify.dev/docs/api/admin-graphql/latest/objects/PaymentSchedule).
          paymentSchedules: (args: Args) =>
            connection([{ __typename: "PaymentSchedule", id: `gid://shopify/PaymentSchedule/${d.legacyId}`, issuedAt: iso(d.paymentTerms!.issuedAt), dueAt: iso(d.paymentTerms!.dueAt), completedAt: null }], args, {
              key: () => ({ id: d.legacyId, value: d.legacyId }),
              view: (schedule) => schedule,
              sort: false,
            }),
        }
      : null,
    metafield: (args: Args) => metafieldView(d, args.namespace, args.key),
    lineItems: (args: Args) => connection(lineItems, args, { key: (_l) => ({ id: 0, value: 0 }), view: (l) => l, sort: false }),
    ...amountFields(d),
  };
}

/** DraftOrder.purchasingEntity: the company location when the draft is B2B, else its customer (companies.ts). */
function purchasingEntityOfDraft(ctx: ResolverContext, d: DraftOrderRecord, customer: View | null): View | null {
  return purchasingEntityView(ctx.shop, d.purchasingCompany, customer, connection);
}

/** The draft's shipping line, as its amounts computed it (null without shipping). */
function shippingLineView(d: DraftOrderRecord): View | null {
  const line = d.amounts.shippingLines[0];
  if (!line) return null;
  return { __typename: "ShippingLine", id: line.id, title: line.title, code: line.code, source: line.source, custom: true, originalPriceSet: bag(line.originalPriceSet), discountedPriceSet: bag(line.discountedPriceSet) };
}

function payload(ctx: ResolverContext, result: { draft: DraftOrderRecord | null; userErrors: { field: string[] | null; message: string }[] }): View {
  return { draftOrder: result.draft ? draftOrderView(ctx, result.draft) : null, userErrors: result.userErrors.map((e) => ({ ...e })) };
}

/** The draft order fields of the query and mutation roots. */
export function draftOrderRoot(ctx: ResolverContext): View {
  return {
    draftOrder: (args: Args) => {
      requireScope(ctx, "draftOrder", "read_draft_orders");
      const d = findDraft(ctx.shop, args.id);
      return d ? draftOrderView(ctx, d) : null;
    },
    draftOrders: (args: Args) => {
      requireScope(ctx, "draftOrders", "read_draft_orders");
      const found = searchDrafts(ctx.shop, ctx.now, typeof args.query === "string" ? args.query : null);
      const sortKey = typeof args.sortKey === "string" ? args.sortKey : "ID";
      if (sortKey !== "ID" && sortKey !== "UPDATED_AT" && sortKey !== "NUMBER") throw new ShopifyResolverError(`The stand-in does not sort draft orders by ${sortKey}.`, "NOT_IMPLEMENTED_IN_STAND_IN");
      return connection(found, args, {
        key: (d) => ({ id: d.legacyId, value: sortKey === "UPDATED_AT" ? d.updatedAt : d.legacyId }),
        view: (d) => draftOrderView(ctx, d),
        reverse: args.reverse === true,
      });
    },
    // "eligible for all shops and users": no scope (https://shopify.dev/docs/api/admin-graphql/latest/queries/paymentTermsTemplates).
    paymentTermsTemplates: (args: Args) => {
      const type = typeof args.paymentTermsType === "string" ? args.paymentTermsType : null;
      return PAYMENT_TERMS_TEMPLATES.filter((t) => type === null || t.paymentTermsType === type).map(templateView);
    },
    draftOrderCreate: (args: Args) => {
      requireScope(ctx, "draftOrderCreate", "write_draft_orders");
      return payload(ctx, draftOrderCreate(ctx.shop, ctx.now, args.input));
    },
    draftOrderUpdate: (args: Args) => {
      requireScope(ctx, "draftOrderUpdate", "write_draft_orders");
      return payload(ctx, draftOrderUpdate(ctx.shop, ctx.now, args.id, args.input));
    },
    draftOrderDelete: (args: Args) => {
      requireScope(ctx, "draftOrderDelete", "write_draft_orders");
      const input = (args.input ?? {}) as { id?: unknown };
      const draft = findDraft(ctx.shop, input.id);
      const result = draftOrderDelete(ctx.shop, input.id);
      if (draft && result.deletedId) emitDraftWebhook(ctx.state, ctx.shop, "draft_orders/delete", draft);
      return { deletedId: result.deletedId, userErrors: result.userErrors };
    },
    draftOrderInvoiceSend: (args: Args) => {
      requireScope(ctx, "draftOrderInvoiceSend", "write_draft_orders");
      const result = draftOrderInvoiceSend(ctx.shop, ctx.now, ctx.state.publicUrl, args.id, args.email);
      if (result.draft) emitDraftWebhook(ctx.state, ctx.shop, "draft_orders/update", result.draft);
      return payload(ctx, result);
    },
    // Metafields of draft orders only (the rail's signature stamp); another owner is not in the stand-in.
    // Limits as Shopify documents them: at most 25, a key of 2–64 characters, a namespace of 3–255
    // (https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet).
    metafieldsSet: (args: Args) => {
      const inputs = Array.isArray(args.metafields) ? (args.metafields as Args[]) : [];
      if (inputs.length > 25) return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO" }] };
      const drafts = inputs.map((input) => {
        if (typeof input.ownerId !== "string" || !input.ownerId.startsWith("gid://shopify/DraftOrder/")) {
          throw new ShopifyResolverError("The stand-in sets metafields on draft orders only.", "NOT_IMPLEMENTED_IN_STAND_IN");
        }
        return findDraft(ctx.shop, input.ownerId);
      });
      requireScope(ctx, "metafieldsSet", "write_draft_orders");
      const userErrors = inputs.flatMap((input, i) => {
        const key = String(input.key);
        const namespace = String(input.namespace ?? "");
        if (!drafts[i]) return [{ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID" }];
        if (key.length < 2 || key.length > 64) return [{ field: ["metafields", String(i), "key"], message: "Key must be between 2 and 64 characters.", code: "INVALID" }];
        if (namespace.length < 3 || namespace.length > 255) return [{ field: ["metafields", String(i), "namespace"], message: "Namespace must be between 3 and 255 characters.", code: "INVALID" }];
        const known = drafts[i]!.metafields.some((m) => m.namespace === namespace && m.key === key);
        if (!known && typeof input.type !== "string") return [{ field: ["metafields", String(i), "type"], message: "Type can't be blank.", code: "BLANK" }];
        return [];
      });
      if (userErrors.length > 0) return { metafields: null, userErrors };
      const set = inputs.map((input, i) => {
        const draft = drafts[i]!;
        const [namespace, key, value] = [String(input.namespace), String(input.key), String(input.value)];
        const existing = draft.metafields.find((m) => m.namespace === namespace && m.key === key);
        if (existing) existing.value = value;
        else draft.metafields.push({ namespace, key, value, type: String(input.type) });
        return metafieldView(draft, namespace, key);
      });
      return { metafields: set, userErrors: [] };
    },
    draftOrderCalculate: (args: Args) => {
      requireScope(ctx, "draftOrderCalculate", "write_draft_orders");
      const result = draftOrderCalculate(ctx.shop, ctx.now, args.input);
      return {
        calculatedDraftOrder: result.calculated ? { __typename: "CalculatedDraftOrder", ...amountFields(result.calculated) } : null,
        userErrors: result.userErrors,
      };
    },
  };
}
