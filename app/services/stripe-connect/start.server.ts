// "Connect with Stripe": the first leg of Stripe Connect OAuth (oauth.server.ts).
import { randomBytes } from "node:crypto";
import { appClock } from "~/clock.server";
import { stripeClient } from "~/gateways/stripe/client.server";
import { consentUrl } from "~/gateways/stripe/connect.server";
import { ensureShop } from "~/models/shop.server";
import { deleteExpiredOAuthStates, insertOAuthState } from "~/models/stripe.server";
import { connectSettings, hashState, OAUTH_STATE_TTL_MS, type ConnectOptions } from "./oauth.server";

/**
 * Makes a fresh OAuth state for the shop (stored hashed, valid for
 * OAUTH_STATE_TTL_MS, usable once) and returns Stripe's consent page to send
 * the merchant's top window to. Expired states of every shop are dropped on
 * the way. Each call makes a new state: a second click starts afresh.
 * @throws StripeNotConfiguredError without STRIPE_CLIENT_ID.
 */
export async function startStripeConnect(shopDomain: string, options: ConnectOptions = {}): Promise<{ url: string }> {
  const { clientId, redirectUri } = connectSettings();
  const at = (options.clock ?? appClock).nowDate();
  const shop = await ensureShop(shopDomain);
  const state = randomBytes(32).toString("base64url");
  await deleteExpiredOAuthStates(at);
  await insertOAuthState(shop.id, hashState(state), new Date(at.getTime() + OAUTH_STATE_TTL_MS));
  return { url: consentUrl(options.client ?? stripeClient(), { clientId, state, redirectUri }) };
}
