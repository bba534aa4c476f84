// Shopify's webhook delivery, as the stand-in makes it: a JSON POST to the
// subscription's URL, signed with the app's secret
// (`X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body), with the
// headers Shopify sends. https://shopify.dev/docs/apps/build/webhooks/subscribe/https
// One attempt per delivery, recorded with its answer (Shopify retries a
// non-2xx answer for 48 hours; a test redelivers by calling `redeliver`).
import { createHmac, randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "./schema";

export type WebhookDelivery = {
  topic: string;
  shop: string;
  webhookId: string;
  url: string;
  body: string;
  /** The app's HTTP status, or 0 when it could not be reached. */
  status: number;
};

export async function deliverWebhook(options: {
  url: string;
  apiSecret: string;
  topic: string;
  shop: string;
  payload: unknown;
  webhookId?: string;
  body?: string;
}): Promise<WebhookDelivery> {
  const body = options.body ?? JSON.stringify(options.payload);
  const webhookId = options.webhookId ?? randomUUID();
  const hmac = createHmac("sha256", options.apiSecret).update(body, "utf8").digest("base64");
  let status = 0;
  try {
    const response = await fetch(options.url, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": options.topic,
        "X-Shopify-Shop-Domain": options.shop,
        "X-Shopify-Hmac-Sha256": hmac,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-API-Version": ADMIN_API_VERSION,
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-Event-Id": randomUUID(),
      },
    });
    await response.arrayBuffer();
    status = response.status;
  } catch {
    status = 0;
  }
  return { topic: options.topic, shop: options.shop, webhookId, url: options.url, body, status };
}
