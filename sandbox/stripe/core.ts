// The stand-in's request pipeline, in the order Stripe's edge applies it:
//   authenticate (secret key or OAuth access token) → resolve Stripe-Account →
//   faults (rate limit / pre-execution 500 / latency) → idempotency (replay,
//   mismatch 400, in-flight 409) → execute → save → respond (or drop).
// Plus the browser-facing routes (hosted invoice page + PDF, Connect OAuth) and
// the control API under /__control.

import type { IncomingMessage, ServerResponse } from "node:http";
import Stripe from "stripe";
import { applyExpand, findRoute, unrecognizedUrl, type ApiContext } from "./api.js";
import { StandInClock, type ClockSource } from "./clock.js";
import { StripeApiError, apiError, redactKey, type StripeErrorBody } from "./errors.js";
import { Faults } from "./faults.js";
import { renderHostedPage, renderInvoicePdf } from "./hosted.js";
import { IdempotencyStore } from "./idempotency.js";
import { failPayment, payInvoice, renderInvoice, sweepInvoices } from "./invoices.js";
import { createAccountRecord, decide, deauthorize, exchangeToken, renderAuthorizePage, type OAuthConfig } from "./oauth.js";
import { canonical, decodeForm, readExpand, type RawParams } from "./params.js";
import { Rng } from "./rng.js";
import { Store } from "./store.js";
import type { AccountRecord } from "./types.js";
import { DEFAULT_WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookEndpointConfig, type WebhookSettings } from "./webhooks.js";
import { buildEvent, type RequestRef, type World } from "./world.js";

export interface SeedAccount {
  id?: string;
  businessName: string;
  country?: string;
  defaultCurrency?: string;
  email?: string;
  invoicePrefix?: string;
  /** Whether the platform can act on it right away (default true). */
  connected?: boolean;
}

export interface StandInOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Platform secret keys accepted as API keys. Default `["sk_test_ritournelle_standin"]`. */
  secretKeys?: string[];
  platform?: { accountId?: string; businessName?: string; country?: string; defaultCurrency?: string; email?: string };
  oauth?: { clientId?: string; redirectUris?: string[]; codeTtlSeconds?: number };
  /** Shorthand for one endpoint receiving every event (platform and Connect). */
  webhook?: { url: string; secret: string } | null;
  webhookEndpoints?: WebhookEndpointConfig[];
  webhookSettings?: Partial<WebhookSettings>;
  /** "Now" for the stand-in (Date.now by default); settable later through control. */
  clock?: ClockSource;
  seed?: number;
  /** Connected accounts to create at start (and again on reset). */
  accounts?: SeedAccount[];
  /** Version stamped on events and echoed in `Stripe-Version`. Default: the installed SDK's. */
  apiVersion?: string;
  /** Origin used in hosted_invoice_url / invoice_pdf (default http://127.0.0.1:<port>). */
  publicBaseUrl?: string;
  /** Objects written less than this many ms ago are not yet visible to search (Stripe: "under a minute"). */
  searchLagMs?: number;
  /** Diagnostic lines (webhook retries…). Default: silent. */
  log?: (line: string) => void;
  requestLogLimit?: number;
}

export const DEFAULT_SECRET_KEY = "sk_test_ritournelle_standin";
export const DEFAULT_CLIENT_ID = "ca_ritournelle_standin";

export interface RequestLogEntry {
  requestId: string;
  /** Stand-in clock, epoch ms. */
  time: number;
  method: string;
  path: string;
  /** Account the request acted on (null when it failed before that was known). */
  account: string | null;
  /** Value of the Stripe-Account header, if any. */
  stripeAccountHeader: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** HTTP status sent; null when the connection was dropped. */
  status: number | null;
  replayed: boolean;
  fault: "rate_limited" | "error500_before_execution" | "error500_after_commit" | "dropped" | null;
  durationMs: number;
}

