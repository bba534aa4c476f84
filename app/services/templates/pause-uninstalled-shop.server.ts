import { wakeRunsInFlight } from "~/models/invoice-run.server";
import { findShopByDomain } from "~/models/shop.server";
import { findTemplateForShop, lockTemplateForShop, templateIdsOfShop } from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";
import type { ServiceOptions } from "./events.server";
import { pauseLocked } from "./transitions.server";

/**
 * app/uninstalled, for templates: nothing more is invoiced for a shop that
 * removed the app.
 *
 * Inputs: the webhook's transaction, the shop's domain, the instant recorded.
 * Effects, inside that transaction: every active template of the shop is
 * paused with the reason `shop_uninstalled` (the merchant can resume them
 * after reinstalling), as pauseTemplate does, with the actor "shopify". Runs
 * being issued (of any template: an ended one's last run too) stop before
 * their next provider call: the pipeline sees the shop uninstalled.
 * Nothing happens for a shop never seen.
 * Idempotency: already paused templates are left alone.
 * Errors: database errors only. Returns the number of templates paused.
 */
export async function pauseTemplatesOfUninstalledShop(tx: Tx, shopDomain: string, now: Date): Promise<number> {
  const shop = await findShopByDomain(shopDomain, tx);
  if (!shop) return 0;
  const options: ServiceOptions = { actor: "shopify" };
  let paused = 0;
  for (const templateId of await templateIdsOfShop(shop.id, ["active"], tx)) {
    if (!(await lockTemplateForShop(shop.id, templateId, ["active"], tx))) continue;
    const current = await findTemplateForShop(shop.id, templateId, tx);
    if (!current) continue;
    await pauseLocked(tx, current, "shop_uninstalled", options, now);
    paused += 1;
  }
  await wakeRunsInFlight({ shopId: shop.id }, now, tx);
  return paused;
}
