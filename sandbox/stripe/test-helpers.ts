// Shared by the stand-in's own tests: start a stand-in with a webhook receiver
// and hand back a real `stripe` SDK client pointed at it.

import http from "node:http";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { DEFAULT_SECRET_KEY, startStripeStandIn, type StandInOptions, type StripeStandIn } from "./server.js";

export const MERCHANT = "acct_1AtelierDupont";
export const OTHER_MERCHANT = "acct_1BoulangerieMartin";
export const WEBHOOK_SECRET = "whsec_test_ritournelle";

export interface ReceivedWebhook {
  body: string;
  signature: string;
  headers: http.IncomingHttpHeaders;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer with, in order; then 200. */
  respondWith: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: "", received: [], respondWith: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = receiver.respondWith.shift() ?? 200;
      receiver.received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: String(req.headers["stripe-signature"] ?? ""),
        headers: req.headers,
      });
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  receiver.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return receiver;
}

export interface Harness {
  standIn: StripeStandIn;
  stripe: Stripe;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

export function sdk(standIn: StripeStandIn, key = DEFAULT_SECRET_KEY): Stripe {
  return new Stripe(key, {
    host: standIn.host,
    port: standIn.port,
    protocol: "http",
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

export async function startHarness(options: StandInOptions = {}): Promise<Harness> {
  const receiver = await startReceiver();
  const standIn = await startStripeStandIn({
    webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
    webhookSettings: { retryDelaysMs: [20, 40, 80], maxAttempts: 4, timeoutMs: 2000 },
    accounts: [
      { id: MERCHANT, businessName: "Atelier Dupont", country: "FR", defaultCurrency: "eur", invoicePrefix: "ATDUP" },
      { id: OTHER_MERCHANT, businessName: "Boulangerie Martin", country: "FR", defaultCurrency: "eur" },
    ],
    ...options,
  });
  const stripe = sdk(standIn);
  return {
    standIn,
    stripe,
    receiver,
    async close() {
      await standIn.close();
      await receiver.close();
    },
  };
}

/**
 * One harness for a test file: started before its tests (handed to
 * `started`, so the file keeps its own `h` and `stripe`), closed after them,
 * and before each test reset, then prepared by `eachTest` (default: webhooks
 * paused, so a test sees only the deliveries it asks for).
 */
export function withHarness(
  started: (harness: Harness) => void,
  options: { standIn?: StandInOptions; eachTest?: (harness: Harness) => void } = {},
): void {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(options.standIn);
    started(harness);
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.standIn.control.reset();
    (options.eachTest ?? ((h) => h.standIn.control.configureWebhooks({ paused: true })))(harness);
  });
}

/** Request options for the merchant's connected account. */
export function as(account: string, idempotencyKey?: string): Stripe.RequestOptions {
  return idempotencyKey ? { stripeAccount: account, idempotencyKey } : { stripeAccount: account };
}

export async function rejection(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error("expected the call to fail");
}
