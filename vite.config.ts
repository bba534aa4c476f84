import { vitePlugin as remix } from "@remix-run/dev";
import path from "node:path";
import zlib from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import { compression, defineAlgorithm } from "vite-plugin-compression2";

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
    // The browser's JS and CSS, Brotli- and gzip-compressed once here, served by server/compressed-assets.ts (not the server build's).
    {
      ...compression({
        include: /\.(js|css)$/,
        algorithms: [
          defineAlgorithm("brotliCompress", { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY } }),
          defineAlgorithm("gzip", { level: zlib.constants.Z_BEST_COMPRESSION }),
        ],
        logLevel: "silent",
      }),
      apply: (_config, env) => env.command === "build" && !env.isSsrBuild,
    },
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
