// The Admin API client for work done without a merchant in front of the app
// (write-back, its variant check, anything the worker does): the shop's
// offline session, with a token valid for each call.
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import type { Clock } from "~/domain/clock";
import { isUnauthorized, type AdminGraphql } from "~/gateways/shopify/graphql.server";
import { unauthenticated } from "~/shopify.server";
import { ensureOfflineAccessToken } from "./offline-token.server";

/**
 * The shop no longer grants the app access: no offline session (uninstalled,
 * or never installed), or Shopify refused to renew its tokens (revoked).
 * Final for background work: only the merchant opening the app again gives
 * new tokens.
 */
export class ShopAccessLostError extends Error {
  override readonly name = "ShopAccessLostError";

  constructor(readonly shop: string) {
    super(`Shopify no longer grants Ritournelle access to ${shop} (the app was uninstalled or its access revoked).`);
  }
}

/**
 * An Admin client for `shop` whose token is valid for each call: renewed
 * before it expires (once per shop, whatever the number of callers, see
 * ensureOfflineAccessToken), and, when Shopify still answers 401 (a token
 * revoked by a newer pair, a clock out of step), renewed and the call sent
 * once more. A 401 is sent before anything runs, so the retry cannot apply a
 * mutation twice.
 *
 * @throws ShopAccessLostError when the shop grants no access (now or at a call).
 */
export async function backgroundAdmin(shop: string, options: { clock?: Clock } = {}): Promise<AdminGraphql> {
  let context = await adminContext(shop, undefined, options.clock);
  const graphql = (async (document: string, requestOptions?: Parameters<AdminGraphql["graphql"]>[1]) => {
    try {
      return await context.admin.graphql(document, requestOptions);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      context = await adminContext(shop, context.session.accessToken, options.clock);
      return context.admin.graphql(document, requestOptions);
    }
  }) as AdminGraphql["graphql"];
  return { graphql };
}

async function adminContext(shop: string, rejectedAccessToken: string | undefined, clock: Clock | undefined) {
  // Renewed here with the caller's clock; loading the session renews it again only if still needed.
  const access = await ensureOfflineAccessToken(shop, { clock, rejectedAccessToken });
  if (access.status === "lost") throw new ShopAccessLostError(shop);
  try {
    return await unauthenticated.admin(shop);
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new ShopAccessLostError(shop);
    throw error;
  }
}
