// Stripe stand-in: an HTTP server the real `stripe` SDK can be pointed at.
//
//   const standIn = await startStripeStandIn({ webhook: { url, secret } });
//   const stripe = new Stripe(DEFAULT_SECRET_KEY, {
//     host: standIn.host, port: standIn.port, protocol: "http", maxNetworkRetries: 0,
//   });
//   await stripe.invoices.create({ … }, { stripeAccount: "acct_…", idempotencyKey: "…" });
//   await stripe.oauth.token({ grant_type: "authorization_code", code }); // same host: see README
//
// Binds 127.0.0.1 only. `standIn.control` drives clock, faults, webhooks,
// accounts and exposes the request log and invoice ledger.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { createControl, handleControlHttp, type StandInControl } from "./control.js";
import { StandInCore, type StandInOptions } from "./core.js";

export { DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY } from "./core.js";
export type { AccountInfo, RequestLogEntry, SeedAccount, StandInOptions } from "./core.js";
export type { StandInControl, RequestFilter, LedgerEntry } from "./control.js";
export type { FaultConfig, FailFault, CountedFault, KeyInUseFault, LatencyConfig } from "./faults.js";
export type { DeliveryInfo, WebhookEndpointConfig, WebhookSettings } from "./webhooks.js";
export type { SentEmail, WireEvent, WireInvoice, WireInvoiceItem, WireLineItem } from "./types.js";
export { signPayload } from "./webhooks.js";

export interface StripeStandIn {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  host: "127.0.0.1";
  control: StandInControl;
  close(): Promise<void>;
}

export async function startStripeStandIn(options: StandInOptions = {}): Promise<StripeStandIn> {
  const core = new StandInCore(options);
  const control = createControl(core);
  const server = http.createServer((req, res) => {
    core
      .handle(req, res, (rq, rs, url, body) => handleControlHttp(control, rq, rs, url, body))
      .catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { type: "api_error", message: String(e) } }));
        }
      });
  });
  // Longer than the SDK is likely to idle a pooled socket, so keep-alive reuse rarely races a server-side close.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.setPort(port);
  // Time moves even when nobody calls: run time-driven transitions every second.
  const ticker = setInterval(() => core.sweep(), 1000);
  ticker.unref();
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    host: "127.0.0.1",
    control,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      core.dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
