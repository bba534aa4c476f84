// The test/demo control surface: an in-process object (`standIn.control`) and
// the same operations as JSON over HTTP under /__control (local only, no auth).

import type { IncomingMessage, ServerResponse } from "node:http";
import { accountInfo, type AccountInfo, type RequestLogEntry, type SeedAccount, type StandInCore } from "./core.js";
import type { FaultConfig } from "./faults.js";
import type { IdempotencyEntryInfo } from "./idempotency.js";
import { sendJson } from "./http.js";
import { renderInvoice, renderLines } from "./invoice-render.js";
import { createAccountRecord, disconnect, issueCode, reconnect } from "./oauth.js";
import { newestFirst } from "./store.js";
import { NO_REQUEST } from "./world.js";
import type { SentEmail, WireEvent, WireInvoice, WireLineItem } from "./types.js";
import type { DeliveryInfo, WebhookEndpointConfig, WebhookSettings } from "./webhooks.js";

export interface RequestFilter {
  account?: string;
  method?: string;
  /** Prefix of the path, e.g. "/v1/invoices". */
  path?: string;
  idempotencyKey?: string;
}

/** An invoice as the ledger shows it: its wire form, its account, and how many invoice e-mails went out. */
export type LedgerEntry = WireInvoice & { account: string; emailsSent: number };

export interface StandInControl {
  /**
   * Back to the start state: drop all objects, events, keys, logs, deliveries and faults,
   * restore webhook endpoints/settings and search lag from the options, unfreeze the clock,
   * and re-create the platform and seed accounts.
   */
  reset(options?: { seed?: number }): void;
  createAccount(input: SeedAccount): AccountInfo;
  accounts(): AccountInfo[];
  /**
   * The merchant disconnects the app from their Stripe dashboard: every request
   * on the account answers 403 `account_invalid` (StripePermissionError), its
   * OAuth tokens are revoked, and `account.application.deauthorized` is emitted
   * unless `notify` is false (a webhook the app never received).
   */
  disconnectAccount(accountId: string, options?: { notify?: boolean }): void;
  /** The merchant connects again: the account answers again (`account.application.authorized` unless `notify` is false). */
  reconnectAccount(accountId: string, options?: { notify?: boolean }): void;
  /**
   * The platform's secret key is rolled in the dashboard: requests with it
   * answer 401 `api_key_expired` (StripeAuthenticationError). Default: the
   * first configured platform key.
   */
  revokeSecretKey(key?: string): void;
  /** The key works again (default: the first configured platform key). */
  restoreSecretKey(key?: string): void;

  /** Stand-in clock, epoch ms. */
  now(): number;
  /** Freeze the clock at `ms` and run time-driven transitions (overdue, scheduled finalization). */
  setClock(ms: number): void;
  advanceClock(ms: number): void;
  /** Follow the base clock again. */
  useRealClock(): void;
  /** Run time-driven transitions now (also runs on every request and clock change). */
  sweep(): void;

  requests(filter?: RequestFilter): RequestLogEntry[];
  clearRequests(): void;
  /** Every invoice (drafts included), oldest first, in wire form, with the number of invoice e-mails sent; one account or all. */
  ledger(accountId?: string): LedgerEntry[];
  /** Invoice e-mails live mode would have sent (test mode sends none), oldest first. */
  emails(filter?: { account?: string; invoice?: string }): SentEmail[];
  /** All the lines of an invoice, in invoice order (no paging: what the invoice really holds). */
  lines(invoiceId: string): WireLineItem[];
  /** Events of one account (or all), oldest first. */
  events(accountId?: string): WireEvent[];
  idempotencyKeys(): IdempotencyEntryInfo[];

  /** Merge faults for an account id, or "*" for every account. */
  setFaults(account: string, faults: FaultConfig): void;
  clearFaults(account?: string): void;
  faults(): Record<string, unknown>;

  setWebhookEndpoints(endpoints: WebhookEndpointConfig[]): void;
  webhookEndpoints(): WebhookEndpointConfig[];
  configureWebhooks(settings: Partial<WebhookSettings>): void;
  webhookSettings(): WebhookSettings;
  deliveries(filter?: { eventType?: string; status?: DeliveryInfo["status"]; eventId?: string }): DeliveryInfo[];
  /** Resolves when no delivery is queued or in flight (paused queues count as idle). */
  waitForWebhooks(timeoutMs?: number): Promise<void>;

