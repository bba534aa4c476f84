// Shopify delivers a webhook at least once; every handler's effect goes
// through here so that it happens once.
import type { Prisma } from "@prisma/client";
import { processDeliveryOnce, type DeliveryOutcome } from "~/models/webhook-delivery.server";
import type { VerifiedWebhook } from "./webhook-payload.server";

export type { DeliveryOutcome };

/**
 * Records the delivery and runs `effect` in the same transaction.
 *
 * Inputs: the verified webhook (its id, topic and shop domain are recorded)
 * and the effect, which must do all its writes through the `tx` it is given.
 * Idempotency: once per webhook id. A redelivery of an id already recorded
 * returns "duplicate" and runs nothing; a crash or a thrown effect commits
 * neither the delivery row nor the effect, so Shopify's retry starts afresh.
 * Errors: whatever `effect` or the database throws is rethrown (Shopify sees a
 * 500 and redelivers).
 */
export function recordWebhookOnce(
  webhook: VerifiedWebhook,
  effect: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<DeliveryOutcome> {
  return processDeliveryOnce({ webhookId: webhook.webhookId, topic: webhook.topic, shopDomain: webhook.shop }, effect);
}
