// Shopify sessions (access tokens), one row per session. The session storage
// of @shopify/shopify-app-session-storage-prisma reads and writes them while
// authenticating; the app's own queries on Session live here.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";

type Tx = Prisma.TransactionClient;

/** Deletes every session of the shop (its tokens stop working here). */
export async function deleteSessionsOfShop(shopDomain: string, db: Tx = prisma): Promise<void> {
  await db.session.deleteMany({ where: { shop: shopDomain } });
}

/** Stores the access scopes the merchant granted on every session of the shop. */
export async function setScopesOfShopSessions(shopDomain: string, scopes: readonly string[], db: Tx = prisma): Promise<void> {
  await db.session.updateMany({ where: { shop: shopDomain }, data: { scope: scopes.join(",") } });
}
