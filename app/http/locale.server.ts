// The language of a public page (/sign/<token>, /verify). The embedded admin
// takes the merchant's language from Shopify; a customer's browser only says
// what it accepts.
import { resolveLocale, SUPPORTED_LOCALES, type Locale } from "~/i18n";

/**
 * The page's language: `?lang=` when the visitor switched, else the best
 * supported language of Accept-Language by its q-values, else English.
 */
export function negotiateLocale(request: Request): Locale {
  const chosen = new URL(request.url).searchParams.get("lang");
  if (chosen) return resolveLocale(chosen);
  const ranked = (request.headers.get("accept-language") ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if ((SUPPORTED_LOCALES as readonly string[]).includes(language ?? "")) return language as Locale;
  }
  return "en";
}
