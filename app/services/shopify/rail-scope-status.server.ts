// Whether the shop's recurring invoices on the Shopify invoice rail can still
// be issued: a merchant can revoke the optional scope they need
// (write_draft_orders) from Shopify's admin at any time. Their runs would then
// fail at their period with `shopify_scope_missing`; the home page and each
// such template's page say it before that happens (RailScopeNotice), with the
// button that asks for the scope again. Shopify is asked (scopes.query(),
// rail-access.server.ts), never the stored session: and only when the shop
// has such templates, so shops that keep Stripe cost no call.
import { countLiveTemplatesOnRail } from "~/models/template.server";
import type { RailAccess } from "./rail-access.server";

/**
 * @returns how many of the shop's active or paused templates collect through
 *   Shopify while the shop does not grant the rail's scopes; null when none
 *   does, or the scopes are granted.
 */
export async function railScopeLost(shopId: string, access: RailAccess): Promise<{ templates: number } | null> {
  const templates = await countLiveTemplatesOnRail(shopId, "shopify");
  if (templates === 0) return null;
  return (await access()) ? null : { templates };
}
