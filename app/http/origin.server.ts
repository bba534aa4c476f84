// Same-origin check (CSRF) for the public pages' form posts: the signing
// token in the URL is the only capability there, so a form another site
// makes a visitor's browser post must be told from our own.
import { config } from "~/config.server";

/**
 * True when a POST comes from a page of this app: its Origin (or, when a
 * browser omits it, its Referer's origin) is the app's public origin
 * (`appUrl`, by default SHOPIFY_APP_URL) or the origin the request was
 * addressed to. Every current browser sends Origin on a form POST, so
 * neither header present means a non-browser client, refused like a
 * foreign site.
 */
export function isSameOrigin(request: Request, appUrl: string = config().SHOPIFY_APP_URL): boolean {
  const allowed = new Set([new URL(appUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") return allowed.has(origin);
  const referer = request.headers.get("referer");
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}
