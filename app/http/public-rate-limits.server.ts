// The budgets of the public surface, in one place: per signing link (keyed
// by the token's hash), per client address (client-ip.server.ts), per shop
// for the extension API. Counted in the database by every process
// (rate-limit.server.ts). Fixed windows: a budget is `points` requests per
// key in each window.
import { hashToken } from "~/services/signing/signing-token.server";
import { UNKNOWN_ADDRESS } from "./client-ip.server";
import { RateLimit, enforceRateLimits } from "./rate-limit.server";

const limit = (name: string, points: number, durationSeconds: number) => new RateLimit({ name, points, durationSeconds });

export const BUDGETS = {
  // Views: a customer reloads, a mail scanner prefetches; a scraper does not get far.
  view: { token: limit("sign-view-token", 30, 60), ip: limit("sign-view-ip", 60, 60) },
  // Submits: a few corrections of a refused form; each one reads Stripe and renders a PDF.
  submit: { token: limit("sign-submit-token", 6, 180), ip: limit("sign-submit-ip", 20, 180) },
  pdf: { token: limit("sign-pdf-token", 20, 60), ip: limit("sign-pdf-ip", 60, 60) },
  // Each upload is hashed (up to 10 MiB) and looked up.
  verify: { ip: limit("verify-ip", 20, 100) },
  // Stripe's redirect back: one per connection, a few retries.
  stripeCallback: { ip: limit("stripe-callback-ip", 20, 600) },
  // The order page's admin action: before authentication per address (each
  // request may cost a token exchange with Shopify), after it per shop.
  extension: { ip: limit("extension-ip", 120, 60), shop: limit("extension-shop", 60, 60) },
};

/**
 * The address's budget, unless the address is unknown: every visitor would
 * then share one key, and a per-address limit would become a limit on everyone.
 */
function byAddress(budget: RateLimit, ipAddress: string): [RateLimit, string][] {
  return ipAddress === UNKNOWN_ADDRESS ? [] : [[budget, ipAddress]];
}

/**
 * Counts one request of `kind` on /sign/<token> against the token's and the address's budgets.
 * @throws RateLimited when either is spent.
 */
export async function limitSigningRequest(kind: "view" | "submit" | "pdf", token: string, ipAddress: string): Promise<void> {
  const budget = BUDGETS[kind];
  await enforceRateLimits([[budget.token, hashToken(token)], ...byAddress(budget.ip, ipAddress)]);
}

/** Counts one /verify request against the address's budget. @throws RateLimited */
export async function limitVerifyRequest(ipAddress: string): Promise<void> {
  await enforceRateLimits(byAddress(BUDGETS.verify.ip, ipAddress));
}

/** Counts one Stripe OAuth callback against the address's budget. @throws RateLimited */
export async function limitStripeCallback(ipAddress: string): Promise<void> {
  await enforceRateLimits(byAddress(BUDGETS.stripeCallback.ip, ipAddress));
}

/** Counts one extension API request before authentication. @throws RateLimited */
export async function limitExtensionRequest(ipAddress: string): Promise<void> {
  await enforceRateLimits(byAddress(BUDGETS.extension.ip, ipAddress));
}

/** Counts one authenticated extension API request against its shop's budget. @throws RateLimited */
export async function limitExtensionShop(shopDomain: string): Promise<void> {
  await enforceRateLimits([[BUDGETS.extension.shop, shopDomain]]);
}
