// The session storage shopifyApp() uses (app/shopify.server.ts): Prisma's,
// with every offline session renewed on load by ensureOfflineAccessToken.
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
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { ensureOfflineAccessToken } from "./offline-token.server";

export class RenewingSessionStorage implements SessionStorage {
  constructor(private readonly storage: SessionStorage) {}

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.storage.loadSession(id);
    if (!session || session.isOnline) return session;
    const access = await ensureOfflineAccessToken(session.shop);
    if (access.status === "lost") return undefined;
    return access.accessToken === session.accessToken ? session : this.storage.loadSession(id);
  }

  storeSession(session: Session): Promise<boolean> {
    return this.storage.storeSession(session);
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
}
