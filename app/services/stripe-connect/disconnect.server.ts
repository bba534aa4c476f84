// The merchant's "Disconnect" of their Stripe account.
import { inTransaction } from "~/models/transaction.server";
import { appClock } from "~/clock.server";
import { stripeClient } from "~/gateways/stripe/client.server";
import { deauthorizeAccount } from "~/gateways/stripe/connect.server";
import { logger as rootLogger } from "~/logger.server";
import { findShopByDomain } from "~/models/shop.server";
import { findShopsByBillingAccount } from "~/models/stripe.server";
import { disconnectShopsOfAccount } from "./disconnect-shops.server";
import { connectSettings, type ConnectOptions } from "./oauth.server";

/**
 * Revokes Ritournelle's access at Stripe (unless another shop of the
 * merchant still uses the same account), clears the shop's account and
 * holds its runs with a visible reason (disconnect-shops.server.ts).
 * Idempotent: a shop already disconnected is left as it is
 * (`disconnected: false`).
 * @throws the SDK's error when Stripe cannot be reached (nothing changed).
 */
export async function disconnectStripe(shopDomain: string, options: ConnectOptions = {}): Promise<{ disconnected: boolean }> {
  const shop = await findShopByDomain(shopDomain);
  const account = shop?.billingAccountId;
  if (!shop || !account) return { disconnected: false };
  const sharing = (await findShopsByBillingAccount(account)).filter((other) => other.id !== shop.id);
  if (sharing.length === 0) await deauthorizeAccount(options.client ?? stripeClient(), connectSettings().clientId, account);
  await inTransaction((tx) => disconnectShopsOfAccount(tx, [shop], (options.clock ?? appClock).nowDate(), "merchant"));
  (options.logger ?? rootLogger).info({ shop: shopDomain, account }, "stripe disconnected");
  return { disconnected: true };
}
