// Shopify's webhook delivery, as the stand-in makes it — the one sender for
// every topic it delivers (the checkout's orders/* and draft_orders/update,
// the draft order mutations' and the merchant's admin actions'
// draft_orders/update, draft_orders/delete and orders/cancelled
// (merchant-admin.ts), the plan page's app_subscriptions/update, a scope
// grant's or revocation's app/scopes_update): a JSON POST to the
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
// A webhook caused by an Admin API mutation is emitted (`emitWebhook`): recorded
// at once, POSTed only after the mutation has answered, as Shopify queues its
// deliveries apart from the request that caused them; `webhooksSettled` waits
// for those still on their way.
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

/** Where the app receives `topic` (`{webhookUrl}/{topic}`, shopify.app.toml's uri), or null when it gave no URL (recorded, not sent). */
export function appWebhookUrl(state: StandInState, topic: string): string | null {
  return state.webhookUrl ? `${state.webhookUrl.replace(/\/$/, "")}/${topic}` : null;
}

/** Forgets the deliveries (the control's reset). */
export function clearWebhookDeliveries(state: StandInState): void {
  webhookDeliveries(state).length = 0;
}

/** X-Shopify-Hmac-Sha256 of a raw body: base64 HMAC-SHA256 with the app's client secret. */
export function signWebhookBody(apiSecret: string, body: string): string {
  return createHmac("sha256", apiSecret).update(body, "utf8").digest("base64");
}

type NewDelivery = { url: string | null; topic: string; shop: string; payload: unknown };

/**
 * Signs and POSTs one webhook of `topic` to `url` (null: recorded only),
 * and records the delivery with the app's answer.
 */
export async function deliverWebhook(state: StandInState, delivery: NewDelivery): Promise<WebhookDelivery> {
  return send(state, recordOf(state, delivery));
}

const inFlight: WeakMap<StandInState, Set<Promise<unknown>>> = new WeakMap();

/**
 * Emits one webhook caused by an Admin API request: recorded now (so
 * `webhookDeliveries` shows it as soon as the mutation answered), POSTed on
 * the next turn of the event loop, once the mutation's answer has gone.
 */
export function emitWebhook(state: StandInState, delivery: NewDelivery): WebhookDelivery {
  const record = recordOf(state, delivery);
  webhookDeliveries(state).push(record);
  let pending = inFlight.get(state);
  if (!pending) inFlight.set(state, (pending = new Set()));
  const sending = new Promise((resolve) => setImmediate(resolve)).then(() => post(state, record));
  pending.add(sending);
  void sending.finally(() => pending.delete(sending));
  return record;
}

/** Resolves once every emitted webhook has been answered by the app (or failed to reach it). */
export async function webhooksSettled(state: StandInState): Promise<void> {
  const pending = inFlight.get(state);
  while (pending && pending.size > 0) await Promise.all([...pending]);
}

function recordOf(state: StandInState, delivery: NewDelivery): WebhookDelivery {
  return {
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
}

/** Delivers a recorded webhook again: the same bytes under the same webhook and event ids, as Shopify retries. */
export function redeliverWebhook(state: StandInState, delivery: WebhookDelivery): Promise<WebhookDelivery> {
  return send(state, { ...delivery, status: null, error: null });
}

async function send(state: StandInState, record: WebhookDelivery): Promise<WebhookDelivery> {
  webhookDeliveries(state).push(record);
  return post(state, record);
}

async function post(state: StandInState, record: WebhookDelivery): Promise<WebhookDelivery> {
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
