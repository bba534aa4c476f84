// Connecting a shop to the merchant's own Stripe account (Connect OAuth,
// Standard accounts), and disconnecting it.
//
// The OAuth `state` is the only thing tying Stripe's redirect back to a shop:
// 256 random bits, given to the merchant's browser, never stored (only its
// SHA-256 is), bound to the shop that asked, usable once, for 10 minutes. The
// callback trusts nothing else in the URL: the shop comes from the state.
//
// While a shop has no account, its runs wait (`billing_not_connected`, shown
// to the merchant); connecting makes them workable at once, disconnecting
// holds them again. Nothing is lost either way.
import { createHash, randomBytes } from "node:crypto";
import type { Prisma, Shop } from "@prisma/client";
import { config } from "~/config.server";
import prisma from "~/db.server";
import { appClock, type Clock } from "~/domain/clock";
import { stripeClient, type StripeClient } from "~/gateways/stripe/client.server";
import { ConnectCodeError, consentUrl, deauthorizeAccount, exchangeAuthorizationCode } from "~/gateways/stripe/connect.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { ensureShop, findShopByDomain } from "~/models/shop.server";
import {
  appendStripeRunEvents,
  clearShopBillingAccount,
  consumeOAuthState,
  deleteExpiredOAuthStates,
  findShopsByBillingAccount,
  holdRunsOfShop,
  insertOAuthState,
  resumeHeldRunsOfShop,
  setShopBillingAccount,
} from "~/models/stripe.server";

/** How long the merchant has to complete Stripe's consent page. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Path of the public callback route (app/routes/stripe.oauth.callback.tsx); register it in Stripe's Connect settings. */
export const CALLBACK_PATH = "/stripe/oauth/callback";

/** What a held run shows the merchant. */
const HOLD_MESSAGE =
  "Stripe is not connected: connect your Stripe account in Ritournelle's settings and this invoice is issued right away.";

export type ConnectOptions = { clock?: Clock; client?: StripeClient; logger?: Logger };

export class StripeNotConfiguredError extends Error {
  override readonly name = "StripeNotConfiguredError";
}

function connectSettings(): { clientId: string; redirectUri: string } {
  const { STRIPE_CLIENT_ID, SHOPIFY_APP_URL } = config();
  if (!STRIPE_CLIENT_ID) throw new StripeNotConfiguredError("Stripe Connect is not configured: set STRIPE_CLIENT_ID (see .env.example).");
  return { clientId: STRIPE_CLIENT_ID, redirectUri: new URL(CALLBACK_PATH, SHOPIFY_APP_URL).toString() };
}

function now(options: ConnectOptions): Date {
  return new Date((options.clock ?? appClock).now().epochMilliseconds);
}

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/**
 * "Connect with Stripe": makes a fresh state for the shop and returns the
 * consent page to send the merchant's top window to.
 * @throws StripeNotConfiguredError without STRIPE_CLIENT_ID.
 */
export async function startStripeConnect(shopDomain: string, options: ConnectOptions = {}): Promise<{ url: string }> {
  const { clientId, redirectUri } = connectSettings();
  const at = now(options);
  const shop = await ensureShop(shopDomain);
  const state = randomBytes(32).toString("base64url");
  await deleteExpiredOAuthStates(at);
  await insertOAuthState(shop.id, hashState(state), new Date(at.getTime() + OAUTH_STATE_TTL_MS));
  return { url: consentUrl(options.client ?? stripeClient(), { clientId, state, redirectUri }) };
}

export type ConnectFailure = "invalid_state" | "expired" | "used" | "denied" | "code_refused";

export type ConnectResult =
  | { ok: true; shopDomain: string; account: string; resumedRuns: number; redirectTo: string }
  | { ok: false; reason: ConnectFailure; message: string };

const FAILURES: Record<ConnectFailure, string> = {
  invalid_state: "This link does not come from a connection started in Ritournelle. Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe”.",
  expired: "This connection request expired (they last 10 minutes). Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe” again.",
  used: "This connection request was already used. If Stripe is not shown as connected in Ritournelle's settings, click “Connect with Stripe” again.",
  denied: "The connection was declined on Stripe, so Ritournelle cannot issue invoices yet. To connect, click “Connect with Stripe” in Ritournelle's settings again.",
  code_refused: "Stripe refused to complete the connection (the authorization was already used or has expired). Click “Connect with Stripe” in Ritournelle's settings again.",
};

