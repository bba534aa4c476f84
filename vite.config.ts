import { vitePlugin as remix } from "@remix-run/dev";
import path from "node:path";
import { defineConfig, type Plugin } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * The browser gets only the page's language: app code imports
 * app/i18n/dictionaries (every language, for the server, the worker and the
 * tests), and the client build reads app/i18n/dictionaries/browser.ts in its
 * place, which loads one language's chunk on demand. The SSR build keeps
 * the module as written.
 */
function browserDictionaries(): Plugin {
  const server = path.resolve("app/i18n/dictionaries/index.ts");
  const browser = path.resolve("app/i18n/dictionaries/browser.ts");
  return {
    name: "i18n-browser-dictionaries",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (options.ssr || !importer || !/dictionaries(\/index)?(\.ts)?$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === server ? browser : null;
    },
  };
}

export default defineConfig({
  server: {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 3000),
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*"],
      // Every Remix v3 future flag, so the upgrade to React Router 7 is a rename.
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: true,
      },
    }),
    tsconfigPaths(),
    browserDictionaries(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
