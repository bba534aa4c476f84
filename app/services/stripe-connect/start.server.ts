// "Connect with Stripe": the first leg of Stripe Connect OAuth (oauth.server.ts),
// in two steps: the click in the admin (startStripeConnect), then the top
// window's stop on our own origin that binds the state to its browser and
// goes on to Stripe (bindStripeConnectBrowser).
import { randomBytes } from "node:crypto";
import { config } from "~/config.server";
import { appClock } from "~/clock.server";
import { stripeClient } from "~/gateways/stripe/client.server";
import { consentUrl } from "~/gateways/stripe/connect.server";
import { ensureShop } from "~/models/shop.server";
import { bindOAuthState, deleteExpiredOAuthStates, insertOAuthState } from "~/models/stripe.server";
import { connectSettings, hashState, OAUTH_BIND_WINDOW_MS, OAUTH_STATE_TTL_MS, START_PATH, type ConnectOptions } from "./oauth.server";

/**
 * Makes a fresh OAuth state for the shop and the admin user who clicked
 * (stored hashed, valid for OAUTH_STATE_TTL_MS, usable once) and returns
 * where to send the merchant's top window: our own START_PATH, which binds
 * it to that browser. Expired states of every shop are dropped on the way.
 * Each call makes a new state: a second click starts afresh.
 * @throws StripeNotConfiguredError without STRIPE_CLIENT_ID.
 */
export async function startStripeConnect(shopDomain: string, options: ConnectOptions & { userId?: string | null } = {}): Promise<{ url: string }> {
  connectSettings();
  const at = (options.clock ?? appClock).nowDate();
  const shop = await ensureShop(shopDomain);
  const state = randomBytes(32).toString("base64url");
  await deleteExpiredOAuthStates(at);
  await insertOAuthState({ shopId: shop.id, stateHash: hashState(state), createdAt: at, expiresAt: new Date(at.getTime() + OAUTH_STATE_TTL_MS), userId: options.userId ?? null });
  const url = new URL(START_PATH, config().SHOPIFY_APP_URL);
  url.searchParams.set("state", state);
  return { url: url.toString() };
}

export type BrowserBinding = { ok: true; consentUrl: string; browserSecret: string } | { ok: false; message: string };

const NOT_BINDABLE =
  "This connection link was already opened, or is too old. Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe” again.";

/**
 * Binds the state to the browser opening START_PATH: a fresh secret (for its
 * HttpOnly cookie; only its SHA-256 is stored), once per state, within
 * OAUTH_BIND_WINDOW_MS of the click. Returns Stripe's consent page to go on to.
 * A state already bound (opened elsewhere first), used, expired or unknown is refused.
 */
export async function bindStripeConnectBrowser(state: string, options: ConnectOptions = {}): Promise<BrowserBinding> {
  const { clientId, redirectUri } = connectSettings();
  const at = (options.clock ?? appClock).nowDate();
  const browserSecret = randomBytes(32).toString("base64url");
  const bound = state !== "" && (await bindOAuthState(hashState(state), hashState(browserSecret), at, new Date(at.getTime() - OAUTH_BIND_WINDOW_MS)));
  if (!bound) return { ok: false, message: NOT_BINDABLE };
  return { ok: true, browserSecret, consentUrl: consentUrl(options.client ?? stripeClient(), { clientId, state, redirectUri }) };
}
