// app/scopes_update (app/routes/webhooks.app.scopes_update.tsx).
import { z } from "zod";
import { setScopesOfShopSessions } from "~/models/session.server";
import { recordWebhookOnce, type DeliveryOutcome } from "./record-webhook.server";
import { parseWebhookPayload, type VerifiedWebhook } from "./webhook-payload.server";

const scopesUpdatePayload = z.object({ current: z.array(z.string()) });

/**
 * Keeps stored sessions' scope in step with what the merchant granted.
 *
 * Inputs: the verified delivery; its payload's `current` is the list of
 * scopes now granted.
 * Effects: every session of the shop gets that list (comma-separated) as its
 * scope, in the delivery's transaction.
 * Idempotency: once per webhook id (see recordWebhookOnce).
 * Errors: WebhookPayloadError (answered 400, nothing written) when the
 * payload has no `current` list; database errors are rethrown.
 */
export function handleScopesUpdate(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  const payload = parseWebhookPayload(scopesUpdatePayload, webhook);
  return recordWebhookOnce(webhook, (tx) => setScopesOfShopSessions(webhook.shop, payload.current, tx));
}
