// What the merchant does in Shopify's admin, outside any app, and the
// webhooks the stand-in sends for it and for the draft order mutations — the
// news the Shopify invoice rail lives on (app/services/shopify/invoice-status.server.ts).
//
// What Shopify does, and this imitates:
// - `draft_orders/update` "occurs whenever a draft order is updated"
//   (https://shopify.dev/docs/api/admin-graphql/2026-01/enums/WebhookSubscriptionTopic,
//   DRAFT_ORDERS_UPDATE; the schema's own description in schema/). E-mailing
//   its invoice (draftOrderInvoiceSend) updates the draft: its status becomes
//   INVOICE_SENT, "an invoice for the draft order has been sent to the
//   customer" (https://shopify.dev/docs/api/admin-graphql/2026-01/enums/DraftOrderStatus),
//   and `invoice_sent_at` moves; so each send is one draft_orders/update with
//   `status: "invoice_sent"`. Shopify's pages do not say so in as many words
//   about that mutation: this follows from the topic's definition.
// - `draft_orders/delete` "occurs whenever a draft order is deleted"
//   (WebhookSubscriptionTopic, DRAFT_ORDERS_DELETE), by an app
//   (draftOrderDelete) or in the admin. Its payload is the draft's REST id
//   alone, `{"id": 1234}`: "deleted objects are not available in the API. The
//   draft order ID is the only detail you can get when a draft order is
//   deleted" (https://help.shopify.com/en/manual/shopify-flow/reference/triggers/draft-order-deleted).
//   A completed draft cannot be deleted (draft-orders.ts).
// - `orders/cancelled` "occurs whenever an order is cancelled"
//   (WebhookSubscriptionTopic, ORDERS_CANCELLED), with the order as its
//   payload (`cancelled_at` set). Cancelling is irreversible and may refund
//   the payment (https://shopify.dev/docs/api/admin-graphql/2026-01/mutations/orderCancel):
//   a paid order cancelled with its refund is `refunded`, without it still
//   `paid`; an order not paid yet is `voided`.
// Topics need read_draft_orders (draft_orders/*) or read_orders (orders/*);
// the stand-in sends every topic to `{webhookUrl}/{topic}` whatever the app
// subscribed to, as its checkout does.
import { draftOrderPayload, notify, orderPayload } from "./checkout";
import { draftOrderDelete, findDraft, type DraftOrderRecord } from "./draft-orders";
import type { SeedOrder } from "./seed";
import type { ShopState, StandInState } from "./state";
import { appWebhookUrl, emitWebhook, type WebhookDelivery } from "./webhooks";

/** draft_orders/delete's payload: the draft's REST id, nothing else. */
export function deletedDraftPayload(draft: Pick<DraftOrderRecord, "legacyId">): { id: number } {
  return { id: draft.legacyId };
}

/** The webhook of a draft order mutation (sent once the mutation has answered: webhooks.ts `emitWebhook`). */
export function emitDraftWebhook(state: StandInState, shop: ShopState, topic: "draft_orders/update" | "draft_orders/delete", draft: DraftOrderRecord): WebhookDelivery {
  const payload = topic === "draft_orders/delete" ? deletedDraftPayload(draft) : draftOrderPayload(draft);
  return emitWebhook(state, { url: appWebhookUrl(state, topic), topic, shop: shop.shop.myshopifyDomain, payload });
}

/**
 * The merchant deletes a draft order in Shopify's admin (its checkout link
 * stops working); resolves with the draft_orders/delete webhook once the app
 * answered it.
 * @throws Error when the draft does not exist or is completed (the admin offers no delete then).
 */
export async function deleteDraftInAdmin(state: StandInState, shop: ShopState, draftId: string): Promise<WebhookDelivery> {
  const draft = findDraft(shop, draftId);
  const { userErrors } = draftOrderDelete(shop, draftId);
  if (!draft || userErrors.length > 0) throw new Error(`stand-in: cannot delete draft order ${draftId}: ${userErrors.map((e) => e.message).join("; ")}`);
  return notify(state, shop.shop.myshopifyDomain, "draft_orders/delete", deletedDraftPayload(draft));
}

/**
 * The merchant cancels an order in Shopify's admin (refunding its payment
 * unless `refund: false`); resolves with the orders/cancelled webhook once
 * the app answered it.
 * @throws Error when the order does not exist or is cancelled already.
 */
export async function cancelOrderInAdmin(state: StandInState, shop: ShopState, orderId: string, options: { refund?: boolean } = {}): Promise<WebhookDelivery> {
  const order = shop.shop.orders.find((o) => o.id === orderId);
  if (!order) throw new Error(`stand-in: no order ${orderId} in ${shop.shop.myshopifyDomain}`);
  if (order.cancelledAt !== null) throw new Error(`stand-in: order ${order.name} is already cancelled`);
  const iso = new Date(state.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  order.cancelledAt = iso;
  order.updatedAt = iso;
  order.displayFinancialStatus = financialStatusAfterCancel(order, options.refund !== false);
  return notify(state, shop.shop.myshopifyDomain, "orders/cancelled", orderPayload(order));
}

function financialStatusAfterCancel(order: SeedOrder, refund: boolean): SeedOrder["displayFinancialStatus"] {
  const status = order.displayFinancialStatus;
  if (status === "PAID" || status === "PARTIALLY_PAID" || status === "PARTIALLY_REFUNDED") return refund ? "REFUNDED" : status;
  if (status === "REFUNDED") return status;
  return "VOIDED"; // pending or authorized: nothing was taken, the hold is released
}
