// The stand-in itself: its options, its state (store, clock, randomness,
// faults, idempotency keys, webhook dispatcher, request log) and the HTTP entry
// point, which sends each request to its surface (see router.ts for the map):
// the control API, the hosted invoice page, Connect OAuth, or the API pipeline.

import type { IncomingMessage, ServerResponse } from "node:http";
import Stripe from "stripe";
import { StandInClock, type ClockSource } from "./clock.js";
import { StripeApiError, apiError } from "./errors.js";
import { Faults } from "./faults.js";
import { handleHosted } from "./hosted.js";
import { errorReply, readBody, send, withStdHeaders } from "./http.js";
import { IdempotencyStore } from "./idempotency.js";
import { failPayment, payInvoice, sweepInvoices } from "./invoice-lifecycle.js";
import { createAccountRecord, handleAuthorize, handleOAuthApi, type OAuthConfig } from "./oauth.js";
import { handleApi } from "./pipeline.js";
import { Rng } from "./rng.js";
import { Store } from "./store.js";
import type { AccountRecord } from "./types.js";
import { DEFAULT_WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookEndpointConfig, type WebhookSettings } from "./webhooks.js";
import { buildEvent, type World } from "./world.js";

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
  /**
   * Stand-in clock, epoch ms, when the request arrived (before its body was
   * read): the instant Stripe counts it against the account's rate limit.
   */
  time: number;
  method: string;
  path: string;
  /** The URL's query string as sent ("" when none): what a GET listed or searched for. */
  query: string;
  /** Account the request acted on (null when it failed before that was known). */
  account: string | null;
  /** Value of the Stripe-Account header, if any. */
  stripeAccountHeader: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** HTTP status sent; null when the connection was dropped. */
  status: number | null;
  replayed: boolean;
  /** The injected fault that shaped the answer (see faults.ts), if any. */
  fault: "rate_limited" | "error500_before_execution" | "error500_after_commit" | "dropped" | "key_in_use" | "key_in_use_after_commit" | null;
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
  /** Platform keys rolled in the dashboard (control.revokeSecretKey): they answer 401 api_key_expired. */
  readonly revokedKeys = new Set<string>();
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
    this.revokedKeys.clear();
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

  /** A fresh `Request-Id` (its own random stream, so ids don't shift other ids). */
  nextRequestId(): string {
    return `req_${this.requestIds.chars(14)}`;
  }

  record(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    const limit = this.options.requestLogLimit ?? 10_000;
    if (this.requestLog.length > limit) this.requestLog.splice(0, this.requestLog.length - limit);
  }

  // -------------------------------------------------------------------------
  // HTTP entry point: one surface per path prefix (the map is in router.ts)

  async handle(req: IncomingMessage, res: ServerResponse, control: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>): Promise<void> {
    const arrivedAt = this.clock.now();
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
        handleHosted(this, req, res, url, body);
        return;
      }
      if (url.pathname === "/oauth/authorize" || url.pathname === "/express/oauth/authorize") {
        handleAuthorize(this, req, res, url, body);
        return;
      }
      if (url.pathname === "/oauth/token" || url.pathname === "/oauth/deauthorize") {
        handleOAuthApi(this, req, res, url, body);
        return;
      }
      await handleApi(this, req, res, url, body, arrivedAt);
    } catch (e) {
      const requestId = this.nextRequestId();
      const err = e instanceof StripeApiError ? e : apiError(e instanceof Error ? e.message : String(e));
      if (!(e instanceof StripeApiError)) this.log(`stand-in internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(res, withStdHeaders(errorReply(err, requestId), requestId, this.apiVersion));
    }
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

