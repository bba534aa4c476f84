// app_subscriptions/update (app/routes/webhooks.app_subscriptions.update.tsx).
import { z } from "zod";
import { markShopPlanStale } from "~/models/shop-plan.server";
import { recordWebhookOnce, type DeliveryOutcome } from "~/services/shopify/record-webhook.server";
import { parseWebhookPayload, type VerifiedWebhook } from "~/services/shopify/webhook-payload.server";

// The payload's subscription (Shopify's REST-style field names); only what
// this handler reads is required.
// https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-app_subscriptions/update
const subscriptionUpdatePayload = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: z.string().min(1),
    status: z.string().min(1),
  }),
});

/** Statuses after which a subscription bills nothing (AppSubscriptionStatus): the shop is not Pro through it any more. */
const ENDED = new Set(["CANCELLED", "DECLINED", "EXPIRED", "FROZEN"]);

/**
 * A subscription of the app changed on the shop (accepted, declined,
 * cancelled, frozen…).
 *
 * Inputs: the verified delivery.
 * Effects, in the delivery's transaction: the shop's cached plan becomes
 * stale, so its next admin request reads the plan from Shopify again (the
 * payload does not say whether the charge is a test one, so an ACTIVE status
 * alone never makes a shop Pro); when the subscription that made the shop Pro
 * ended, the shop is Free at once. Templates already active keep running.
 * Idempotency: once per webhook id; any order of deliveries converges, since
 * each only invalidates or ends what it names.
 * Errors: WebhookPayloadError (400, nothing written) for a payload without
 * the subscription's id and status.
 */
export function handleSubscriptionUpdate(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  const { app_subscription: subscription } = parseWebhookPayload(subscriptionUpdatePayload, webhook);
  const ended = ENDED.has(subscription.status.toUpperCase()) ? subscription.admin_graphql_api_id : null;
  return recordWebhookOnce(webhook, (tx) => markShopPlanStale(webhook.shop, ended, tx));
}
