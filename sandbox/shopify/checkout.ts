// The page behind a draft order's `invoiceUrl` (Shopify's checkout for an
// invoice) and the webhooks Shopify sends when the customer pays.
//
//   GET  /{shop}/{shopId}/invoices/{token}       the invoice: lines, totals, a Pay button
//   POST /{shop}/{shopId}/invoices/{token}/pay   pays: the draft is completed into a paid
//                                                order; orders/create, orders/paid and
//                                                draft_orders/update are delivered
//
// Webhooks go through the stand-in's one sender (webhooks.ts: signed with
// the app's client secret, with Shopify's headers). Payloads
// are the REST-shaped JSON Shopify sends (ids as numbers, plus
// `admin_graphql_api_id`). The pay request answers once every delivery was
// attempted, so a test sees their effect when the page comes back.
import { completeDraftAsPaid, draftByToken, type DraftOrderRecord } from "./draft-orders";
import type { SeedOrder } from "./seed";
import type { ShopState, StandInState } from "./state";
import { appWebhookUrl, deliverWebhook } from "./webhooks";

/** POSTs one webhook to the app's route for `topic` (`{webhookUrl}/{topic}`), signed as Shopify signs it (webhooks.ts). */
export function notify(state: StandInState, shop: string, topic: string, payload: unknown) {
  return deliverWebhook(state, { url: appWebhookUrl(state, topic), topic, shop, payload });
}

const legacyOf = (gid: string | null) => (gid ? Number(gid.split("/").pop()) : null);
const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function draftOrderPayload(draft: DraftOrderRecord): Record<string, unknown> {
  return {
    id: draft.legacyId,
    admin_graphql_api_id: draft.id,
    name: draft.name,
    status: draft.status === "INVOICE_SENT" ? "invoice_sent" : draft.status.toLowerCase(),
    order_id: legacyOf(draft.orderId),
    invoice_sent_at: isoOf(draft.invoiceSentAt),
    completed_at: isoOf(draft.completedAt),
    updated_at: isoOf(draft.updatedAt),
    currency: draft.currency,
    total_price: draft.amounts.totalPriceSet.shopMoney.amount,
    tags: draft.tags.join(", "),
  };
}

export function orderPayload(order: SeedOrder): Record<string, unknown> {
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: order.id,
    name: order.name,
    financial_status: (order.displayFinancialStatus ?? "pending").toLowerCase(),
    cancelled_at: order.cancelledAt,
    updated_at: order.updatedAt,
    currency: order.currencyCode,
    total_price: order.totalPriceSet.shopMoney.amount,
    tags: order.tags.join(", "),
  };
}

/** The customer pays at checkout: completes the draft and sends the webhooks of a paid order. */
export async function payInvoice(state: StandInState, shop: ShopState, draft: DraftOrderRecord): Promise<SeedOrder> {
  const already = draft.status === "COMPLETED";
  const order = completeDraftAsPaid(shop, state.clock.now(), draft);
  if (already) return order;
  const domain = shop.shop.myshopifyDomain;
  // Shopify makes no promise on the order of deliveries: orders/paid may come before draft_orders/update.
  await notify(state, domain, "orders/create", orderPayload(order));
  await notify(state, domain, "orders/paid", orderPayload(order));
  await notify(state, domain, "draft_orders/update", draftOrderPayload(draft));
  return order;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto">${body}</body></html>`;
}

/** Answers a checkout request, or null when the path is not a checkout page. */
export async function handleCheckout(state: StandInState, shopDomain: string, path: string, method: string): Promise<{ status: number; html: string } | null> {
  const match = /^\/\d+\/invoices\/([0-9a-f]+)(\/pay)?$/.exec(path);
  if (!match) return null;
  const shop = state.shops.get(shopDomain);
  const draft = shop && draftByToken(shop, match[1] ?? "");
  if (!shop || !draft) return { status: 404, html: page("Not found", "<h1>This invoice link is not valid.</h1>") };
  if (match[2]) {
    if (method !== "POST") return { status: 405, html: page("Method not allowed", "<h1>Method not allowed</h1>") };
    const order = await payInvoice(state, shop, draft);
    return { status: 200, html: page("Thank you", `<h1 data-testid="paid">Thank you! Order ${escape(order.name)} is paid.</h1>`) };
  }
  const currency = draft.currency;
  const rows = draft.amounts.lineItems
    .map((l) => `<tr><td>${escape(l.name)}</td><td>${l.quantity}</td><td>${escape(l.discountedTotalSet.shopMoney.amount)} ${currency}</td></tr>`)
    .join("");
  const total = `${draft.amounts.totalPriceSet.shopMoney.amount} ${currency}`;
  const action =
    draft.status === "COMPLETED"
      ? `<p data-testid="paid">This invoice is paid.</p>`
      : // Relative to the page (…/invoices/{token}): the page is reached with or without the /{shop} prefix, and the form must post where it came from.
        `<form method="post" action="${escape(match[1] ?? "")}/pay"><button type="submit">Pay now</button></form>`;
  return {
    status: 200,
    html: page(
      `Invoice ${draft.name}`,
      `<h1>${escape(shop.shop.name)} — invoice ${escape(draft.name)}</h1><table>${rows}</table><p>Shipping: ${escape(draft.amounts.totalShippingPriceSet.shopMoney.amount)} ${currency}</p><p>Taxes: ${escape(draft.amounts.totalTaxSet.shopMoney.amount)} ${currency}${draft.taxesIncluded ? " (included)" : ""}</p><p><strong>Total: <span data-testid="total">${escape(total)}</span></strong></p>${action}`,
    ),
  };
}
