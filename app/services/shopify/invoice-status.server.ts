// Status from Shopify for runs on the Shopify invoice rail: the
// `draft_orders/update`, `draft_orders/delete`, `orders/paid` and `orders/cancelled` webhooks move
// the run of a draft order along the same states as Stripe's events do
// (app/domain/invoice-status.ts: sent < overdue < paid | void), never
// backwards, whatever order Shopify delivers in.
//
// - draft_orders/update: the draft was e-mailed (status invoice_sent) → sent;
//   completed, the order's own webhooks say whether it is paid.
// - draft_orders/delete: the draft is gone, and its checkout link with it
//   (the merchant deleted it in Shopify's admin) → void, with a trail event
//   saying so (cause `deleted_in_shopify`). Its payload is the draft's numeric
//   id only ({"id": 1234}: "the draft order ID is the only detail you can get
//   when a draft order is deleted", https://help.shopify.com/en/manual/shopify-flow/reference/triggers/draft-order-deleted);
//   the run is found by the draft's GID. Never moves a paid run; the delete
//   of the app's own Cancel finds the run void already and changes nothing
//   (decideDraftDeleted in app/domain/invoice-status.ts).
// - orders/paid → paid; orders/cancelled → void. An order carries its draft's
//   tags, among them the run's (`ritournelle-run-<id>`): the run is found by
//   it, within the delivering shop only.
// - A paid/void contradiction (an order cancelled after it was paid, delivered
//   in either order) is settled by reading the draft order from Shopify.
// - Deduplicated by webhook id (record-webhook.server.ts); a delivery for a run
//   the pipeline is still issuing throws, so Shopify delivers it again later.
import { z } from "zod";
import { decideDraftDeleted, decideMove, targetOfStatus, type InvoiceTarget, type MoveDecision, type RunStateForInvoice } from "~/domain/invoice-status";
import { toIssued } from "~/gateways/shopify/billing-adapter.server";
import { readDraftOrder } from "~/gateways/shopify/draft-orders.server";
import { findShopifyRailRun, type ShopifyRailRun } from "~/models/invoice-run.server";
import { appendRunEvents } from "~/models/run-event.server";
import { moveRunState } from "~/models/stripe.server";
import { appClock } from "~/clock.server";
import type { Clock } from "~/domain/clock";
import { backgroundAdmin } from "./background-admin.server";
import { recordWebhookOnce, type DeliveryOutcome } from "./record-webhook.server";
import { parseWebhookPayload, type VerifiedWebhook } from "./webhook-payload.server";

/** A delivery that arrived before the pipeline recorded its run as sent: answered 5xx, Shopify delivers it again. */
export class RunStillIssuingError extends Error {
  override readonly name = "RunStillIssuingError";
}

const draftPayload = z.object({ admin_graphql_api_id: z.string().startsWith("gid://shopify/DraftOrder/"), status: z.string(), name: z.string().optional() });
/** draft_orders/delete: the REST id alone (no admin_graphql_api_id, nothing else). */
const deletedDraftPayload = z.object({ id: z.number().int().positive() });
const orderPayload = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/Order/"),
  name: z.string(),
  tags: z.string().default(""),
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
});

const RUN_TAG = /(?:^|,\s*)ritournelle-run-([a-z0-9]+)(?=\s*(?:,|$))/;

/** What a route's topic is: each webhook route names its own (Shopify's `topic` arrives as "ORDERS_PAID"). */
export type ShopifyStatusTopic = "draft_orders/update" | "draft_orders/delete" | "orders/paid" | "orders/cancelled";

type Options = { clock?: Clock; readDraftStatus?: (shop: string, draftId: string) => Promise<InvoiceTarget | null> };

