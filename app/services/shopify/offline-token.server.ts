// A valid offline access token for every Admin call made without a merchant
// in front of the app (write-back, its variant check, webhooks, the worker).
//
// Expiring offline tokens last 60 minutes and are renewed with their refresh
// token, which rotates: each renewal answers a new pair and revokes the
// previous one, and a refresh token is retired once its replacement is used.
// Two processes renewing the same shop at the same moment would each get a
// pair, and the first pair stored could already be revoked. So one caller per
// shop renews, under a lease taken on the session row (models/session.server.ts),
// and stores the new pair before anyone uses it; the others wait and read it.
// https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
// https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens
//
// Shops still holding a non-expiring offline token (installed before
// `expiringOfflineAccessTokens`) are migrated the same way, by exchanging that
// token for an expiring pair, the first time any code path loads their session
// (the merchant's next visit, a webhook, or the worker): Shopify refuses
// non-expiring tokens of public apps from 2027-01-01.
// https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
import { randomUUID } from "node:crypto";
import { appClock } from "~/clock.server";
import type { Clock } from "~/domain/clock";
import {
  exchangeNonExpiringToken,
  refreshOfflineToken,
  ShopifyTokenRefusedError,
  type ExpiringOfflineToken,
} from "~/gateways/shopify/access-tokens.server";
import { logger } from "~/logger.server";
import {
  claimTokenRenewal,
  deleteRefusedSession,
  findOfflineSession,
  releaseTokenRenewal,
  renewalLeaseOf,
  storeRenewedTokens,
  type OfflineSessionTokens,
  type RenewalLease,
} from "~/models/session.server";

/**
 * Renew this long before expiry. More than the library's own margin (5
 * minutes, WITHIN_MILLISECONDS_OF_EXPIRY in @shopify/shopify-app-remix), so
 * the library never finds a token of ours close enough to expiry to refresh
 * it itself, uncoordinated.
 */
export const RENEW_BEFORE_EXPIRY_MS = 10 * 60_000;
/** How long a renewer holds the lease: well over one token request (10 s timeout). */
export const RENEWAL_LEASE_MS = 30_000;
const POLL_MS = 50;

export type OfflineAccess =
  /** A token valid for at least RENEW_BEFORE_EXPIRY_MS (or a non-expiring one Shopify still accepts). */
  | { status: "valid"; accessToken: string }
  /** No usable session: never installed, uninstalled, or Shopify refused to renew its tokens. */
  | { status: "lost" };

export type OfflineTokenOptions = {
  clock?: Clock;
  /**
   * The token Shopify just answered 401 to: renew it even if it does not look
   * expired (revoked by a newer pair, or a clock out of step). A different
   * token in the session means someone already renewed it.
   */
  rejectedAccessToken?: string;
  /** How to wait for another renewer; tests inject one. */
  sleep?: (ms: number) => Promise<void>;
};

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The shop's offline access token, renewed first if it expires within
 * RENEW_BEFORE_EXPIRY_MS (or was just rejected), or migrated if it is a
 * non-expiring one.
 *
 * Safe to call any number of times, concurrently, from any process: one
 * caller renews (compare-and-swap lease on the session row), stores the new
 * pair, then everyone uses it; the others wait for it (at most about two
 * leases). When Shopify refuses the renewal for good (uninstalled, revoked)
 * the session is deleted and the answer is `lost`: callers end their work
 * cleanly, and the merchant's next visit makes a new session.
 *
 * @throws when Shopify could not be reached for a token that must be renewed
 *   (transient: the caller retries later). A migration that could not reach
 *   Shopify is not an error: the non-expiring token still works until Shopify
 *   stops accepting it, and the next call tries again.
 */
export async function ensureOfflineAccessToken(shop: string, options: OfflineTokenOptions = {}): Promise<OfflineAccess> {
  const clock = options.clock ?? appClock;
  const sleep = options.sleep ?? realSleep;
  const owner = `${process.pid}:${randomUUID()}`;
  // Real time, not the (possibly manual) clock: waiting must end even if nobody moves that clock.
  const giveUpAt = Date.now() + 2 * RENEWAL_LEASE_MS + 5_000;
  for (;;) {
    const session = await findOfflineSession(shop);
    if (!session) return { status: "lost" };
    const now = clock.nowDate();
    const renewal = renewalNeeded(session, now, options.rejectedAccessToken);
    if (renewal === "none") return { status: "valid", accessToken: session.accessToken };
    if (renewal === "impossible") return { status: "lost" };

    const held = renewalLeaseOf(session);
    if (held && held.until > now) {
      if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for the renewal of ${shop}'s offline token`);
      await sleep(POLL_MS);
      continue;
    }
    const lease: RenewalLease = { owner, until: new Date(now.getTime() + RENEWAL_LEASE_MS) };
    if (!(await claimTokenRenewal(session, lease))) continue; // someone renewed it or took the lease first: read again

    let renewed: ExpiringOfflineToken;
    try {
      renewed = renewal === "refresh" ? await refreshOfflineToken(shop, session.refreshToken ?? "", now) : await exchangeNonExpiringToken(shop, session.accessToken, now);
    } catch (error) {
      if (error instanceof ShopifyTokenRefusedError) {
        await deleteRefusedSession(session.id, lease);
        logger.warn({ shop, renewal, code: error.code }, "offline token: Shopify refused to renew it; session deleted until the merchant opens the app");
        return { status: "lost" };
      }
      await releaseTokenRenewal(session.id, lease);
      if (renewal === "migrate" && options.rejectedAccessToken === undefined) {
        logger.warn({ shop, err: error }, "offline token: migration to an expiring token failed; the non-expiring token is used meanwhile");
        return { status: "valid", accessToken: session.accessToken };
      }
      throw error;
    }
    const stored = await storeRenewedTokens(session.id, lease, { ...renewed, scope: renewed.scope ?? session.scope });
    if (stored) {
      logger.info({ shop, renewal }, "offline token renewed");
      return { status: "valid", accessToken: renewed.accessToken };
    }
    // The lease was lost meanwhile (it expired and another caller renewed, or the
    // merchant's visit stored a new session): that newer pair is the one to use.
  }
}

type Renewal = "none" | "refresh" | "migrate" | "impossible";

function renewalNeeded(session: OfflineSessionTokens, now: Date, rejectedAccessToken: string | undefined): Renewal {
  const rejected = rejectedAccessToken !== undefined && rejectedAccessToken === session.accessToken;
  if (session.expires === null) return session.refreshToken ? "refresh" : "migrate";
  if (!rejected && session.expires.getTime() - now.getTime() > RENEW_BEFORE_EXPIRY_MS) return "none";
  return session.refreshToken ? "refresh" : "impossible";
}