  /** Skip the consent page: issue an authorization code as if the merchant clicked "Connect". */
  authorize(input?: { accountId?: string; businessName?: string; country?: string; defaultCurrency?: string; scope?: "read_write" | "read_only"; state?: string; redirectUri?: string }): {
    code: string;
    accountId: string;
    redirectUrl: string | null;
  };
  /** The customer pays (or is declined) on the hosted invoice page. */
  customerPay(invoiceId: string, outcome?: "succeeded" | "failed"): WireInvoice;
  /** Objects written less than this long ago (wall ms) are invisible to search. */
  setSearchLag(ms: number): void;
}

export function createControl(core: StandInCore): StandInControl {
  const accountOf = (invoiceId: string) => {
    const id = core.store.invoiceIndex.get(invoiceId);
    const account = id ? core.store.accounts.get(id) : undefined;
    if (!account) throw new Error(`No such invoice: '${invoiceId}'`);
    return account;
  };
  const connectedAccount = (accountId: string) => {
    const account = core.store.accounts.get(accountId);
    if (!account || account.isPlatform) throw new Error(`No such connected account: '${accountId}'`);
    return account;
  };
  const platformKey = (key?: string) => {
    const k = key ?? [...core.secretKeys][0];
    if (k === undefined || !core.secretKeys.has(k)) throw new Error(`Not a platform secret key of this stand-in: '${key ?? ""}'`);
    return k;
  };
  const emailsOf = (invoiceId: string) => core.store.emails.filter((e) => e.invoice === invoiceId).length;
  const control: StandInControl = {
    reset: (options) => core.reset(options?.seed),
    createAccount: (input) => core.createAccount(input),
    accounts: () => [...core.store.accounts.values()].map(accountInfo),
    disconnectAccount(accountId, options = {}) {
      disconnect(core.world, connectedAccount(accountId), NO_REQUEST, options.notify ?? true);
    },
    reconnectAccount(accountId, options = {}) {
      reconnect(core.world, connectedAccount(accountId), NO_REQUEST, options.notify ?? true);
    },
    revokeSecretKey(key) {
      core.revokedKeys.add(platformKey(key));
    },
    restoreSecretKey(key) {
      core.revokedKeys.delete(platformKey(key));
    },

    now: () => core.clock.now(),
    setClock(ms) {
      core.clock.set(ms);
      core.sweep();
    },
    advanceClock(ms) {
      core.clock.advance(ms);
      core.sweep();
    },
    useRealClock() {
      core.clock.unfreeze();
      core.sweep();
    },
    sweep: () => core.sweep(),

    requests(filter = {}) {
      return core.requestLog
        .filter(
          (r) =>
            (filter.account === undefined || r.account === filter.account) &&
            (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
            (filter.path === undefined || r.path.startsWith(filter.path)) &&
            (filter.idempotencyKey === undefined || r.idempotencyKey === filter.idempotencyKey),
        )
        .map((r) => ({ ...r }));
    },
    clearRequests() {
      core.requestLog = [];
    },
    ledger(accountId) {
      const accounts = [...core.store.accounts.values()].filter((a) => accountId === undefined || a.id === accountId);
      return accounts.flatMap((a) =>
        [...core.store.of(a.id).invoices.values()]
          .sort((x, y) => x.seq - y.seq)
          .map((inv) => ({ ...renderInvoice(core.world, a, inv), account: a.id, emailsSent: emailsOf(inv.id) })),
      );
    },
    emails(filter = {}) {
      return core.store.emails
        .filter((e) => (filter.account === undefined || e.account === filter.account) && (filter.invoice === undefined || e.invoice === filter.invoice))
        .map((e) => ({ ...e }));
    },
    lines(invoiceId) {
      const account = accountOf(invoiceId);
      const inv = core.store.of(account.id).invoices.get(invoiceId);
      if (!inv) throw new Error(`No such invoice: '${invoiceId}'`);
      return renderLines(core.store.of(account.id), inv);
    },
    events(accountId) {
      const accounts = [...core.store.accounts.values()].filter((a) => accountId === undefined || a.id === accountId);
      return newestFirst(
        accounts.flatMap((a) => [...core.store.of(a.id).events.values()]),
        (e) => e.obj.created,
      )
        .reverse()
        .map((e) => structuredClone(e.obj));
    },
    idempotencyKeys: () => core.idempotency.list(),

    setFaults: (account, faults) => core.faults.set(account, faults),
    clearFaults: (account) => core.faults.clear(account),
    faults: () => core.faults.describe(),

    setWebhookEndpoints: (endpoints) => core.dispatcher.setEndpoints(endpoints),
    webhookEndpoints: () => core.dispatcher.listEndpoints(),
    configureWebhooks: (settings) => core.dispatcher.configure(settings),
    webhookSettings: () => ({ ...core.dispatcher.settings }),
    deliveries(filter = {}) {
      return core.dispatcher
        .list()
        .filter(
          (d) =>
            (filter.eventType === undefined || d.eventType === filter.eventType) &&
            (filter.status === undefined || d.status === filter.status) &&
            (filter.eventId === undefined || d.eventId === filter.eventId),
        );
    },
    waitForWebhooks: (timeoutMs) => core.dispatcher.waitForIdle(timeoutMs),

    authorize(input = {}) {
      let accountId = input.accountId;
      if (!accountId) {
        accountId = createAccountRecord(core.world, {
          businessName: input.businessName ?? "New merchant",
          ...(input.country ? { country: input.country } : {}),
          ...(input.defaultCurrency ? { defaultCurrency: input.defaultCurrency } : {}),
          connected: false,
        }).id;
      } else if (!core.store.accounts.has(accountId)) {
        throw new Error(`No such account: '${accountId}'`);
      }
      const scope = input.scope ?? "read_write";
      const code = issueCode(core.world, accountId, scope);
      let redirectUrl: string | null = null;
      const uri = input.redirectUri ?? core.oauth.redirectUris[0];
      if (uri) {
        const url = new URL(uri);
        url.searchParams.set("scope", scope);
        url.searchParams.set("code", code);
        if (input.state !== undefined) url.searchParams.set("state", input.state);
        redirectUrl = url.toString();
      }
      return { code, accountId, redirectUrl };
    },
    customerPay(invoiceId, outcome = "succeeded") {
      const account = accountOf(invoiceId);
      core.customerPay(account, invoiceId, outcome);
      const inv = core.store.of(account.id).invoices.get(invoiceId);
      if (!inv) throw new Error(`No such invoice: '${invoiceId}'`);
      return renderInvoice(core.world, account, inv);
    },
    setSearchLag(ms) {
      core.searchLagMs = ms;
    },
  };
  return control;
}

// ---------------------------------------------------------------------------
// HTTP

function parseJson(body: string): Record<string, unknown> {
  if (!body.trim()) return {};
  const v: unknown = JSON.parse(body);
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("expected a JSON object");
  return v as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : undefined;
}

/**
 * Routes (JSON in, JSON out):
 *   POST   /__control/reset                      {seed?}
 *   GET    /__control/accounts                   POST {businessName, id?, country?, defaultCurrency?, email?, connected?}
 *   POST   /__control/accounts/:id/disconnect        {notify?: false}
 *   POST   /__control/accounts/:id/reconnect         {notify?: false}
 *   POST   /__control/keys/revoke                    {key?}      POST /__control/keys/restore {key?}
 *   GET    /__control/clock                      POST {set?: ms, advanceMs?: ms, real?: true}
 *   GET    /__control/requests?account=&method=&path=&idempotencyKey=    DELETE to clear
 *   GET    /__control/ledger?account=
 *   GET    /__control/invoices/:id/lines
 *   GET    /__control/emails?account=&invoice=
 *   GET    /__control/events?account=
 *   GET    /__control/idempotency
 *   GET    /__control/faults                     POST {account: "*"|acct_…, ...FaultConfig}   DELETE ?account=
 *   GET    /__control/webhooks                   POST {endpoints?, ...WebhookSettings}
 *   GET    /__control/deliveries?eventType=&status=
 *   POST   /__control/webhooks/wait              {timeoutMs?}
 *   POST   /__control/oauth/authorize            {accountId?, businessName?, scope?, state?, redirectUri?}
 *   POST   /__control/invoices/:id/customer-pay  {outcome?: "succeeded"|"failed"}
 *   POST   /__control/search-lag                 {ms}
 *   POST   /__control/sweep
 */
export async function handleControlHttp(control: StandInControl, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/^\/__control/, "") || "/";
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  try {
    const input = method === "POST" ? parseJson(body) : {};
    let m: RegExpExecArray | null;
    if (method === "POST" && path === "/reset") {
      const seed = num(input.seed);
      control.reset(seed === undefined ? undefined : { seed });
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/accounts" && method === "GET") return sendJson(res, 200, control.accounts());
    if (path === "/accounts" && method === "POST") {
      const businessName = str(input.businessName);
      if (!businessName) return sendJson(res, 400, { error: "businessName is required" });
      const seed: SeedAccount = { businessName };
      const id = str(input.id);
      if (id) seed.id = id;
      const country = str(input.country);
      if (country) seed.country = country;
      const currency = str(input.defaultCurrency);
      if (currency) seed.defaultCurrency = currency;
      const email = str(input.email);
      if (email) seed.email = email;
      const prefix = str(input.invoicePrefix);
      if (prefix) seed.invoicePrefix = prefix;
      if (typeof input.connected === "boolean") seed.connected = input.connected;
      return sendJson(res, 200, control.createAccount(seed));
    }
    if (method === "POST" && (m = /^\/accounts\/([^/]+)\/(disconnect|reconnect)$/.exec(path))) {
      const options = input.notify === false ? { notify: false } : {};
      if (m[2] === "disconnect") control.disconnectAccount(decodeURIComponent(m[1] ?? ""), options);
      else control.reconnectAccount(decodeURIComponent(m[1] ?? ""), options);
      return sendJson(res, 200, { ok: true });
    }
    if (method === "POST" && (m = /^\/keys\/(revoke|restore)$/.exec(path))) {
      const key = str(input.key);
      if (m[1] === "revoke") control.revokeSecretKey(key);
      else control.restoreSecretKey(key);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/clock") {
      if (method === "POST") {
        const set = num(input.set);
        const advance = num(input.advanceMs);
        if (set !== undefined) control.setClock(set);
        if (advance !== undefined) control.advanceClock(advance);
        if (input.real === true) control.useRealClock();
      }
      return sendJson(res, 200, { now: control.now(), iso: new Date(control.now()).toISOString() });
    }
    if (path === "/requests") {
      if (method === "DELETE") {
        control.clearRequests();
        return sendJson(res, 200, { ok: true });
      }
      const filter: RequestFilter = {};
      const account = q("account");
      if (account) filter.account = account;
      const reqMethod = q("method");
      if (reqMethod) filter.method = reqMethod;
      const p = q("path");
      if (p) filter.path = p;
      const key = q("idempotencyKey");
      if (key) filter.idempotencyKey = key;
      return sendJson(res, 200, control.requests(filter));
    }
    if (path === "/ledger") return sendJson(res, 200, control.ledger(q("account")));
    if (method === "GET" && (m = /^\/invoices\/([^/]+)\/lines$/.exec(path))) return sendJson(res, 200, control.lines(decodeURIComponent(m[1] ?? "")));
    if (path === "/events") return sendJson(res, 200, control.events(q("account")));
    if (path === "/emails") {
      const filter: { account?: string; invoice?: string } = {};
      const account = q("account");
      if (account) filter.account = account;
      const invoice = q("invoice");
      if (invoice) filter.invoice = invoice;
      return sendJson(res, 200, control.emails(filter));
    }
    if (path === "/idempotency") return sendJson(res, 200, control.idempotencyKeys());
    if (path === "/faults") {
      if (method === "POST") {
        const { account, ...faults } = input;
        control.setFaults(str(account) ?? "*", faults as FaultConfig);
      } else if (method === "DELETE") {
        control.clearFaults(q("account"));
      }
      return sendJson(res, 200, control.faults());
    }
    if (path === "/webhooks") {
      if (method === "POST") {
        const { endpoints, ...settings } = input;
        if (Array.isArray(endpoints)) control.setWebhookEndpoints(endpoints as WebhookEndpointConfig[]);
        control.configureWebhooks(settings as Partial<WebhookSettings>);
      }
      return sendJson(res, 200, { endpoints: control.webhookEndpoints(), settings: control.webhookSettings() });
    }
    if (path === "/deliveries") {
      const filter: { eventType?: string; status?: DeliveryInfo["status"] } = {};
      const t = q("eventType");
      if (t) filter.eventType = t;
      const s = q("status");
      if (s) filter.status = s as DeliveryInfo["status"];
      return sendJson(res, 200, control.deliveries(filter));
    }
    if (path === "/webhooks/wait" && method === "POST") {
      await control.waitForWebhooks(num(input.timeoutMs));
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/oauth/authorize" && method === "POST") {
      const args: Parameters<StandInControl["authorize"]>[0] = {};
      for (const k of ["accountId", "businessName", "country", "defaultCurrency", "state", "redirectUri"] as const) {
        const v = str(input[k]);
        if (v !== undefined) args[k] = v;
      }
      if (input.scope === "read_only" || input.scope === "read_write") args.scope = input.scope;
      return sendJson(res, 200, control.authorize(args));
    }
    if (method === "POST" && (m = /^\/invoices\/([^/]+)\/customer-pay$/.exec(path))) {
      const outcome = input.outcome === "failed" ? "failed" : "succeeded";
      return sendJson(res, 200, control.customerPay(decodeURIComponent(m[1] ?? ""), outcome));
    }
    if (path === "/search-lag" && method === "POST") {
      control.setSearchLag(num(input.ms) ?? 0);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/sweep" && method === "POST") {
      control.sweep();
      return sendJson(res, 200, { ok: true });
    }
    return sendJson(res, 404, { error: `unknown control route ${method} ${url.pathname}` });
  } catch (e) {
    return sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}
