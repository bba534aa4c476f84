// What every embedded admin page needs once the request is authenticated.
import type { Shop } from "@prisma/client";
import { ensureShop, setShopLocale } from "~/models/shop.server";
import { resolveLocale, type Locale } from "~/i18n";

export type AdminContext = { shop: Shop; locale: Locale };

/**
 * The shop's row and the merchant's language for an authenticated admin request.
 *
 * Inputs: the session's shop domain and the request URL, whose `locale`
 * parameter (set by the Shopify admin) is the merchant's admin language.
 * Effects: the Shop row is created on first sight (empty details until the
 * installation records them); when the admin's language changed, it is stored
 * as the shop's (the default of requests that carry none, such as the
 * order-page extension's).
 * Idempotency: safe to repeat; writes only what changed.
 * Errors: database errors are rethrown.
 */
export async function loadAdminContext(shopDomain: string, requestUrl: string): Promise<AdminContext> {
  const requested = new URL(requestUrl).searchParams.get("locale");
  let shop = await ensureShop(shopDomain);
  if (requested) {
    const locale = resolveLocale(requested);
    if (locale !== shop.locale) {
      await setShopLocale(shopDomain, locale);
      shop = { ...shop, locale };
    }
  }
  return { shop, locale: resolveLocale(shop.locale) };
}
