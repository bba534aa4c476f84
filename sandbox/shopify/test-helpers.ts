// Shared by the stand-in's own tests: Shopify's library's (@shopify/shopify-api)
// settings for the app a suite plays, so the stand-in is checked with the client
// a real app uses. Imports the library's Node adapter: not for the app's own
// suites (tests/), whose Remix package installs its own.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity } from "@shopify/shopify-api";

/** The app a suite plays: its credentials and the scopes it asks for (comma-separated, as in shopify.app.toml). */
export type TestApp = { apiKey: string; apiSecret: string; scopes: string };

/**
 * Shopify's library's settings for `app`: an embedded app on the pinned API
 * version (2026-01), logging only errors. Spread into `shopifyApi({ … })` at
 * the suite (with its `future` flags, if any), so the library's types follow them.
 */
export function libraryConfigFor(app: TestApp) {
  return {
    apiKey: app.apiKey,
    apiSecretKey: app.apiSecret,
    scopes: app.scopes.split(","),
    hostName: "ritournelle.test",
    apiVersion: ApiVersion.January26,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  };
}
