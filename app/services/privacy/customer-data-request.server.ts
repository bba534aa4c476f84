// customers/data_request (app/routes/webhooks.customers.data_request.tsx).
import { z } from "zod";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { insertCustomerDataRequest } from "~/models/customer-data-request.server";
import { findShopByDomain } from "~/models/shop.server";
import { recordWebhookOnce, type DeliveryOutcome } from "~/services/shopify/record-webhook.server";
import { parseWebhookPayload, type VerifiedWebhook } from "~/services/shopify/webhook-payload.server";
import { customerPayloadSchema, subjectOfPayload } from "./customer-payload.server";
import { collectCustomerData } from "./registry.server";

const dataRequestPayload = customerPayloadSchema.extend({
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).optional(),
});

/**
 * Assembles what is held about a customer and records it for the merchant.
 *
 * Inputs: the verified delivery; its payload names the customer (Shopify id,
 * e-mail). `options.clock` dates the report (default: the app's).
 * Effects, in the delivery's transaction: one CustomerDataRequest row whose
 * report lists, for every place of the redact registry, what it holds about
 * the customer. Nothing is written for a shop never seen (nothing is held).
 * Idempotency: once per webhook id (see recordWebhookOnce); a new request
 * about the same customer makes a new report.
 * Errors: WebhookPayloadError (answered 400, nothing written) when the
 * payload names no customer; database errors are rethrown.
 */
export function handleCustomersDataRequest(webhook: VerifiedWebhook, options: { clock?: Clock } = {}): Promise<DeliveryOutcome> {
  const subject = subjectOfPayload(parseWebhookPayload(dataRequestPayload, webhook));
  const now = (options.clock ?? appClock).nowDate();
  return recordWebhookOnce(webhook, async (tx) => {
    const shop = await findShopByDomain(webhook.shop, tx);
    if (!shop) return;
    const report = await collectCustomerData(shop, subject, now, tx);
    await insertCustomerDataRequest(shop.id, subject, report, tx);
  });
}
