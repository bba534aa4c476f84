// shop/redact (app/routes/webhooks.shop.redact.tsx), sent 48 hours after a
// shop uninstalls the app.
import { recordWebhookOnce, type DeliveryOutcome } from "~/services/shopify/record-webhook.server";
import type { VerifiedWebhook } from "~/services/shopify/webhook-payload.server";
import { eraseShopData } from "./registry.server";

/**
 * Erases everything held for the shop.
 *
 * Inputs: the verified delivery (only its shop domain is used).
 * Effects, in the delivery's transaction: the shop's sessions, its other
 * webhook deliveries and its Shop row are deleted, and with the row every
 * tenant table's rows (ON DELETE CASCADE). Only this delivery's row remains,
 * as the receipt that the erasure was done (it holds no customer data).
 * Idempotency: once per webhook id (see recordWebhookOnce); a later
 * shop/redact for an erased shop finds nothing to delete.
 * Errors: database errors are rethrown and nothing is committed.
 */
export function handleShopRedact(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  return recordWebhookOnce(webhook, (tx) => eraseShopData(webhook.shop, webhook.webhookId, tx));
}
