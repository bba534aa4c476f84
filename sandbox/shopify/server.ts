// HTTP face of the Shopify stand-in (node:http on 127.0.0.1).
//
// Routes (the shop is taken from the Host header when it is a
// *.myshopify.com name, else from a leading path segment):
//   POST [/{shop}]/admin/api/2026-01/graphql.json     Admin GraphQL (admin-api.ts); any other version: 404
//   POST [/{shop}]/admin/oauth/access_token           token exchange / refresh (oauth.ts)
//   GET  /__control/health                             liveness
//   POST /__control/reset                              back to the seed
//   GET  /__control/orders?shop=…                      orders created through orderCreate
//   POST /__control/throttle  {shop, currentlyAvailable?, maximumAvailable?, restoreRate?}
//   POST /__control/clock/advance {ms}
//   POST /__control/variant-deleted {shop, variantId, deleted?}
//   POST /__control/uninstall {shop}                   revokes every token of the app for the shop
//   GET  /__control/token-requests?shop=…              answered token requests (grant, status, at)
//   GET  /__control/invoice-emails?shop=…              draft order invoices e-mailed (draftOrderInvoiceSend)
//   GET  /__control/webhooks                           webhooks sent (topic, status)
//   POST /__control/webhook-url {url}                  where webhooks go (the app's /webhooks)
//   POST /__control/draft-deleted {shop, draftId}      the merchant deletes a draft order in the admin (draft_orders/delete)
//   POST /__control/order-cancelled {shop, orderId, refund?} the merchant cancels an order in the admin (orders/cancelled)
//   GET|POST [/{shop}]/{shopId}/invoices/{token}[/pay] a draft order's checkout (checkout.ts)
//
// Lost answers (faults.ts, `standIn.faults`): a GraphQL request can lose its
// answer before, after, or while Shopify applies it.
//
// @shopify/shopify-api calls https://{shop}/admin/…; redirect.ts rewrites
// those URLs to http://127.0.0.1:{port}/{shop}/admin/… in the test process.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdminApi, type AdminApi, type AdminApiControl, type AdminApiOptions } from "./admin-api";
import { handleCheckout } from "./checkout";
import { createAnswerFaults, type AnswerFaults } from "./faults";
import { webhookDeliveries } from "./webhooks";
import { draftStore } from "./draft-orders";
import { handleAccessTokenRequest } from "./oauth";
import { ADMIN_API_VERSION } from "./schema";

export interface ShopifyStandInOptions extends AdminApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
}

export interface ShopifyStandIn {
  /** e.g. "http://127.0.0.1:53121" */
  url: string;
  port: number;
  close(): Promise<void>;
  control: AdminApiControl;
  api: AdminApi;
  /** Answers lost on the way back (faults.ts). */
  faults: AnswerFaults;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(payload);
}

let requestCounter = 0;

/** Where a request is addressed: shop (from Host or path prefix) and the remaining path. */
export function routeOf(hostHeader: string | undefined, rawPath: string): { shop: string | null; path: string } {
  const host = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase();
  if (SHOP_HOST.test(host)) return { shop: host, path: rawPath };
  const m = /^\/([^/]+\.myshopify\.com)(\/.*)$/i.exec(rawPath);
  if (m) return { shop: (m[1] ?? "").toLowerCase(), path: m[2] ?? "/" };
  return { shop: null, path: rawPath };
}

function parseParams(body: string, contentType: string | undefined): Record<string, unknown> {
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(body));
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return Object.fromEntries(new URLSearchParams(body));
  }
}

