// Draft orders in the Shopify Admin API: the documents of the Shopify invoice
// rail (billing-adapter.server.ts) and their answers read into plain values.
// Scope: write_draft_orders (which grants read_draft_orders).
//
// Every read selects the same fields (the fragment DRAFT_ORDER_FIELDS): the rail reads
// a draft the same way whichever query found it.
import { parseDecimal } from "~/domain/money";
import { runTag } from "~/domain/write-back";
import type { RitournelleDraftOrderFieldsFragment, RitournelleRecentDraftOrdersQuery } from "./generated/admin.generated";
import { runAdminDocument, ShopifyGraphqlError, type AdminGraphql, type RunAdminQueryOptions, type VariablesOf } from "./graphql.server";

/** Namespace and key of the metafield that carries the run id on each draft. */
export const RUN_METAFIELD = { namespace: "ritournelle", key: "run_id" } as const;

/** The tag that carries the run id (drafts are searchable by tag; Shopify copies a draft's tags to its order): the write-back's. */
export { runTag };

/**
 * The fields the rail reads of every draft, whichever document found it: one
 * fragment, interpolated into each document (`as const`, so the document's
 * text stays a literal type and a key of the generated types; Shopify's codegen
 * preset resolves the interpolation: @shopify/graphql-codegen's README).
 */
export const DRAFT_ORDER_FIELDS = `#graphql
  fragment RitournelleDraftOrderFields on DraftOrder {
    id name status invoiceUrl invoiceSentAt createdAt tags
    metafield(namespace: "ritournelle", key: "run_id") { value }
    totalPriceSet { shopMoney { amount currencyCode } }
    order { id name displayFinancialStatus cancelledAt }
  }
` as const;

export const DRAFT_ORDER_CREATE = `#graphql
  ${DRAFT_ORDER_FIELDS}
  mutation RitournelleDraftOrderCreate($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder { ...RitournelleDraftOrderFields }
      userErrors { field message }
    }
  }
` as const;

export const DRAFT_ORDER = `#graphql
  ${DRAFT_ORDER_FIELDS}
  query RitournelleDraftOrder($id: ID!) {
    draftOrder(id: $id) { ...RitournelleDraftOrderFields }
  }
` as const;

export const DRAFT_ORDERS_SEARCH = `#graphql
  ${DRAFT_ORDER_FIELDS}
  query RitournelleDraftOrdersSearch($query: String!) {
    draftOrders(first: 10, query: $query) {
      nodes { ...RitournelleDraftOrderFields }
    }
  }
` as const;

/**
 * One page of the shop's drafts, newest first: a listing (no `query`), which
 * reads the drafts themselves, not the search index a `query` goes through.
 */
export const RECENT_DRAFT_ORDERS = `#graphql
  ${DRAFT_ORDER_FIELDS}
  query RitournelleRecentDraftOrders($after: String) {
    draftOrders(first: 50, after: $after, sortKey: ID, reverse: true) {
      nodes { ...RitournelleDraftOrderFields }
      pageInfo { hasNextPage endCursor }
    }
  }
` as const;

export const DRAFT_ORDER_INVOICE_SEND = `#graphql
  ${DRAFT_ORDER_FIELDS}
  mutation RitournelleDraftOrderInvoiceSend($id: ID!, $email: EmailInput) {
    draftOrderInvoiceSend(id: $id, email: $email) {
      draftOrder { ...RitournelleDraftOrderFields }
      userErrors { field message }
    }
  }
` as const;

export const DRAFT_ORDER_DELETE = `#graphql
  mutation RitournelleDraftOrderDelete($id: ID!) {
    draftOrderDelete(input: { id: $id }) {
      deletedId
      userErrors { field message }
    }
  }
`;

export const DRAFT_ORDER_CALCULATE = `#graphql
  mutation RitournelleDraftOrderCalculate($input: DraftOrderInput!) {
    draftOrderCalculate(input: $input) {
      calculatedDraftOrder {
        totalPriceSet { shopMoney { amount currencyCode } }
        totalTaxSet { shopMoney { amount } }
        taxesIncluded
      }
      userErrors { field message }
    }
  }
`;

export const PAYMENT_TERMS_TEMPLATES = `#graphql
  query RitournellePaymentTermsTemplates {
    paymentTermsTemplates { id name paymentTermsType dueInDays }
  }
`;

export type DraftOrderInput = VariablesOf<typeof DRAFT_ORDER_CREATE>["input"];

