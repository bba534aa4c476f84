// customers/redact (app/routes/webhooks.customers.redact.tsx).
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { findShopByDomain } from "~/models/shop.server";
import { recordWebhookOnce, type DeliveryOutcome } from "~/services/shopify/record-webhook.server";
import { parseWebhookPayload, type VerifiedWebhook } from "~/services/shopify/webhook-payload.server";
import { customerPayloadSchema, subjectOfPayload } from "./customer-payload.server";
import { eraseCustomerData } from "./registry.server";

/**
 * Erases one customer's personal data from the shop.
 *
 * Inputs: the verified delivery; its payload names the customer (Shopify id,
 * e-mail; either one matches). `options.clock` gives the erasure time
 * recorded (default: the app's).
 * Effects, in the delivery's transaction: every place of the redact registry
 * erases what it holds about the customer (see registry.server.ts for what is
 * kept in each); templates that could still invoice the customer are
 * cancelled. Nothing happens for a shop never seen.
 * Idempotency: once per webhook id (see recordWebhookOnce); erasing an
 * already erased customer changes nothing.
 * Errors: WebhookPayloadError (answered 400, nothing written) when the
 * payload names no customer; database errors are rethrown and nothing is
 * committed.
 */
export function handleCustomersRedact(webhook: VerifiedWebhook, options: { clock?: Clock } = {}): Promise<DeliveryOutcome> {
  const subject = subjectOfPayload(parseWebhookPayload(customerPayloadSchema, webhook));
  const now = (options.clock ?? appClock).nowDate();
  return recordWebhookOnce(webhook, async (tx) => {
    const shop = await findShopByDomain(webhook.shop, tx);
    if (shop) await eraseCustomerData(shop.id, subject, now, tx);
  });
}
