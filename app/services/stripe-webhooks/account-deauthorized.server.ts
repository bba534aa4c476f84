// `account.application.deauthorized`: the merchant removed Ritournelle from
// their Stripe account (from Stripe's dashboard).
import type Stripe from "stripe";
import { config } from "~/config.server";
import { appClock } from "~/clock.server";
import { findShopsByBillingAccount, insertStripeEvent } from "~/models/stripe.server";
import { disconnectShopsOfAccount } from "~/services/stripe-connect/disconnect-shops.server";
import { recordOnce, type StripeEventHandler } from "./outcome.server";

/**
 * Disconnects every shop connected to the account, as the merchant's
 * "Disconnect" would (their runs wait, visibly), once per event id. Another
 * application's removal (when STRIPE_CLIENT_ID is set) is ignored.
 */
export const onAccountDeauthorized: StripeEventHandler = async (event, account, options) => {
  const application = event.data.object as Stripe.Application;
  const clientId = config().STRIPE_CLIENT_ID;
  // Only our own application's removal concerns us.
  if (clientId && application.id !== clientId) return "ignored_type";
  const now = (options.clock ?? appClock).nowDate();
  const shops = await findShopsByBillingAccount(account);
  if (shops.length === 0) return "ignored_account";
  return recordOnce(async (tx) => {
    await insertStripeEvent({ eventId: event.id, shopId: shops[0]!.id, account, type: event.type }, tx);
    await disconnectShopsOfAccount(tx, shops, now, "stripe");
    return "applied";
  });
};
