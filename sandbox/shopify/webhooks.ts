// Shopify's webhook delivery, as the stand-in makes it — the one sender for
// every topic it delivers (the checkout's orders/* and draft_orders/update,
// the plan page's app_subscriptions/update, a scope grant's or revocation's
// app/scopes_update): a JSON POST to the
// subscription's URL with the headers Shopify sends
// (https://shopify.dev/docs/apps/build/webhooks/delivery-structure, "Headers"):
//   X-Shopify-Topic, X-Shopify-Shop-Domain, X-Shopify-API-Version (the
//   version the app pins), X-Shopify-Webhook-Id (the same on a retry of the
//   delivery: the app's dedupe key), X-Shopify-Event-Id, X-Shopify-Triggered-At,
//   and X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the raw body with
//   the app's client secret
//   (https://shopify.dev/docs/apps/build/webhooks/subscribe/https).
// One attempt per delivery, recorded with the app's answer (Shopify retries a
// non-2xx answer for 48 hours; a test redelivers by calling `redeliverWebhook`).
import { createHmac, randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "./schema";
import type { StandInState } from "./state";

export type WebhookDelivery = {
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string;
  /** Where it was POSTed; null when the app subscribed no URL (recorded, not sent). */
  url: string | null;
  /** The exact bytes signed and sent. */
  body: string;
  triggeredAt: string;
  /** The app's HTTP status; null when it was not reached (see `error`). */
  status: number | null;
  error: string | null;
};

const logs: WeakMap<StandInState, WebhookDelivery[]> = new WeakMap();

/** Every webhook the stand-in sent (or tried to send), oldest first. */
export function webhookDeliveries(state: StandInState): WebhookDelivery[] {
  let list = logs.get(state);
  if (!list) logs.set(state, (list = []));
  return list;
}

/** Forgets the deliveries (the control's reset). */
export function clearWebhookDeliveries(state: StandInState): void {
  webhookDeliveries(state).length = 0;
}

/** X-Shopify-Hmac-Sha256 of a raw body: base64 HMAC-SHA256 with the app's client secret. */
export function signWebhookBody(apiSecret: string, body: string): string {
  return createHmac("sha256", apiSecret).update(body, "utf8").digest("base64");
}

/**
 * Signs and POSTs one webhook of `topic` to `url` (null: recorded only),
 * and records the delivery with the app's answer.
 */
export async function deliverWebhook(
  state: StandInState,
  delivery: { url: string | null; topic: string; shop: string; payload: unknown },
): Promise<WebhookDelivery> {
  const record: WebhookDelivery = {
    topic: delivery.topic,
    shop: delivery.shop,
    webhookId: randomUUID(),
    eventId: randomUUID(),
    url: delivery.url,
    body: JSON.stringify(delivery.payload),
    triggeredAt: new Date(state.clock.now()).toISOString(),
    status: null,
    error: null,
  };
  return send(state, record);
}

/** Delivers a recorded webhook again: the same bytes under the same webhook and event ids, as Shopify retries. */
export function redeliverWebhook(state: StandInState, delivery: WebhookDelivery): Promise<WebhookDelivery> {
  return send(state, { ...delivery, status: null, error: null });
}

async function send(state: StandInState, record: WebhookDelivery): Promise<WebhookDelivery> {
  webhookDeliveries(state).push(record);
  if (record.url === null) {
    record.error = "no webhook URL configured";
    return record;
  }
  try {
    const response = await fetch(record.url, {
      method: "POST",
      body: record.body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": record.topic,
        "X-Shopify-Shop-Domain": record.shop,
        "X-Shopify-Hmac-Sha256": signWebhookBody(state.app.apiSecret, record.body),
        "X-Shopify-Webhook-Id": record.webhookId,
        "X-Shopify-Event-Id": record.eventId,
        "X-Shopify-API-Version": ADMIN_API_VERSION,
        "X-Shopify-Triggered-At": record.triggeredAt,
      },
    });
    record.status = response.status;
    await response.arrayBuffer();
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
  return record;
}
