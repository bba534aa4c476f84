// A throwaway HTTP server for tests: what the stand-ins deliver (webhooks)
// reaches it on a free loopback port, and a test's handler answers. No
// Shopify or Stripe package here, so the app's suites can use it as well.
import http from "node:http";
import type { AddressInfo } from "node:net";

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