export interface AccountInfo {
  id: string;
  businessName: string;
  country: string;
  defaultCurrency: string;
  email: string | null;
  invoicePrefix: string;
  connected: boolean;
  isPlatform: boolean;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = "application/json";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

function flatForm(raw: RawParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") out[k] = v;
  return out;
}

function errorReply(e: StripeApiError, requestId: string): Reply {
  const error: StripeErrorBody & { request_log_url?: string } = { ...e.body };
  error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}?t=0`;
  return {
    status: e.status,
    headers: { ...e.headers },
    body: JSON.stringify({ error }, null, 2),
  };
}

const EXPANDABLE_SEGMENTS = new Set([
  "customer", "invoice", "invoice_item", "discounts", "discount", "coupon", "tax_rate", "product", "data", "lines",
  "default_tax_rates", "total_count", "source", "tax_rates", "taxes", "tax_rate_details", "pricing", "price_details",
  "total_taxes", "discount_amounts", "total_discount_amounts", "parent", "invoice_item_details", "pretax_credit_amounts",
  "total_pretax_credit_amounts",
]);

export class StandInCore {
  readonly store = new Store();
  readonly clock: StandInClock;
  readonly rng: Rng;
  private readonly requestIds: Rng;
  readonly dispatcher: WebhookDispatcher;
  readonly faults: Faults;
  readonly idempotency: IdempotencyStore;
  readonly world: World;
  readonly oauth: OAuthConfig;
  readonly secretKeys: Set<string>;
  readonly apiVersion: string;
  requestLog: RequestLogEntry[] = [];
  searchLagMs: number;
  private port = 0;
  private seed: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: StandInOptions = {}) {
    this.seed = options.seed ?? 20_260_101;
    this.rng = new Rng(this.seed);
    this.requestIds = new Rng(this.seed ^ 0x5bd1e995);
    this.clock = new StandInClock(options.clock);
    this.log = options.log ?? (() => {});
    this.dispatcher = new WebhookDispatcher(this.rng, this.clock, this.log);
    this.faults = new Faults(this.rng);
    this.idempotency = new IdempotencyStore(this.clock);
    this.secretKeys = new Set(options.secretKeys ?? [DEFAULT_SECRET_KEY]);
    this.apiVersion = options.apiVersion ?? Stripe.API_VERSION;
    this.searchLagMs = options.searchLagMs ?? 0;
    this.oauth = {
      clientId: options.oauth?.clientId ?? DEFAULT_CLIENT_ID,
      redirectUris: options.oauth?.redirectUris ?? [],
      codeTtlSeconds: options.oauth?.codeTtlSeconds ?? 300,
    };
    this.applyWebhookOptions();

    const emit: World["emit"] = (accountId, type, object, opts) => {
      const pending = this.dispatcher.countTargets(accountId !== this.store.platformId);
      const event = buildEvent(this.world, accountId, type, object, pending, opts);
      this.store.of(accountId).events.set(event.id, { obj: event, seq: this.store.nextSeq(), wall: Date.now() });
      this.dispatcher.enqueue(event);
      return event;
    };
    this.world = {
      store: this.store,
      clock: this.clock,
      rng: this.rng,
      apiVersion: this.apiVersion,
      platformName: options.platform?.businessName ?? "Ritournelle",
      oauthClientId: this.oauth.clientId,
      baseUrl: () => this.baseUrl(),
      emit,
    };
    this.seedAccounts();
  }

  private applyWebhookOptions(): void {
    const endpoints = [...(this.options.webhookEndpoints ?? [])];
    if (this.options.webhook) endpoints.push({ url: this.options.webhook.url, secret: this.options.webhook.secret, scope: "all" });
    this.dispatcher.setEndpoints(endpoints);
    this.dispatcher.configure({ ...DEFAULT_WEBHOOK_SETTINGS, ...this.options.webhookSettings });
  }

  setPort(port: number): void {
    this.port = port;
  }

  baseUrl(): string {
    return this.options.publicBaseUrl ?? `http://127.0.0.1:${this.port}`;
  }

  private seedAccounts(): void {
    const p = this.options.platform ?? {};
    const platform: AccountRecord = {
      id: p.accountId ?? "acct_1RitournellePlatform",
      businessName: p.businessName ?? "Ritournelle",
      country: (p.country ?? "FR").toUpperCase(),
      defaultCurrency: (p.defaultCurrency ?? "eur").toLowerCase(),
      email: p.email ?? null,
      invoicePrefix: "RITOURN",
      nextInvoiceNumber: 1,
      connected: true,
      isPlatform: true,
      created: this.clock.seconds(),
    };
    this.store.addAccount(platform);
    this.store.platformId = platform.id;
    for (const a of this.options.accounts ?? []) this.createAccount(a);
  }

  createAccount(input: SeedAccount): AccountInfo {
    return accountInfo(createAccountRecord(this.world, input));
  }

  reset(seed?: number): void {
    if (seed !== undefined) this.seed = seed;
    this.rng.reseed(this.seed);
    this.requestIds.reseed(this.seed ^ 0x5bd1e995);
    this.store.clear();
    this.idempotency.clear();
    this.faults.clear();
    this.dispatcher.reset();
    this.applyWebhookOptions();
    this.searchLagMs = this.options.searchLagMs ?? 0;
    this.requestLog = [];
    this.clock.unfreeze();
    this.seedAccounts();
  }

  sweep(): void {
    sweepInvoices(this.world);
  }

  private record(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    const limit = this.options.requestLogLimit ?? 10_000;
    if (this.requestLog.length > limit) this.requestLog.splice(0, this.requestLog.length - limit);
  }

  // -------------------------------------------------------------------------
  // HTTP entry point

  async handle(req: IncomingMessage, res: ServerResponse, control: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    try {
      if (url.pathname.startsWith("/__control")) {
        const remote = req.socket.remoteAddress ?? "";
        if (!["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(remote)) {
          send(res, { status: 403, headers: {}, body: JSON.stringify({ error: "control API is local only" }) });
          return;
        }
        await control(req, res, url, body);
        return;
      }
      this.sweep();
      if (url.pathname.startsWith("/hosted/")) {
        this.handleHosted(req, res, url, body);
        return;
      }
      if (url.pathname === "/oauth/authorize" || url.pathname === "/express/oauth/authorize") {
        this.handleAuthorize(req, res, url, body);
        return;
      }
      if (url.pathname === "/oauth/token" || url.pathname === "/oauth/deauthorize") {
        this.handleOAuthApi(req, res, url, body);
        return;
      }
      await this.handleApi(req, res, url, body);
    } catch (e) {
      const requestId = `req_${this.requestIds.chars(14)}`;
      const err = e instanceof StripeApiError ? e : apiError(e instanceof Error ? e.message : String(e));
      if (!(e instanceof StripeApiError)) this.log(`stand-in internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(res, withStdHeaders(errorReply(err, requestId), requestId, this.apiVersion));
    }
  }

  // -------------------------------------------------------------------------
  // /v1

  private authenticate(req: IncomingMessage, formKey?: string): { key: string; account: string | null } | StripeApiError {
    const auth = headerValue(req, "authorization");
    let key: string | null = formKey ?? null;
    if (auth) {
      const [scheme, value = ""] = auth.split(" ");
      if (scheme?.toLowerCase() === "bearer") key = value.trim();
      else if (scheme?.toLowerCase() === "basic") key = Buffer.from(value, "base64").toString("utf8").split(":")[0] ?? "";
    }
    if (!key) {
      return new StripeApiError(401, {
        type: "invalid_request_error",
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    if (this.secretKeys.has(key)) return { key, account: null };
    const token = this.store.accessTokens.get(key);
    if (token && !token.revoked) return { key, account: token.account };
    return new StripeApiError(401, { type: "invalid_request_error", message: `Invalid API Key provided: ${redactKey(key)}` });
  }

  private resolveAccount(key: string, tokenAccount: string | null, header: string | null): AccountRecord | StripeApiError {
    const platform = this.store.platform();
    const denied = (id: string) =>
      new StripeApiError(403, {
        type: "invalid_request_error",
        code: "account_invalid",
        message: `The provided key '${redactKey(key)}' does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
      });
    if (tokenAccount) {
      if (header && header !== tokenAccount) return denied(header);
      const acct = this.store.accounts.get(tokenAccount);
      return acct?.connected ? acct : denied(tokenAccount);
    }
    if (!header) return platform;
    const acct = this.store.accounts.get(header);
    if (!acct) return denied(header);
    if (acct.isPlatform) return acct;
    return acct.connected ? acct : denied(header);
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    const started = performance.now();
    const requestId = `req_${this.requestIds.chars(14)}`;
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;
    const idemKey = method === "POST" ? headerValue(req, "idempotency-key") : null;
    const stripeVersion = headerValue(req, "stripe-version");
    const accountHeader = headerValue(req, "stripe-account");
    const entry: RequestLogEntry = {
      requestId,
      time: this.clock.now(),
      method,
      path,
      account: null,
      stripeAccountHeader: accountHeader,
      idempotencyKey: idemKey,
      stripeVersion,
      status: null,
      replayed: false,
      fault: null,
      durationMs: 0,
    };
    const finish = (reply: Reply | null) => {
      entry.durationMs = Math.round(performance.now() - started);
      entry.status = reply?.status ?? null;
      this.record(entry);
      if (reply === null) {
        req.socket.destroy();
        return;
      }
      const headers = { ...reply.headers };
      if (idemKey) headers["idempotency-key"] = idemKey;
      if (accountHeader) headers["stripe-account"] = accountHeader;
      send(res, withStdHeaders({ ...reply, headers }, requestId, stripeVersion ?? this.apiVersion));
    };
    const fail = (e: StripeApiError) => finish(errorReply(e, requestId));

    const auth = this.authenticate(req);
    if (auth instanceof StripeApiError) return fail(auth);
    if (stripeVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
      return fail(new StripeApiError(400, { type: "invalid_request_error", message: `Invalid Stripe API version: ${stripeVersion}`, code: "api_version_invalid" }));
    }
    const account = this.resolveAccount(auth.key, auth.account, accountHeader);
    if (account instanceof StripeApiError) return fail(account);
    entry.account = account.id;
    if (idemKey !== null && idemKey.length > 255) {
      return fail(new StripeApiError(400, { type: "invalid_request_error", message: "Idempotency-Key must be at most 255 characters long.", param: "Idempotency-Key" }));
    }

    let raw: RawParams;
    try {
      raw = decodeForm(method === "POST" ? body : url.search.slice(1));
    } catch (e) {
      return fail(e as StripeApiError);
    }
    const route = findRoute(method, path);
    if (!route) return fail(unrecognizedUrl(method, path));
    for (const p of readExpand(raw)) {
      const bad = p.split(".").find((seg) => !EXPANDABLE_SEGMENTS.has(seg));
      if (bad !== undefined) {
        return fail(new StripeApiError(400, { type: "invalid_request_error", message: `This property cannot be expanded (${p}).`, param: "expand" }, { beforeExecution: true }));
      }
    }

    const fault = this.faults.decide(account.id, method, path);
    const wait = () => (fault.latencyMs > 0 ? new Promise((r) => setTimeout(r, fault.latencyMs)) : Promise.resolve());
    if (fault.rateLimited) {
      entry.fault = "rate_limited";
      return fail(
        new StripeApiError(429, {
          type: "invalid_request_error",
          code: "rate_limit",
          message:
            "Testmode request rate limit exceeded, the rate limits in testmode are lower than livemode. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
        }),
      );
    }
    if (fault.error500 === "before_execution") {
      entry.fault = "error500_before_execution";
      await wait();
      return fail(apiError("An unknown error occurred", { "stripe-should-retry": "true" }));
    }

    const fingerprint = canonical(raw);
    if (idemKey) {
      const begun = this.idempotency.begin(account.id, idemKey, method, path, fingerprint);
      if (begun.kind === "in_flight") {
        return fail(
          new StripeApiError(409, {
            type: "idempotency_error",
            code: "idempotency_key_in_use",
            message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${idemKey}. Please try again later.`,
          }),
        );
      }
      if (begun.kind === "endpoint_mismatch") {
        return fail(
          new StripeApiError(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${begun.firstEndpoint}' vs '${method} ${path}'). Try using a key other than '${idemKey}' if you meant to execute a different request.`,
          }),
        );
      }
      if (begun.kind === "params_mismatch") {
        return fail(
          new StripeApiError(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
          }),
        );
      }
      if (begun.kind === "replay") {
        entry.replayed = true;
        await wait();
        const r = begun.response;
        if (fault.drop) {
          entry.fault = "dropped";
          return finish(null);
        }
        return finish({
          status: r.status,
          headers: { ...r.headers, "idempotent-replayed": "true", "original-request": r.requestId },
          body: r.body,
        });
      }
    }

    await wait();
    const ctx: ApiContext = {
      world: this.world,
      account,
      request: { id: requestId, idempotencyKey: idemKey } satisfies RequestRef,
      raw,
      pathParams: route.pathParams,
      application: account.isPlatform || auth.account ? null : this.oauth.clientId,
      searchLagMs: this.searchLagMs,
    };
    let reply: Reply;
    let save = true;
    try {
      const result = route.handler(ctx);
      const expanded = applyExpand(ctx, result.body, readExpand(raw));
      reply = { status: result.status ?? 200, headers: {}, body: JSON.stringify(expanded, null, 2) };
    } catch (e) {
      if (!(e instanceof StripeApiError)) throw e;
      reply = errorReply(e, requestId);
      save = !e.beforeExecution;
    }
    if (fault.error500 === "after_commit") {
      entry.fault = "error500_after_commit";
      reply = errorReply(apiError("An unknown error occurred", { "stripe-should-retry": "false" }), requestId);
    }
    if (idemKey) {
      if (save) this.idempotency.complete(account.id, idemKey, { status: reply.status, headers: reply.headers, body: reply.body, requestId });
      else this.idempotency.abandon(account.id, idemKey);
    }
    if (fault.drop) {
      entry.fault = "dropped";
      return finish(null);
    }
    return finish(reply);
  }

  // -------------------------------------------------------------------------
  // OAuth

  private handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    if (req.method === "POST") {
      const result = decide(this.world, this.oauth, flatForm(decodeForm(body)));
      if ("location" in result) {
        res.writeHead(302, { location: result.location });
        res.end();
      } else {
        sendHtml(res, result.status, result.html);
      }
      return;
    }
    const q = decodeForm(url.search.slice(1));
    const flat = flatForm(q);
    const stripeUser = q.stripe_user;
    const page = renderAuthorizePage(this.world, this.oauth, {
      ...flat,
      ...(stripeUser && typeof stripeUser === "object" && !Array.isArray(stripeUser) ? { stripe_user: flatForm(stripeUser) } : {}),
    });
    sendHtml(res, page.status, page.html);
  }

  private handleOAuthApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const started = performance.now();
    const requestId = `req_${this.requestIds.chars(14)}`;
    const params = flatForm(decodeForm(body));
    const entry: RequestLogEntry = {
      requestId,
      time: this.clock.now(),
      method: req.method ?? "POST",
      path: url.pathname,
      account: null,
      stripeAccountHeader: headerValue(req, "stripe-account"),
      idempotencyKey: headerValue(req, "idempotency-key"),
      stripeVersion: headerValue(req, "stripe-version"),
      status: null,
      replayed: false,
      fault: null,
      durationMs: 0,
    };
    const done = (status: number, payload: object) => {
      entry.status = status;
      entry.durationMs = Math.round(performance.now() - started);
      this.record(entry);
      send(res, withStdHeaders({ status, headers: {}, body: JSON.stringify(payload, null, 2) }, requestId, this.apiVersion));
    };
    if (req.method !== "POST") return done(404, { error: "invalid_request", error_description: `Unrecognized request URL (${req.method}: ${url.pathname}).` });
    const auth = this.authenticate(req, params.client_secret);
    if (auth instanceof StripeApiError || auth.account !== null) {
      return done(401, { error: "invalid_client", error_description: "Invalid API key or client_secret: use the platform's secret key." });
    }
    const ref: RequestRef = { id: requestId, idempotencyKey: entry.idempotencyKey };
    const result = url.pathname === "/oauth/token" ? exchangeToken(this.world, this.oauth, params, ref) : deauthorize(this.world, this.oauth, params, ref);
    const userId = (result.body as { stripe_user_id?: string }).stripe_user_id;
    entry.account = userId ?? params.stripe_user_id ?? null;
    done(result.status, result.body);
  }

  // -------------------------------------------------------------------------
  // Hosted invoice page

  private handleHosted(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const m = /^\/hosted\/([^/]+)(\/pdf|\/pay)?$/.exec(url.pathname);
    const invoiceId = m?.[1] ?? "";
    const accountId = this.store.invoiceIndex.get(invoiceId);
    const account = accountId ? this.store.accounts.get(accountId) : undefined;
    const inv = account ? this.store.of(account.id).invoices.get(invoiceId) : undefined;
    if (!m || !account || !inv || inv.status === "draft") {
      sendHtml(res, 404, "<!doctype html><html><body><h1>Invoice not found</h1></body></html>");
      return;
    }
    const data = this.store.of(account.id);
    if (m[2] === "/pay") {
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST" });
        res.end();
        return;
      }
      const outcome = flatForm(decodeForm(body)).outcome ?? "succeeded";
      let notice: string;
      try {
        this.customerPay(account, inv.id, outcome === "failed" ? "failed" : "succeeded");
        notice = outcome === "failed" ? "Your card was declined." : "Payment successful. Thank you!";
      } catch (e) {
        notice = e instanceof Error ? e.message : String(e);
      }
      res.writeHead(303, { location: `/hosted/${inv.id}?notice=${encodeURIComponent(notice)}` });
      res.end();
      return;
    }
    const wire = renderInvoice(this.world, account, inv);
    if (m[2] === "/pdf") {
      const pdf = renderInvoicePdf(account, data, wire);
      res.writeHead(200, {
        "content-type": "application/pdf",
        "content-length": String(pdf.length),
        "content-disposition": `inline; filename="Invoice-${wire.number ?? wire.id}.pdf"`,
      });
      res.end(pdf);
      return;
    }
    sendHtml(res, 200, renderHostedPage(account, data, wire, url.searchParams.get("notice")));
  }

  /** The customer pays (or fails to pay) on the hosted invoice page. */
  customerPay(account: AccountRecord, invoiceId: string, outcome: "succeeded" | "failed"): void {
    const inv = this.store.of(account.id).invoices.get(invoiceId);
    if (!inv) throw new Error(`No such invoice: '${invoiceId}'`);
    const op = { world: this.world, account, request: { id: null, idempotencyKey: null } };
    if (outcome === "failed") failPayment(op, inv);
    else payInvoice(op, inv, { outOfBand: false });
  }
}

export function accountInfo(a: AccountRecord): AccountInfo {
  return {
    id: a.id,
    businessName: a.businessName,
    country: a.country,
    defaultCurrency: a.defaultCurrency,
    email: a.email,
    invoicePrefix: a.invoicePrefix,
    connected: a.connected,
    isPlatform: a.isPlatform,
  };
}

function withStdHeaders(reply: Reply, requestId: string, version: string): Reply {
  return {
    ...reply,
    headers: {
      "content-type": JSON_TYPE,
      "request-id": requestId,
      "stripe-version": version,
      "cache-control": "no-cache, no-store",
      ...reply.headers,
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, "utf8");
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
  res.end(body);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, "utf8");
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": String(body.length) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  send(res, { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify(payload, null, 2) });
}
