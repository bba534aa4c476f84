// What every embedded admin page needs once the request is authenticated:
// the shop's row (created on first sight) and the merchant's language.
import type { Shop } from "@prisma/client";
import { ensureShop, setShopLocale } from "~/models/shop.server";
import { resolveLocale, type Locale } from "~/i18n";

export type AdminContext = { shop: Shop; locale: Locale };

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
