// Shopify sessions (access tokens), one row per session. The session storage
// of @shopify/shopify-app-session-storage-prisma reads and writes them while
// authenticating; the app's own queries on Session live here: the shop's
// sessions at uninstall and scope changes, and the offline token's renewal.
//
// Renewing an expiring offline token must happen once per shop at a time,
// across processes: refresh tokens rotate, and each new pair revokes the
// previous one. The renewal lease lives in the row's `state` column: Shopify's
// OAuth `state` is only used during the authorization-code redirect, and the
// library stores "" there for every session made by token exchange or refresh.
// Each renewal write below is one conditional UPDATE (compare-and-swap on what
// the caller read), so two renewers can never both win, and a session the
// library replaced meanwhile (token exchange) is never overwritten with older
// tokens.
import type { Prisma, Session } from "@prisma/client";
import prisma from "~/db.server";

type Tx = Prisma.TransactionClient;

/** What a renewal needs of the offline session. */
export type OfflineSessionTokens = Pick<Session, "id" | "shop" | "accessToken" | "scope" | "expires" | "refreshToken" | "refreshTokenExpires" | "state">;

/** The tokens a renewal stores. */
export type RenewedTokens = { accessToken: string; scope: string | null; expires: Date; refreshToken: string; refreshTokenExpires: Date };

/** A renewal in progress: who holds it, until when. */
export type RenewalLease = { owner: string; until: Date };

const LEASE_PREFIX = "token-renewal";

/** Deletes every session of the shop (its tokens stop working here). */
export async function deleteSessionsOfShop(shopDomain: string, db: Tx = prisma): Promise<void> {
  await db.session.deleteMany({ where: { shop: shopDomain } });
}

/** Stores the access scopes the merchant granted on every session of the shop. */
export async function setScopesOfShopSessions(shopDomain: string, scopes: readonly string[], db: Tx = prisma): Promise<void> {
  await db.session.updateMany({ where: { shop: shopDomain }, data: { scope: scopes.join(",") } });
}

/** The library's id of a shop's offline session (getOfflineId in @shopify/shopify-api). */
export function offlineSessionId(shop: string): string {
  return `offline_${shop}`;
}

export function findOfflineSession(shop: string, db: Tx = prisma): Promise<OfflineSessionTokens | null> {
  return db.session.findUnique({
    where: { id: offlineSessionId(shop) },
    select: { id: true, shop: true, accessToken: true, scope: true, expires: true, refreshToken: true, refreshTokenExpires: true, state: true },
  });
}

/** The renewal lease held on a session, or null (none, or a `state` that is not one). */
export function renewalLeaseOf(session: Pick<Session, "state">): RenewalLease | null {
  const [prefix, until, ...owner] = session.state.split(":");
  if (prefix !== LEASE_PREFIX || !until || owner.length === 0 || !/^\d+$/.test(until)) return null;
  return { owner: owner.join(":"), until: new Date(Number(until)) };
}

function leaseState(lease: RenewalLease): string {
  return `${LEASE_PREFIX}:${lease.until.getTime()}:${lease.owner}`;
}

/**
 * Takes the renewal lease if the session is still exactly as `observed`
 * (same access token, same `state`): false when another caller renewed it or
 * took the lease first.
 */
export async function claimTokenRenewal(observed: OfflineSessionTokens, lease: RenewalLease, db: Tx = prisma): Promise<boolean> {
  const { count } = await db.session.updateMany({
    where: { id: observed.id, accessToken: observed.accessToken, state: observed.state },
    data: { state: leaseState(lease) },
  });
  return count === 1;
}

/** Stores the renewed tokens and frees the lease, if `lease` is still held; false when it was lost. */
export async function storeRenewedTokens(sessionId: string, lease: RenewalLease, tokens: RenewedTokens, db: Tx = prisma): Promise<boolean> {
  const { count } = await db.session.updateMany({ where: { id: sessionId, state: leaseState(lease) }, data: { ...tokens, state: "" } });
  return count === 1;
}

/** Frees the lease without renewing (Shopify could not be reached: the next caller tries again). */
export async function releaseTokenRenewal(sessionId: string, lease: RenewalLease, db: Tx = prisma): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, state: leaseState(lease) }, data: { state: "" } });
}

/**
 * Deletes the session Shopify refused to renew (the app was uninstalled, or
 * its tokens revoked), if `lease` is still held: the tokens grant nothing, and
 * the merchant's next visit makes a new session by token exchange.
 */
export async function deleteRefusedSession(sessionId: string, lease: RenewalLease, db: Tx = prisma): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId, state: leaseState(lease) } });
}
