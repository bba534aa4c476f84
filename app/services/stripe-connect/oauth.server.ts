// What connecting a shop to the merchant's own Stripe account (Connect
// OAuth, Standard accounts) needs on both legs — the start
// (start.server.ts) and Stripe's redirect back (complete.server.ts).
//
// The OAuth `state` is the only thing tying Stripe's redirect back to a shop:
// 256 random bits, given to the merchant's browser, never stored (only its
// SHA-256 is), bound to the shop and the admin user (the session token's
// `sub`) that asked, usable once, for 10 minutes. The callback trusts nothing
// else in the URL: the shop comes from the state.
//
// And the state is bound to the browser that started the flow, so that a
// consent link started by one shop and approved in another merchant's browser
// connects nothing. The click happens inside the Shopify admin's iframe,
// where a cookie of ours is a third-party cookie (blocked by Safari, Firefox
// and Chrome's tracking protection, and partitioned under admin.shopify.com
// where allowed, so never sent to the callback). So the click's answer sends
// the TOP window to our own origin first (START_PATH, start.server.ts): that
// first-party page binds the state to a fresh random secret, sets it as an
// HttpOnly, SameSite=Lax cookie limited to /stripe/oauth and to the state's
// lifetime, and only then redirects to Stripe. Stripe's redirect back is a
// top-level GET navigation, which carries a Lax cookie (Strict would not be
// sent: the navigation starts on Stripe's site). The callback completes only
// with the cookie whose hash the state holds (complete.server.ts).
import { createHash } from "node:crypto";
import { config } from "~/config.server";
import type { Clock } from "~/domain/clock";
import type { StripeClient } from "~/gateways/stripe/client.server";
import type { Logger } from "~/logger.server";

/** How long the merchant has to complete Stripe's consent page. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** The state can be bound to a browser only this soon after the click (the admin sends the top window there at once). */
export const OAUTH_BIND_WINDOW_MS = 2 * 60_000;

/** The first-party hop between the admin's iframe and Stripe (app/routes/stripe.oauth.start.tsx). */
export const START_PATH = "/stripe/oauth/start";

/** Path of the public callback route (app/routes/stripe.oauth.callback.tsx); register it in Stripe's Connect settings. */
export const CALLBACK_PATH = "/stripe/oauth/callback";

export type ConnectOptions = { clock?: Clock; client?: StripeClient; logger?: Logger };

export class StripeNotConfiguredError extends Error {
  override readonly name = "StripeNotConfiguredError";
}

/** @throws StripeNotConfiguredError without STRIPE_CLIENT_ID. */
export function connectSettings(): { clientId: string; redirectUri: string } {
  const { STRIPE_CLIENT_ID, SHOPIFY_APP_URL } = config();
  if (!STRIPE_CLIENT_ID) throw new StripeNotConfiguredError("Stripe Connect is not configured: set STRIPE_CLIENT_ID (see .env.example).");
  return { clientId: STRIPE_CLIENT_ID, redirectUri: new URL(CALLBACK_PATH, SHOPIFY_APP_URL).toString() };
}

/** What is stored of a state: its SHA-256, so a database leak gives no usable state. */
export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/** The app's settings page inside the merchant's Shopify admin. */
export function embeddedSettingsUrl(shopDomain: string): string {
  const store = shopDomain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/apps/${config().SHOPIFY_API_KEY}/app/settings`;
}
