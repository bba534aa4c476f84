// app/scopes_update (app/routes/webhooks.app.scopes_update.tsx): Shopify
// tells the app its installation's scopes changed — a merchant granted an
// optional scope, or revoked one from the admin (Settings → Apps → Ritournelle).
// https://shopify.dev/changelog/new-webhook-topic-app-scopes_update
import { z } from "zod";
import { findShopByDomain } from "~/models/shop.server";
import { setScopesOfShopSessions } from "~/models/session.server";
import { appendRunEvents } from "~/models/run-event.server";
import { liveTemplateIdsOnRail } from "~/models/template.server";
import { recordWebhookOnce, type DeliveryOutcome } from "./record-webhook.server";
import { SHOPIFY_RAIL_SCOPES } from "./rail-access.server";
import { parseWebhookPayload, type VerifiedWebhook } from "./webhook-payload.server";

const scopesUpdatePayload = z.object({ previous: z.array(z.string()).optional(), current: z.array(z.string()), updated_at: z.string().optional() });

/**
 * Keeps stored sessions' scope in step with what the merchant granted, and
 * records on each Shopify-invoice template's trail when the Shopify invoice
 * rail lost, or got back, the scope it needs (write_draft_orders): the
 * merchant sees, on the template page, from when its next invoices cannot be
 * issued (the pages also say so live, rail-scope-status.server.ts).
 *
 * Inputs: the verified delivery; `current` is the list of scopes now granted,
 * `previous` the list before (absent in older payloads: no trail entry).
 * Effects: every session of the shop gets `current` (comma-separated) as its
 * scope; a `template.rail_scope_revoked` / `template.rail_scope_granted`
 * entry on each of the shop's active or paused templates on the Shopify rail
 * when the rail's scopes went from held to missing or back; all in the
 * delivery's transaction.
 * Idempotency: once per webhook id (see recordWebhookOnce).
 * Errors: WebhookPayloadError (answered 400, nothing written) when the
 * payload has no `current` list; database errors are rethrown.
 */
export function handleScopesUpdate(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  const payload = parseWebhookPayload(scopesUpdatePayload, webhook);
  const holds = (scopes: readonly string[]) => SHOPIFY_RAIL_SCOPES.every((scope) => scopes.includes(scope));
  const change = payload.previous === undefined || holds(payload.previous) === holds(payload.current) ? null : holds(payload.current) ? "granted" : "revoked";
  return recordWebhookOnce(webhook, async (tx) => {
    await setScopesOfShopSessions(webhook.shop, payload.current, tx);
    if (!change) return;
    const shop = await findShopByDomain(webhook.shop, tx);
    if (!shop) return;
    const at = payload.updated_at && !Number.isNaN(Date.parse(payload.updated_at)) ? new Date(payload.updated_at) : new Date();
    const templateIds = await liveTemplateIdsOnRail(shop.id, "shopify", tx);
    const type = change === "revoked" ? "template.rail_scope_revoked" : "template.rail_scope_granted";
    await appendRunEvents(templateIds.map((templateId) => ({ shopId: shop.id, templateId, type, actor: "shopify", cause: SHOPIFY_RAIL_SCOPES.join(","), at })), tx);
  });
}
