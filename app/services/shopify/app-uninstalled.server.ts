// app/uninstalled (app/routes/webhooks.app.uninstalled.tsx).
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { deleteSessionsOfShop } from "~/models/session.server";
import { markShopUninstalled } from "~/models/shop.server";
import { pauseTemplatesOfUninstalledShop } from "~/services/templates/pause-uninstalled-shop.server";
import { recordWebhookOnce, type DeliveryOutcome } from "./record-webhook.server";
import type { VerifiedWebhook } from "./webhook-payload.server";

/**
 * Stops work for a shop that removed the app.
 *
 * Inputs: the verified delivery (only its shop domain is used; the payload is
 * not read); `options.clock` gives the instant recorded (default: the app's).
 * Effects, in the delivery's transaction: the shop is marked uninstalled (the
 * first uninstall time is kept), its sessions are deleted (the token stopped
 * working anyway), and its active templates are paused with the reason
 * `shop_uninstalled` (the merchant can resume them after reinstalling).
 * Nothing happens for a shop never seen.
 * Idempotency: once per webhook id (see recordWebhookOnce); a second
 * uninstall changes nothing either, already paused templates are left alone.
 * Errors: database errors are rethrown and nothing is committed.
 */
export function handleAppUninstalled(webhook: VerifiedWebhook, options: { clock?: Clock } = {}): Promise<DeliveryOutcome> {
  const now = (options.clock ?? appClock).nowDate();
  return recordWebhookOnce(webhook, async (tx) => {
    await markShopUninstalled(webhook.shop, now, tx);
    await deleteSessionsOfShop(webhook.shop, tx);
    await pauseTemplatesOfUninstalledShop(tx, webhook.shop, now);
  });
}