/** Starts the stand-in; resolves once it listens. */
export async function startShopifyStandIn(options: ShopifyStandInOptions = {}): Promise<ShopifyStandIn> {
  const api = createAdminApi(options);
  const faults = createAnswerFaults();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error("[shopify stand-in] internal error", error);
      if (!res.headersSent) send(res, 500, { errors: "Internal Server Error" });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in.local");
    const requestId = `standin-${++requestCounter}`;
    if (url.pathname.startsWith("/__control/")) return control(req, res, url);
    const { shop, path } = routeOf(req.headers.host, url.pathname);
    if (!shop) return send(res, 404, { errors: "Not Found" }, { "x-request-id": requestId });

    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (gql) {
      const version = gql[1] ?? "";
      // Shopify serves every supported version and falls forward to the oldest
      // supported one for a retired version
      // (https://shopify.dev/docs/api/usage/versioning). The stand-in holds one
      // schema only, so it answers that version and refuses every other one,
      // rather than answer another version with this schema: an app pinned to
      // another version would otherwise pass tests against fields its version
      // may not have.
      if (version !== ADMIN_API_VERSION) return send(res, 404, { errors: "Not Found" }, { "x-request-id": requestId });
      if (req.method !== "POST") return send(res, 405, { errors: "Method Not Allowed" }, { "x-request-id": requestId });
      const raw = await readBody(req);
      let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
      if ((req.headers["content-type"] ?? "").includes("application/graphql")) body = { query: raw };
      else {
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          return send(res, 400, { errors: "Invalid JSON in request body" }, { "x-request-id": requestId });
        }
      }
      const tokenHeader = req.headers["x-shopify-access-token"];
      const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
      const fault = faults.take(`${body?.operationName ?? ""} ${body?.query ?? ""}`);
      if (fault === "held") faults.hold(() => api.execute(shop, token, body ?? {}));
      if (fault === "before" || fault === "held") return void req.socket.destroy();
      const result = await api.execute(shop, token, body ?? {});
      if (fault === "after") return void req.socket.destroy();
      return send(res, result.status, result.body, { ...result.headers, "x-shopify-api-version": version, "x-request-id": requestId });
    }

    if (path === "/admin/oauth/access_token") {
      if (req.method !== "POST") return send(res, 405, { errors: "Method Not Allowed" });
      const raw = await readBody(req);
      const result = handleAccessTokenRequest(api.state, shop, parseParams(raw, req.headers["content-type"]));
      return send(res, result.status, result.body, { "x-request-id": requestId });
    }
    const checkout = await handleCheckout(api.state, shop, path, req.method ?? "GET");
    if (checkout) {
      res.writeHead(checkout.status, { "content-type": "text/html; charset=utf-8" });
      res.end(checkout.html);
      return;
    }
    return send(res, 404, { errors: "Not Found" }, { "x-request-id": requestId });
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = req.method === "POST" ? await readBody(req) : "";
    const params = raw ? parseParams(raw, req.headers["content-type"]) : {};
    const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : url.searchParams.get(k) ?? "");
    const num = (k: string) => (typeof params[k] === "number" ? (params[k] as number) : undefined);
    try {
      switch (url.pathname) {
        case "/__control/health":
          return send(res, 200, { ok: true });
        case "/__control/reset":
          api.control.reset();
          faults.clear();
          return send(res, 200, { ok: true });
        case "/__control/orders":
          return send(res, 200, { orders: api.control.createdOrders(str("shop")) });
        case "/__control/throttle": {
          api.control.setThrottle(str("shop"), {
            currentlyAvailable: num("currentlyAvailable"),
            maximumAvailable: num("maximumAvailable"),
            restoreRate: num("restoreRate"),
          });
          return send(res, 200, api.control.throttleStatus(str("shop")));
        }
        case "/__control/clock/advance":
          api.control.advanceClock(num("ms") ?? 0);
          return send(res, 200, { ok: true });
        case "/__control/uninstall":
          api.control.uninstall(str("shop"));
          return send(res, 200, { ok: true });
        case "/__control/token-requests":
          return send(res, 200, { requests: api.control.tokenRequests(str("shop")) });
        case "/__control/invoice-emails": {
          const shop = api.state.shops.get(str("shop"));
          return send(res, 200, { emails: shop ? draftStore(shop).emails : [] });
        }
        case "/__control/webhooks":
          return send(res, 200, { deliveries: webhookDeliveries(api.state).map(({ topic, shop, status, error }) => ({ topic, shop, status, error })) });
        case "/__control/webhook-url":
          api.state.webhookUrl = str("url") || null;
          return send(res, 200, { ok: true });
        case "/__control/draft-deleted": {
          const { topic, status, error } = await api.control.deleteDraftInAdmin(str("shop"), str("draftId"));
          return send(res, 200, { topic, status, error });
        }
        case "/__control/order-cancelled": {
          const { topic, status, error } = await api.control.cancelOrderInAdmin(str("shop"), str("orderId"), { refund: params.refund !== false });
          return send(res, 200, { topic, status, error });
        }
        case "/__control/variant-deleted":
          api.control.setVariantDeleted(str("shop"), str("variantId"), params.deleted !== false);
          return send(res, 200, { ok: true });
        default:
          return send(res, 404, { errors: "Not Found" });
      }
    } catch (error) {
      return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  api.state.publicUrl = `http://${host}:${port}`;
  return {
    url: `http://${host}:${port}`,
    port,
    api,
    control: api.control,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