/** A draft order as the rail reads it. */
export type DraftOrder = {
  id: string;
  name: string;
  status: "OPEN" | "INVOICE_SENT" | "COMPLETED";
  invoiceUrl: string | null;
  invoiceSentAt: string | null;
  createdAt: string;
  runId: string | null;
  total: number;
  currency: string;
  order: { id: string; name: string; paid: boolean; cancelled: boolean } | null;
};

/** A draft as the fragment selects it (generated from DRAFT_ORDER_FIELDS). */
type DraftNode = RitournelleDraftOrderFieldsFragment;

function draftOf(node: DraftNode): DraftOrder {
  const currency = node.totalPriceSet.shopMoney.currencyCode;
  return {
    id: node.id,
    name: node.name,
    status: node.status as DraftOrder["status"],
    invoiceUrl: typeof node.invoiceUrl === "string" ? node.invoiceUrl : null,
    invoiceSentAt: typeof node.invoiceSentAt === "string" ? node.invoiceSentAt : null,
    createdAt: String(node.createdAt),
    runId: node.metafield?.value ?? null,
    total: parseDecimal(String(node.totalPriceSet.shopMoney.amount), currency),
    currency,
    order: node.order && {
      id: node.order.id,
      name: node.order.name,
      paid: node.order.displayFinancialStatus === "PAID",
      cancelled: node.order.cancelledAt !== null,
    },
  };
}

/** Shopify refused the mutation's input (userErrors): nothing was created or changed. */
export class DraftOrderUserError extends Error {
  constructor(
    readonly operation: string,
    readonly userErrors: readonly { field: readonly string[] | null; message: string }[],
  ) {
    super(`Shopify refused ${operation}: ${userErrors.map((e) => `${(e.field ?? []).join(".") || "input"}: ${e.message}`).join("; ")}`);
    this.name = "DraftOrderUserError";
  }
}

function refuseOnUserErrors(operation: string, userErrors: readonly { field: readonly string[] | null; message: string }[]): void {
  if (userErrors.length > 0) throw new DraftOrderUserError(operation, userErrors);
}

export async function createDraftOrder(admin: AdminGraphql, input: DraftOrderInput, options?: RunAdminQueryOptions): Promise<DraftOrder> {
  const data = await runAdminDocument(admin, DRAFT_ORDER_CREATE, { input }, options);
  const payload = data.draftOrderCreate;
  refuseOnUserErrors("draftOrderCreate", payload?.userErrors ?? []);
  if (!payload?.draftOrder) throw new ShopifyGraphqlError("draftOrderCreate", "no draft order in the answer");
  return draftOf(payload.draftOrder);
}

export async function readDraftOrder(admin: AdminGraphql, id: string, options?: RunAdminQueryOptions): Promise<DraftOrder | null> {
  const data = await runAdminDocument(admin, DRAFT_ORDER, { id }, options);
  return data.draftOrder ? draftOf(data.draftOrder) : null;
}

/** Drafts carrying the run's tag, as far as the (lagging) search index knows. */
export async function searchDraftOrdersOfRun(admin: AdminGraphql, runId: string, options?: RunAdminQueryOptions): Promise<DraftOrder[]> {
  const data = await runAdminDocument(admin, DRAFT_ORDERS_SEARCH, { query: `tag:'${runTag(runId)}'` }, options);
  return data.draftOrders.nodes.map(draftOf);
}

/**
 * How long after a draft's creation Ritournelle still expects Shopify's search
 * index may not show it. Shopify documents no bound (the index lags behind
 * writes by seconds in practice; the stand-in's, 5 s); no Admin write takes
 * minutes to reach it, so a draft made more than ten minutes ago is taken as
 * searchable.
 */
export const SEARCH_INDEX_LAG_BOUND_MS = 10 * 60_000;

/**
 * At most this many pages of 50 are read (152 points each): 1,000 drafts made
 * within SEARCH_INDEX_LAG_BOUND_MS, a very busy shop. Past them, a draft the
 * index does not show yet is not found.
 */
export const RECENT_DRAFT_PAGES_MAX = 20;

