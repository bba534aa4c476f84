// The HTTP server: Remix behind Express. In development the app is served by
// Vite's middleware (hot reload); in production from the `remix vite:build`
// output. Shopify and Stripe webhooks need the raw body, so no body parser
// runs before Remix; what stands in front of every route instead:
// - the security headers of its kind of page (server/security-headers.ts);
// - its body limit (server/body-limit.ts, table in app/http/body-limits.ts),
//   before anything reads the body.
// The build's JS and CSS go out Brotli- or gzip-compressed (server/compressed-assets.ts).
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import type { ServerBuild } from "@remix-run/node";
import { refuseBeforeContinue, refuseDeclaredTooLarge } from "./body-limit";
import { compressedAssets } from "./compressed-assets";
import { remixHandler } from "./remix-handler";
import { cspNonceOf, securityHeadersMiddleware } from "./security-headers";
import type { TrustProxy } from "../app/http/client-ip.server";

export type AppServerOptions = {
  host: string;
  port: number;
  mode: "development" | "production";
  root: string;
  /**
   * Offline demo only: one more origin allowed to frame the embedded admin
   * (the admin host stand-in). Shopify's CSP lists only the shop and admin.shopify.com.
   */
  allowFrameAncestor?: string;
  /** The proxies in front of the app (TRUST_PROXY): the client's IP is the right-most address they did not add. */
  trustProxy?: TrustProxy;
};

/** What routes may know of the connection (the signing page records the signer's IP) and the CSP nonce of the answer. */
function loadContext(trustProxy: TrustProxy) {
  return (request: express.Request, response: express.Response) => ({
    remoteAddress: request.socket.remoteAddress,
    trustProxy,
    cspNonce: cspNonceOf(response),
  });
}

export async function startAppServer(options: AppServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeadersMiddleware({ extraFrameAncestor: options.allowFrameAncestor }));
  app.use(refuseDeclaredTooLarge());
  let closeVite = async () => {};
  const getLoadContext = loadContext(options.trustProxy ?? false);

  if (options.mode === "development") {
    const vite = await import("vite");
    const viteServer = await vite.createServer({
      root: options.root,
      // No file watching or hot reload: this server is for running the app
      // (npm start, the demo, browser tests); `remix vite:dev` is for editing it.
      server: { middlewareMode: true, hmr: false, watch: null },
      appType: "custom",
    });
    closeVite = () => viteServer.close();
    app.use(viteServer.middlewares);
    app.all(
      "*",
      remixHandler({
        build: () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        getLoadContext,
      }),
    );
  } else {
    const buildDir = path.join(options.root, "build");
    if (!fs.existsSync(path.join(buildDir, "server/index.js"))) {
      throw new Error("No production build in build/: run `npm run build` first.");
    }
    app.use("/assets", compressedAssets(path.join(buildDir, "client/assets")));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    const build = (await import(path.join(buildDir, "server/index.js"))) as ServerBuild;
    app.all("*", remixHandler({ build, getLoadContext }));
  }

  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
  });
  // `Expect: 100-continue`: a body declared over its limit is refused before
  // the client sends it; any other gets its "100 Continue" and goes on.
  server.on("checkContinue", (request, response) => {
    if (refuseBeforeContinue(request, response)) return;
    response.writeContinue();
    app(request, response);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host}:${port}`,
    // Graceful: stop accepting, let requests in flight finish, close
    // keep-alive connections as soon as they are idle (else one idle client
    // would hold the process open). The caller bounds how long this may take.
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await closeVite();
    },
  };
}
