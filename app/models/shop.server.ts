// Shops: one row per installed (or once installed) store. Every Prisma query
// on Shop lives here; the merchant's settings are a JSON column of it.
import { z } from "zod";
import prisma from "~/db.server";
import type { Prisma, Shop } from "@prisma/client";

type Tx = Prisma.TransactionClient;

const postalAddressSchema = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
});

/**
 * The shop's legal identity for French e-invoices (app/domain/einvoice.ts's
 * SellerIdentity), validated by app/services/settings/save-legal-identity.server.ts
 * before it is stored. Business data, not a customer's.
 */
export const legalIdentitySchema = z.object({
  name: z.string(),
  legalForm: z.string(),
  siren: z.string(),
  siret: z.string(),
  vatNumber: z.string(),
  address: postalAddressSchema,
  electronicAddress: z.string(),
  vatOnDebits: z.boolean(),
});

/** Merchant settings stored as JSON on the shop; missing keys take these defaults. */
export const shopSettingsSchema = z.object({
  daysUntilDue: z.number().int().min(0).max(365).default(14),
  timeOfDay: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default("09:00"),
  catchUp: z.enum(["all", "latest", "none"]).default("all"),
  signatureRequested: z.boolean().default(false),
  writeBackOrders: z.boolean().default(false),
  /** How new templates' customers pay unless the merchant picks otherwise (app/domain/billing.ts's BillingRail). */
  defaultRail: z.enum(["stripe", "shopify"]).default("stripe"),
  /** Absent until the merchant fills it in (Settings → Legal identity); a malformed one reads as absent. */
  legalIdentity: legalIdentitySchema.optional().catch(undefined),
});
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export function readSettings(shop: Pick<Shop, "settings">): ShopSettings {
  let raw: unknown = {};
  try {
    raw = JSON.parse(shop.settings);
  } catch {
    raw = {};
  }
  const parsed = shopSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : shopSettingsSchema.parse({});
}

/**
 * Merges `changes` into the shop's settings and stores the result, validated
 * by {@link shopSettingsSchema} (unknown keys dropped, defaults filled in).
 * @throws ZodError when a value is out of range.
 */
export async function updateShopSettings(domain: string, changes: Partial<ShopSettings>, db: Tx = prisma): Promise<ShopSettings> {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain }, select: { settings: true } });
  const settings = shopSettingsSchema.parse({ ...readSettings(shop), ...changes });
  await db.shop.update({ where: { domain }, data: { settings: JSON.stringify(settings) } });
  return settings;
}

export function findShopByDomain(domain: string, db: Tx = prisma): Promise<Shop | null> {
  return db.shop.findUnique({ where: { domain } });
}

export type ShopDetailsInput = { name?: string; timeZone?: string; currency?: string; locale?: string };

/**
 * Creates the shop or marks it installed again (at `now`), refreshing the
 * details Shopify gave. A reinstall also forgets when the plan was read
 * (`planCheckedAt`): Shopify cancels the app's subscriptions on uninstall, so
 * the plan cached before is read again, never trusted.
 */
export function upsertInstalledShop(domain: string, details: ShopDetailsInput, now: Date, db: Tx = prisma): Promise<Shop> {
  return db.shop.upsert({
    where: { domain },
    create: { domain, ...details, installedAt: now },
    update: { ...details, uninstalledAt: null, installedAt: now, planCheckedAt: null },
  });
}

/** Makes sure a row exists for an authenticated shop without touching an existing one. */
export async function ensureShop(domain: string, db: Tx = prisma): Promise<Shop> {
  // Every admin request asks (twice per page: the layout's loader and the
  // page's): a read, and the upsert (a write transaction, waiting for the
  // worker's writes on SQLite) only for a shop not seen yet.
  return (await db.shop.findUnique({ where: { domain } })) ?? db.shop.upsert({ where: { domain }, create: { domain }, update: {} });
}

export function setShopLocale(domain: string, locale: string, db: Tx = prisma) {
  return db.shop.updateMany({ where: { domain, NOT: { locale } }, data: { locale } });
}

/** Records when the shop removed the app; the first time is kept when Shopify says it again. */
export async function markShopUninstalled(domain: string, at: Date, db: Tx = prisma): Promise<void> {
  await db.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: at } });
}

/**
 * Deletes the shop's row; every tenant table hangs off it with ON DELETE
 * CASCADE, so their rows go with it. Nothing happens for an unknown domain.
 */
export async function deleteShop(domain: string, db: Tx = prisma): Promise<void> {
  await db.shop.deleteMany({ where: { domain } });
}

/** Remembers that the merchant dismissed the home page's setup guide; the first dismissal's time is kept. */
export async function markSetupGuideDismissed(shopId: string, at: Date, db: Tx = prisma): Promise<void> {
  await db.shop.updateMany({ where: { id: shopId, setupGuideDismissedAt: null }, data: { setupGuideDismissedAt: at } });
}

/** The shop's myshopify domain, by its id; null for an unknown id. */
export async function findShopDomainById(id: string, db: Tx = prisma): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { id }, select: { domain: true } });
  return shop?.domain ?? null;
}
