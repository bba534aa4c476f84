// Shared by the stand-in's own tests: Shopify's library's (@shopify/shopify-api)
// settings for the app a suite plays, so the stand-in is checked with the client
// a real app uses; and a local HTTP receiver for the webhooks it delivers.
import "@shopify/shopify-api/adapters/node";
import http from "node:http";
import type { AddressInfo } from "node:net";
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

/**
 * An HTTP server on a free loopback port that hands each request, with its
 * whole body, to `handle` (which answers it).
 * @returns its origin ("http://127.0.0.1:PORT") and how to close it.
 */
export async function startReceiver(
  handle: (request: http.IncomingMessage, rawBody: string, response: http.ServerResponse) => void | Promise<void>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    await handle(request, Buffer.concat(chunks).toString("utf8"), response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
