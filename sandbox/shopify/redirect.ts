// Points @shopify/shopify-api (and so @shopify/shopify-app-remix) at the
// Shopify stand-in, without the app knowing.
//
// How the library reaches Shopify: every Admin GraphQL call and every
// /admin/oauth/access_token call goes through the library's `abstractFetch`
// (GraphqlClient passes it to @shopify/admin-api-client as `customFetchApi`;
// token exchange and refresh use it via fetchRequestFactory). The node adapter
// sets it to `globalThis.fetch` once, when it is imported. The library exports
// the setter publicly, `setAbstractFetchFunc` from "@shopify/shopify-api/runtime",
// so the cleanest redirection is to wrap that function:
//
//   https://{shop}.myshopify.com/admin/api/2026-01/graphql.json
//     → http://127.0.0.1:{port}/{shop}.myshopify.com/admin/api/2026-01/graphql.json
//
// Only *.myshopify.com URLs are rewritten; everything else passes through.
// App code keeps building real Shopify URLs with real shop domains (no
// customShopDomains, no config changes). By default globalThis.fetch is
// wrapped too, for code that calls Shopify with plain fetch.
//
// Usage (test or sandbox bootstrap, before or after the app's modules load):
//
//   const standIn = await startShopifyStandIn();
//   const unroute = routeShopifyAdminTo(standIn.url);
//   …                       // app code calls Shopify as usual
//   unroute(); await standIn.close();

import { createRequire } from "node:module";
// The adapter @shopify/shopify-app-remix/server itself loads (web-api: Fetch
// Request objects), so that `abstractFetch` is set whichever loads first. The
// node adapter, imported here before, replaced the library's request
// conversion for the whole process: loaded after the app, the app's
// authenticate.webhook could no longer read a Request and answered 400.
import "@shopify/shopify-api/adapters/web-api";
import { abstractFetch, setAbstractFetchFunc, type AbstractFetchFunc } from "@shopify/shopify-api/runtime";

export interface RouteShopifyAdminOptions {
  /** Also wrap globalThis.fetch (default true). */
  patchGlobalFetch?: boolean;
  /** Which hosts go to the stand-in (default: *.myshopify.com). */
  matchHost?: (host: string) => boolean;
}

const defaultMatch = (host: string) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(host);

/** The stand-in URL for a Shopify URL, or null when the URL is not routed. */
export function rewriteShopifyUrl(url: string, standInUrl: string, matchHost: (host: string) => boolean = defaultMatch): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" || !matchHost(parsed.hostname)) return null;
  const base = standInUrl.replace(/\/+$/, "");
  return `${base}/${parsed.hostname.toLowerCase()}${parsed.pathname}${parsed.search}`;
}

function wrap(fetchImpl: AbstractFetchFunc, standInUrl: string, matchHost: (host: string) => boolean): AbstractFetchFunc {
  const wrapped: AbstractFetchFunc = (input, init) => {
    if (typeof input === "string" || input instanceof URL) {
      const target = rewriteShopifyUrl(String(input), standInUrl, matchHost);
      return fetchImpl(target ?? input, init);
    }
    const target = rewriteShopifyUrl(input.url, standInUrl, matchHost);
    return fetchImpl(target ? new Request(target, input) : input, init);
  };
  return wrapped;
}

interface CjsRuntime {
  abstractFetch: AbstractFetchFunc;
  setAbstractFetchFunc(f: AbstractFetchFunc): void;
}

/** The CommonJS copy of the library's runtime, if something loaded it (dual-package hazard). */
function loadedCjsRuntime(): CjsRuntime | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@shopify/shopify-api/runtime");
    if (!path.endsWith(".js") || !require.cache[path]) return undefined;
    return require(path) as CjsRuntime;
  } catch {
    return undefined;
  }
}

/**
 * Routes every https://*.myshopify.com request made by @shopify/shopify-api
 * (and, by default, by globalThis.fetch) to the stand-in at `standInUrl`.
 * Returns a function that restores the previous fetch functions.
 */
export function routeShopifyAdminTo(standInUrl: string, options: RouteShopifyAdminOptions = {}): () => void {
  const matchHost = options.matchHost ?? defaultMatch;
  const restores: (() => void)[] = [];

  const previous = abstractFetch;
  setAbstractFetchFunc(wrap(previous, standInUrl, matchHost));
  restores.push(() => setAbstractFetchFunc(previous));

  const cjs = loadedCjsRuntime();
  if (cjs && cjs.abstractFetch !== abstractFetch) {
    const previousCjs = cjs.abstractFetch;
    cjs.setAbstractFetchFunc(wrap(previousCjs, standInUrl, matchHost));
    restores.push(() => cjs.setAbstractFetchFunc(previousCjs));
  }

  if (options.patchGlobalFetch !== false) {
    const previousGlobal = globalThis.fetch;
    globalThis.fetch = wrap(previousGlobal, standInUrl, matchHost) as typeof fetch;
    restores.push(() => {
      globalThis.fetch = previousGlobal;
    });
  }

  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const restore of restores.reverse()) restore();
  };
}
