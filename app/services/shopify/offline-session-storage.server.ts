// The session storage shopifyApp() uses (app/shopify.server.ts): Prisma's,
// with every offline session renewed on load by ensureOfflineAccessToken, and
// one token exchange at a time for a shop that has none.
//
// Why on load: with `expiringOfflineAccessTokens`, @shopify/shopify-app-remix
// refreshes an offline token close to expiry wherever it loads one
// (unauthenticated.admin, authenticate.webhook, flow, app proxy:
// ensureOfflineTokenIsNotExpired), each call on its own, with no coordination
// between concurrent calls or processes; a refresh Shopify refuses becomes a
// 500 Response (so an app/uninstalled webhook would fail forever), and a
// non-expiring token is never migrated. Loading through this storage, every
// path gets a token renewed once per shop under the database lease, far
// enough from expiry that the library never refreshes it itself, and a shop
// whose tokens Shopify refused loads as "no session": webhooks still run,
// unauthenticated.admin throws SessionNotFoundError, and the merchant's next
// visit makes a new session by token exchange.
//
// Why one exchange at a time: a document request runs its loaders in
// parallel, each calling authenticate.admin; with no session yet, each would
// exchange the session token, and each expiring pair Shopify issues revokes
// the one before. Whichever request stored last could leave a revoked pair in
// the database. So while one load of a missing offline session is followed by
// its exchange, the other loads of this process wait for the pair it stores.
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { ensureOfflineAccessToken } from "./offline-token.server";

/** How long a load waits for another request's token exchange (a few hundred ms in practice). */
export const EXCHANGE_WAIT_MS = 5_000;
const OFFLINE_ID = /^offline_/;

export class RenewingSessionStorage implements SessionStorage {
  /** Offline sessions being made by a token exchange in this process, by id: resolved when stored. */
  private readonly exchanges = new Map<string, { done: Promise<void>; resolve: () => void }>();

  constructor(private readonly storage: SessionStorage) {}

  async loadSession(id: string): Promise<Session | undefined> {
    await this.exchangeOf(id);
    const session = await this.storage.loadSession(id);
    if (!session) return this.missing(id);
    if (session.isOnline) return session;
    const access = await ensureOfflineAccessToken(session.shop);
    if (access.status === "lost") return this.missing(id);
    return access.accessToken === session.accessToken ? session : this.storage.loadSession(id);
  }

  async storeSession(session: Session): Promise<boolean> {
    const stored = await this.storage.storeSession(session);
    this.exchanges.get(session.id)?.resolve();
    return stored;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.storage.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.storage.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.storage.findSessionsByShop(shop);
  }

  /**
   * No usable offline session: this load's caller may exchange a token (an
   * admin request) or not (background work, a webhook). The first such load
   * answers undefined and the others wait, up to EXCHANGE_WAIT_MS, for what it
   * stores; then they load again.
   */
  private async missing(id: string): Promise<Session | undefined> {
    if (!OFFLINE_ID.test(id)) return undefined;
    if (this.exchanges.has(id)) {
      await this.exchangeOf(id);
      return this.storage.loadSession(id);
    }
    let resolve = () => {};
    const done = new Promise<void>((settle) => (resolve = settle));
    const timer = setTimeout(() => resolve(), EXCHANGE_WAIT_MS).unref();
    this.exchanges.set(id, { done, resolve });
    void done.then(() => {
      clearTimeout(timer);
      this.exchanges.delete(id);
    });
    return undefined;
  }

  private async exchangeOf(id: string): Promise<void> {
    await this.exchanges.get(id)?.done;
  }
}