/**
 * Stripe's redirect back after the consent page (`code` and `state`, or
 * `error` and `state`). Uses up the state whatever happens next; on success
 * stores the account on the state's shop, makes its held runs workable and
 * says where to send the merchant (the embedded settings page).
 * @throws the SDK's error when Stripe cannot be reached (the page says to retry).
 */
export async function completeStripeConnect(params: URLSearchParams, options: ConnectOptions = {}): Promise<ConnectResult> {
  const log = options.logger ?? rootLogger;
  const failure = (reason: ConnectFailure): ConnectResult => {
    log.warn({ reason }, "stripe connect callback refused");
    return { ok: false, reason, message: FAILURES[reason] };
  };
  const state = params.get("state");
  if (!state) return failure("invalid_state");
  const at = now(options);
  const consumed = await consumeOAuthState(hashState(state), at);
  if (consumed.outcome === "unknown") return failure("invalid_state");
  if (consumed.outcome !== "consumed") return failure(consumed.outcome);
  const code = params.get("code");
  if (params.get("error") || !code) return failure("denied");

  let account: string;
  try {
    ({ account } = await exchangeAuthorizationCode(options.client ?? stripeClient(), code));
  } catch (error) {
    if (error instanceof ConnectCodeError) return failure("code_refused");
    throw error;
  }
  const shop = consumed.shop;
  const resumed = await prisma.$transaction(async (tx) => {
    await setShopBillingAccount(tx, shop.id, account);
    const runs = await resumeHeldRunsOfShop(tx, shop.id, at);
    await appendStripeRunEvents(
      tx,
      runs.map((run) => ({ run, type: "run.resumed" as const, actor: "merchant", cause: "billing_connected", detail: { account }, at })),
    );
    return runs.length;
  });
  log.info({ shop: shop.domain, account, resumed }, "stripe connected");
  return { ok: true, shopDomain: shop.domain, account, resumedRuns: resumed, redirectTo: embeddedSettingsUrl(shop.domain) };
}

/**
 * "Disconnect": revokes Ritournelle's access at Stripe (unless another shop
 * of the merchant still uses the same account), clears the shop's account and
 * holds its runs with a visible reason. Idempotent: a shop already
 * disconnected is left as it is.
 * @throws the SDK's error when Stripe cannot be reached (nothing changed).
 */
export async function disconnectStripe(shopDomain: string, options: ConnectOptions = {}): Promise<{ disconnected: boolean }> {
  const shop = await findShopByDomain(shopDomain);
  const account = shop?.billingAccountId;
  if (!shop || !account) return { disconnected: false };
  const sharing = (await findShopsByBillingAccount(account)).filter((other) => other.id !== shop.id);
  if (sharing.length === 0) await deauthorizeAccount(options.client ?? stripeClient(), connectSettings().clientId, account);
  await prisma.$transaction((tx) => disconnectShopsOfAccount(tx, [shop], now(options), "merchant"));
  (options.logger ?? rootLogger).info({ shop: shopDomain, account }, "stripe disconnected");
  return { disconnected: true };
}

/**
 * Clears the account of these shops and holds their runs, with one RunEvent
 * per held run. For the merchant's "Disconnect" and for Stripe's
 * `account.application.deauthorized`; shops already disconnected are skipped.
 */
export async function disconnectShopsOfAccount(
  tx: Prisma.TransactionClient,
  shops: Pick<Shop, "id">[],
  at: Date,
  actor: "merchant" | "stripe",
): Promise<void> {
  for (const shop of shops) {
    if (!(await clearShopBillingAccount(tx, shop.id, at))) continue;
    const held = await holdRunsOfShop(tx, shop.id, HOLD_MESSAGE, at);
    await appendStripeRunEvents(
      tx,
      held.map((run) => ({ run, type: "run.waiting" as const, actor, cause: "billing_disconnected", at })),
    );
  }
}

/** The app's settings page inside the merchant's Shopify admin. */
export function embeddedSettingsUrl(shopDomain: string): string {
  const store = shopDomain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/apps/${config().SHOPIFY_API_KEY}/app/settings`;
}
