// The app's real HTTP server (server/app-server.ts: Express in front of the
// production build of Remix), started in the test's process on a free port,
// with the test's configuration and database. Needs `npm run build` first
// (as the browser tests do): development mode would run Vite's dependency
// optimiser, which writes into node_modules.
//
// And a raw HTTP client for what fetch() cannot do: stream a body slowly,
// with or without Content-Length, ask `Expect: 100-continue`, and see the
// answer arrive before the body has been sent.
import fs from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import path from "node:path";
import type { TrustProxy } from "~/http/client-ip.server";

export type RunningApp = { url: string; close(): Promise<void> };

/** Starts the app server; set process.env first (the app reads its configuration when loaded). */
export async function startApp(options: { trustProxy?: TrustProxy } = {}): Promise<RunningApp> {
  const root = path.resolve(".");
  if (!fs.existsSync(path.join(root, "build/server/index.js"))) {
    throw new Error("These tests drive the production build: run `npx remix vite:build` (npm run build) first.");
  }
  const { startAppServer } = await import("../../server/app-server");
  // The build has a logger of its own, created when it is loaded: it logs
  // everything too, for the secret scan (setup-env.ts).
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "trace";
  try {
    const app = await startAppServer({ host: "127.0.0.1", port: 0, mode: "production", root, trustProxy: options.trustProxy });
    return { url: app.url, close: app.close };
  } finally {
    process.env.LOG_LEVEL = level;
  }
}

export type StreamedAnswer = {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Body bytes written before the answer's headers arrived. */
  sentBeforeAnswer: number;
  /** Whether the whole body had been written when the answer arrived. */
  bodyCompleteBeforeAnswer: boolean;
  /** The server said "100 Continue". */
  continued: boolean;
};

export type StreamOptions = {
  method?: string;
  headers?: Record<string, string>;
  /** Declare the body's length (Content-Length); otherwise it is sent chunked. */
  declareLength?: boolean;
  /** Send `Expect: 100-continue` and wait for the server's word before the body. */
  expectContinue?: boolean;
  chunkBytes?: number;
  /** Pause between chunks, so a server that cuts off while streaming answers before the end. */
  pauseMs?: number;
  /** "close" (default): `Connection: close`, the connection's last request; "keep-alive": the client would reuse it. */
  connection?: "close" | "keep-alive";
};

/**
 * Sends `body` to `url` chunk by chunk and stops as soon as the answer
 * arrives (a server refusing early may close the connection while we are
 * still sending: that is not an error here).
 */
export function streamBody(url: string, body: Buffer, options: StreamOptions = {}): Promise<StreamedAnswer> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const headers: Record<string, string> = { ...options.headers };
  if (options.declareLength) headers["Content-Length"] = String(body.byteLength);
  if (options.expectContinue) headers.Expect = "100-continue";
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let continued = false;
    // A connection of its own either way: one a refused upload leaves behind is never reused.
    const agent = options.connection === "keep-alive" ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
    const request = http.request(url, { method: options.method ?? "POST", headers, agent });
    if (agent) request.once("close", () => agent.destroy());
    const sendRest = async () => {
      while (sent < body.byteLength && !answered) {
        const chunk = body.subarray(sent, sent + chunkBytes);
        sent += chunk.byteLength;
        if (!request.write(chunk)) await new Promise<void>((done) => request.once("drain", done).once("close", done));
        if (options.pauseMs) await new Promise((done) => setTimeout(done, options.pauseMs));
      }
      if (!answered) request.end();
    };
    request.on("continue", () => {
      continued = true;
      void sendRest();
    });
    request.on("response", (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const bodyCompleteBeforeAnswer = sent >= body.byteLength;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8"), sentBeforeAnswer, bodyCompleteBeforeAnswer, continued });
        request.destroy();
      });
      response.on("error", () => {});
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (options.expectContinue) request.flushHeaders();
    else void sendRest();
  });
}
