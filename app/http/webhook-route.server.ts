// The shape every Shopify webhook route shares: verify HMAC, hand the
// verified delivery to its handler, answer fast.
import { authenticate } from "~/shopify.server";
import { requestLogger } from "~/logger.server";
import { metrics } from "~/metrics.server";
import { WebhookPayloadError, type VerifiedWebhook } from "~/services/shopify/webhook-payload.server";
import type { DeliveryOutcome } from "~/models/webhook-delivery.server";

export async function shopifyWebhookAction(
  request: Request,
  handle: (webhook: VerifiedWebhook) => Promise<DeliveryOutcome>,
): Promise<Response> {
  // Throws a 401 Response (and nothing is written) when the HMAC is wrong.
  const { shop, topic, webhookId, payload } = await authenticate.webhook(request).catch((error: unknown) => {
    metrics().webhookDeliveries.inc({ source: "shopify", outcome: "unauthenticated" });
    throw error;
  });
  const log = requestLogger(request, { shop }).child({ topic, webhookId });
  try {
    const outcome = await handle({ shop, topic, webhookId, payload });
    log.info({ outcome }, "shopify webhook");
    metrics().webhookDeliveries.inc({ source: "shopify", outcome });
    return new Response(null, { status: 200 });
  } catch (error) {
    if (error instanceof WebhookPayloadError) {
      log.warn({ err: error }, "shopify webhook payload rejected");
      metrics().webhookDeliveries.inc({ source: "shopify", outcome: "rejected" });
      return new Response(error.message, { status: 400 });
    }
    metrics().webhookDeliveries.inc({ source: "shopify", outcome: "error" });
    throw error;
  }
}