/**
 * The drafts the search index may not show yet: the shop's drafts newest
 * first, page after page, back to those made SEARCH_INDEX_LAG_BOUND_MS before
 * the newest (both instants on Shopify's clock: no skew with ours enters; a
 * draft the index lacks was made less than the bound before now, so after the
 * newest minus the bound), RECENT_DRAFT_PAGES_MAX pages at most.
 *
 * Shop-wide, not the customer's: the 2026-01 schema has no index-free listing
 * of a customer's drafts. `Customer` has no draft orders field (the fields of
 * DraftOrderConnection are Company, CompanyContact, CompanyLocation,
 * CustomerMergePreviewDefaultFields and the root's draftOrders:
 * https://shopify.dev/docs/api/admin-graphql/latest/connections/DraftOrderConnection),
 * and `customer_id:` is a term of the search syntax
 * (https://shopify.dev/docs/api/admin-graphql/latest/queries/draftOrders,
 * https://shopify.dev/docs/api/usage/search-syntax), read from the lagging
 * index like `tag:`. Bounded by time instead of a count, the listing finds a
 * draft however many other customers' drafts were made after it.
 */
export async function recentDraftOrders(admin: AdminGraphql, options?: RunAdminQueryOptions): Promise<DraftOrder[]> {
  const drafts: DraftOrder[] = [];
  let after: string | null = null;
  for (let page = 0; page < RECENT_DRAFT_PAGES_MAX; page++) {
    const data: RitournelleRecentDraftOrdersQuery = await runAdminDocument(admin, RECENT_DRAFT_ORDERS, { after }, options);
    const nodes = data.draftOrders.nodes.map(draftOf);
    drafts.push(...nodes);
    const { hasNextPage, endCursor } = data.draftOrders.pageInfo;
    const newest = drafts[0];
    const oldest = nodes[nodes.length - 1];
    if (!hasNextPage || !endCursor || !newest || !oldest) break;
    if (Date.parse(oldest.createdAt) < Date.parse(newest.createdAt) - SEARCH_INDEX_LAG_BOUND_MS) break;
    after = endCursor;
  }
  return drafts;
}

export async function sendDraftOrderInvoice(
  admin: AdminGraphql,
  id: string,
  email: { subject?: string; customMessage?: string },
  options?: RunAdminQueryOptions,
): Promise<DraftOrder> {
  const data = await runAdminDocument(admin, DRAFT_ORDER_INVOICE_SEND, { id, email }, options);
  const payload = data.draftOrderInvoiceSend;
  refuseOnUserErrors("draftOrderInvoiceSend", payload?.userErrors ?? []);
  if (!payload?.draftOrder) throw new ShopifyGraphqlError("draftOrderInvoiceSend", "no draft order in the answer");
  return draftOf(payload.draftOrder);
}

/** Deletes a draft; true when deleted now, false when it no longer existed. @throws DraftOrderUserError (a completed draft). */
export async function deleteDraftOrder(admin: AdminGraphql, id: string, options?: RunAdminQueryOptions): Promise<boolean> {
  const data = await runAdminDocument(admin, DRAFT_ORDER_DELETE, { id }, options);
  const payload = data.draftOrderDelete;
  const errors = payload?.userErrors ?? [];
  if (errors.some((e) => /does not exist/i.test(e.message))) return false;
  refuseOnUserErrors("draftOrderDelete", errors);
  return true;
}

/** Shopify's own total for a draft made of `input`, without creating it. */
export async function calculateDraftOrder(admin: AdminGraphql, input: DraftOrderInput, options?: RunAdminQueryOptions): Promise<{ total: number; tax: number; currency: string }> {
  const data = await runAdminDocument(admin, DRAFT_ORDER_CALCULATE, { input }, options);
  const payload = data.draftOrderCalculate;
  refuseOnUserErrors("draftOrderCalculate", payload?.userErrors ?? []);
  const calculated = payload?.calculatedDraftOrder;
  if (!calculated) throw new ShopifyGraphqlError("draftOrderCalculate", "no calculation in the answer");
  const currency = calculated.totalPriceSet.shopMoney.currencyCode;
  return {
    total: parseDecimal(String(calculated.totalPriceSet.shopMoney.amount), currency),
    tax: parseDecimal(String(calculated.totalTaxSet.shopMoney.amount), currency),
    currency,
  };
}

export type PaymentTermsTemplate = { id: string; name: string; type: string; dueInDays: number | null };

export async function paymentTermsTemplates(admin: AdminGraphql, options?: RunAdminQueryOptions): Promise<PaymentTermsTemplate[]> {
  const data = await runAdminDocument(admin, PAYMENT_TERMS_TEMPLATES, undefined, options);
  return data.paymentTermsTemplates.map((t) => ({ id: t.id, name: t.name, type: t.paymentTermsType, dueInDays: t.dueInDays ?? null }));
}