/** What a delivery is about: the run (when it is one of ours) and the state it announces. */
async function meaningOf(topic: ShopifyStatusTopic, webhook: VerifiedWebhook): Promise<{ run: ShopifyRailRun | null; target: InvoiceTarget | null; detail: Record<string, unknown> }> {
  if (topic === "draft_orders/update") {
    const draft = parseWebhookPayload(draftPayload, webhook);
    const run = await findShopifyRailRun(webhook.shop, { invoiceId: draft.admin_graphql_api_id });
    return { run, target: draft.status === "invoice_sent" ? "sent" : null, detail: { draftOrder: draft.admin_graphql_api_id, status: draft.status } };
  }
  if (topic === "draft_orders/delete") {
    const draftOrder = `gid://shopify/DraftOrder/${parseWebhookPayload(deletedDraftPayload, webhook).id}`;
    const run = await findShopifyRailRun(webhook.shop, { invoiceId: draftOrder });
    return { run, target: "void", detail: { draftOrder, deletedInShopify: true } };
  }
  const order = parseWebhookPayload(orderPayload, webhook);
  const runId = RUN_TAG.exec(order.tags)?.[1];
  const run = runId ? await findShopifyRailRun(webhook.shop, { runId }) : null;
  const target: InvoiceTarget = topic === "orders/cancelled" ? "void" : "paid";
  return { run, target, detail: { order: order.admin_graphql_api_id, orderName: order.name } };
}

/** How the delivery of `topic` moves a run in `state` towards `target`. */
function decide(topic: ShopifyStatusTopic, state: RunStateForInvoice, target: InvoiceTarget): MoveDecision {
  return topic === "draft_orders/delete" ? decideDraftDeleted(state) : decideMove(state, target);
}

/**
 * Applies one verified delivery of draft_orders/update, draft_orders/delete,
 * orders/paid or orders/cancelled. Idempotent per webhook id; convergent whatever the order.
 * @returns "processed" (also when it concerned no run of ours) or "duplicate".
 * @throws RunStillIssuingError when the run is still being issued (Shopify redelivers).
 */
export async function applyShopifyInvoiceStatus(topic: ShopifyStatusTopic, webhook: VerifiedWebhook, options: Options = {}): Promise<DeliveryOutcome> {
  const { run, target, detail } = await meaningOf(topic, webhook);
  let adopted: InvoiceTarget | null = null;
  if (run && target && decide(topic, run.state, target) === "doubt" && run.invoiceId) {
    adopted = await (options.readDraftStatus ?? readDraftStatus)(webhook.shop, run.invoiceId);
  }
  const now = (options.clock ?? appClock).nowDate();
  return recordWebhookOnce(webhook, async (tx) => {
    if (!run || !target) return;
    const fresh = await findShopifyRailRun(webhook.shop, { runId: run.id }, tx);
    if (!fresh) return;
    const goal = adopted ?? target;
    const decision = adopted ? (adopted === fresh.state ? "stay" : "move") : decide(topic, fresh.state, target);
    if (decision === "pipeline") {
      if (goal === "sent") return; // the pipeline records it itself
      throw new RunStillIssuingError(`run ${fresh.id} is still being issued; ${topic} is applied on Shopify's next delivery`);
    }
    if (decision !== "move") return;
    const orderName = typeof detail.orderName === "string" ? detail.orderName : undefined;
    if (!(await moveRunState(fresh.id, fresh.state, goal, {}, tx))) throw new RunStillIssuingError(`run ${fresh.id} moved meanwhile`);
    await appendRunEvents(
      [
        {
          shopId: fresh.shopId,
          templateId: fresh.templateId,
          runId: fresh.id,
          type: goal === "sent" ? "run.sent" : "run.closed",
          fromState: fresh.state,
          toState: goal,
          actor: "shopify",
          cause: topic === "draft_orders/delete" ? "deleted_in_shopify" : null,
          detail: { ...detail, ...(orderName ? { orderName } : {}), webhookTopic: topic },
          at: now,
        },
      ],
      tx,
    );
  });
}

/** The state the draft order's present status stands for, read from Shopify. */
async function readDraftStatus(shop: string, draftId: string): Promise<InvoiceTarget | null> {
  const draft = await readDraftOrder(await backgroundAdmin(shop), draftId);
  return draft ? targetOfStatus(toIssued(draft).status) : "void";
}
