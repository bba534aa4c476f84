// Stripe Connect OAuth (Standard accounts), as served by connect.stripe.com:
//   GET  /oauth/authorize   – consent page; "Connect" redirects to redirect_uri?scope=…&code=ac_…&state=…,
//                             "Deny" to redirect_uri?error=access_denied&error_description=…&state=…
//   POST /oauth/token       – grant_type=authorization_code&code=ac_… → { stripe_user_id, … }
//                             (codes are single-use and expire); refresh_token grants too
//   POST /oauth/deauthorize – client_id + stripe_user_id → { stripe_user_id }, and an
//                             `account.application.deauthorized` event on that account
// Errors use the OAuth shape `{ error, error_description }`.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestLogEntry, StandInCore } from "./core.js";
import { StripeApiError } from "./errors.js";
import { escapeHtml } from "./hosted.js";
import { flatForm, headerValue, send, sendHtml, withStdHeaders } from "./http.js";
import { decodeForm } from "./params.js";
import { authenticate } from "./pipeline.js";
import type { AccountRecord, WireApplication } from "./types.js";
import type { RequestRef, World } from "./world.js";

export interface OAuthConfig {
  clientId: string;
  /** Allowed redirect URIs; empty = any http(s) URL is accepted. */
  redirectUris: string[];
  codeTtlSeconds: number;
}

export interface OAuthResponse {
  status: number;
  body: object;
}

function oauthError(status: number, error: string, description: string): OAuthResponse {
  return { status, body: { error, error_description: description } };
}

export function application(world: World): WireApplication {
  return { id: world.oauthClientId, object: "application", name: world.platformName };
}

export function createAccountRecord(
  world: World,
  input: { id?: string; businessName: string; country?: string; defaultCurrency?: string; email?: string | null; invoicePrefix?: string; connected?: boolean },
): AccountRecord {
  const id = input.id ?? world.rng.id("acct");
  const existing = world.store.accounts.get(id);
  if (existing) return existing;
  const account: AccountRecord = {
    id,
    businessName: input.businessName,
    country: (input.country ?? "FR").toUpperCase(),
    defaultCurrency: (input.defaultCurrency ?? "eur").toLowerCase(),
    email: input.email ?? null,
    invoicePrefix: (input.invoicePrefix ?? world.rng.chars(8).toUpperCase().replace(/[^A-Z0-9]/g, "X")).slice(0, 12),
    nextInvoiceNumber: 1,
    connected: input.connected ?? true,
    isPlatform: false,
    created: world.clock.seconds(),
  };
  world.store.addAccount(account);
  return account;
}

// ---------------------------------------------------------------------------
// Authorize (browser)

interface AuthorizeQuery {
  client_id?: string;
  response_type?: string;
  scope?: string;
  state?: string;
  redirect_uri?: string;
  stripe_user?: Record<string, string>;
}

function checkRedirect(cfg: OAuthConfig, redirectUri: string | undefined): string | { error: string } {
  const uri = redirectUri ?? cfg.redirectUris[0];
  if (!uri) return { error: "No redirect_uri was provided and none is configured for this application." };
  if (!/^https?:\/\//.test(uri)) return { error: `Invalid redirect_uri: ${uri}` };
  if (cfg.redirectUris.length > 0 && !cfg.redirectUris.includes(uri)) {
    return { error: `Invalid redirect URI '${uri}'. Ensure this uri exactly matches one of the URIs specified in your application settings.` };
  }
  return uri;
}

function errorPage(message: string): { status: number; html: string } {
  return {
    status: 400,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>Stripe Connect – error</title></head><body><h1>Something went wrong</h1><p data-testid="oauth-error">${escapeHtml(message)}</p></body></html>`,
  };
}

export function renderAuthorizePage(world: World, cfg: OAuthConfig, q: AuthorizeQuery): { status: number; html: string } {
  if (q.client_id !== cfg.clientId) return errorPage(`No such application: '${q.client_id ?? ""}'`);
  if ((q.response_type ?? "code") !== "code") return errorPage(`Invalid response_type: ${q.response_type ?? ""}`);
  const scope = q.scope ?? "read_only";
  if (scope !== "read_write" && scope !== "read_only") return errorPage(`Invalid scope: ${scope}`);
  const redirect = checkRedirect(cfg, q.redirect_uri);
  if (typeof redirect !== "string") return errorPage(redirect.error);
  const accounts = [...world.store.accounts.values()].filter((a) => !a.isPlatform);
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? "" : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const suggested = q.stripe_user?.business_name ?? "";
  const options = accounts
    .map(
      (a, i) =>
        `<label><input type="radio" name="account" value="${escapeHtml(a.id)}"${i === 0 && !suggested ? " checked" : ""}> ${escapeHtml(a.businessName)} <small>(${escapeHtml(a.id)}, ${escapeHtml(a.country)}, ${escapeHtml(a.defaultCurrency.toUpperCase())})</small></label><br>`,
    )
    .join("\n");
  return {
    status: 200,
    html: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect with Stripe – ${escapeHtml(world.platformName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:560px;margin:2rem auto}button{padding:.6rem 1.2rem;margin-right:.5rem}</style></head>
<body><h1>${escapeHtml(world.platformName)} would like to connect to your Stripe account</h1>
<p>Access requested: <strong>${escapeHtml(scope)}</strong></p>
<form method="post" action="/oauth/authorize">
${hidden("client_id", q.client_id)}${hidden("scope", scope)}${hidden("state", q.state)}${hidden("redirect_uri", redirect)}${hidden("response_type", "code")}
<fieldset><legend>Choose the account to connect</legend>
${options}
<label><input type="radio" name="account" value="new"${accounts.length === 0 || suggested ? " checked" : ""}> Create a new account:</label>
<input name="business_name" placeholder="Business name" value="${escapeHtml(suggested)}" data-testid="business-name">
<input name="country" placeholder="Country" value="${escapeHtml(q.stripe_user?.country ?? "FR")}" size="3">
<input name="currency" placeholder="Currency" value="${escapeHtml(q.stripe_user?.currency ?? "eur")}" size="4">
</fieldset>
<p><button type="submit" name="decision" value="allow" data-testid="connect">Connect</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Deny</button></p>
</form></body></html>`,
  };
}

export function issueCode(world: World, accountId: string, scope: string): string {
  const code = `ac_${world.rng.chars(32)}`;
  world.store.authorizationCodes.set(code, { code, account: accountId, scope, createdAt: world.clock.seconds(), used: false });
  return code;
}

function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** The consent form's POST: returns where to send the browser. */
export function decide(
  world: World,
  cfg: OAuthConfig,
  form: Record<string, string>,
): { status: 302; location: string } | { status: number; html: string } {
  if (form.client_id !== cfg.clientId) return errorPage(`No such application: '${form.client_id ?? ""}'`);
  const redirect = checkRedirect(cfg, form.redirect_uri);
  if (typeof redirect !== "string") return errorPage(redirect.error);
  if (form.decision !== "allow") {
    return {
      status: 302,
      location: redirectWith(redirect, { error: "access_denied", error_description: "The user denied your request", state: form.state }),
    };
  }
  let accountId = form.account;
  if (!accountId || accountId === "new") {
    const name = (form.business_name ?? "").trim();
    if (!name) return errorPage("Enter a business name for the new account.");
    accountId = createAccountRecord(world, {
      businessName: name,
      ...(form.country ? { country: form.country } : {}),
      ...(form.currency ? { defaultCurrency: form.currency } : {}),
      connected: false,
    }).id;
  } else if (!world.store.accounts.has(accountId)) {
    return errorPage(`No such account: ${accountId}`);
  }
  const scope = form.scope ?? "read_only";
  const code = issueCode(world, accountId, scope);
  return { status: 302, location: redirectWith(redirect, { scope, code, state: form.state }) };
}

// ---------------------------------------------------------------------------
// Token / deauthorize (server to server, authenticated with the platform secret key)

export function exchangeToken(world: World, cfg: OAuthConfig, params: Record<string, string>, request: RequestRef): OAuthResponse {
  const grant = params.grant_type;
  if (grant === "authorization_code") {
    const codeValue = params.code;
    if (!codeValue) return oauthError(400, "invalid_request", "No authorization code provided");
    const code = world.store.authorizationCodes.get(codeValue);
    if (!code) return oauthError(400, "invalid_grant", `Authorization code does not exist: ${codeValue}`);
    if (code.used) {
      return oauthError(400, "invalid_grant", `Authorization code has already been used: ${codeValue}`);
    }
    if (world.clock.seconds() - code.createdAt > cfg.codeTtlSeconds) {
      return oauthError(400, "invalid_grant", `Authorization code expired: ${codeValue}`);
    }
    code.used = true;
    const account = world.store.accounts.get(code.account);
    if (!account) return oauthError(400, "invalid_grant", `Authorization code does not exist: ${codeValue}`);
    account.connected = true;
    const token = {
      token: `sk_test_oauth_${world.rng.chars(24)}`,
      account: account.id,
      refreshToken: `rt_${world.rng.chars(32)}`,
      revoked: false,
    };
    world.store.accessTokens.set(token.token, token);
    world.emit(account.id, "account.application.authorized", application(world), { request });
    return {
      status: 200,
      body: {
        access_token: token.token,
        livemode: false,
        refresh_token: token.refreshToken,
        scope: code.scope,
        stripe_publishable_key: `pk_test_${world.rng.chars(24)}`,
        stripe_user_id: account.id,
        token_type: "bearer",
      },
    };
  }
  if (grant === "refresh_token") {
    const current = [...world.store.accessTokens.values()].find((t) => t.refreshToken === params.refresh_token && !t.revoked);
    if (!current) return oauthError(400, "invalid_grant", `Refresh token does not exist: ${params.refresh_token ?? ""}`);
    const account = world.store.accounts.get(current.account);
    if (!account?.connected) return oauthError(400, "invalid_grant", "The account is no longer connected to your platform.");
    current.revoked = true;
    const next = { ...current, token: `sk_test_oauth_${world.rng.chars(24)}`, revoked: false };
    world.store.accessTokens.set(next.token, next);
    return {
      status: 200,
      body: {
        access_token: next.token,
        livemode: false,
        refresh_token: next.refreshToken,
        scope: params.scope ?? "read_write",
        stripe_publishable_key: `pk_test_${world.rng.chars(24)}`,
        stripe_user_id: account.id,
        token_type: "bearer",
      },
    };
  }
  return oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant ?? ""}`);
}

export function deauthorize(world: World, cfg: OAuthConfig, params: Record<string, string>, request: RequestRef): OAuthResponse {
  if (params.client_id !== cfg.clientId) {
    return oauthError(401, "invalid_client", `No such application: '${params.client_id ?? ""}'`);
  }
  const accountId = params.stripe_user_id ?? "";
  const account = world.store.accounts.get(accountId);
  if (!account || account.isPlatform || !account.connected) {
    return oauthError(
      401,
      "invalid_client",
      `This application is not connected to stripe account ${accountId}, or that account does not exist.`,
    );
  }
  disconnect(world, account, request);
  return { status: 200, body: { stripe_user_id: account.id } };
}

/**
 * Revoke platform access to `account` (its OAuth tokens too) and, unless
 * `notify` is false (a webhook the platform never got), tell the platform:
 * `account.application.deauthorized` (Connect webhook).
 */
export function disconnect(world: World, account: AccountRecord, request: RequestRef, notify = true): void {
  account.connected = false;
  for (const t of world.store.accessTokens.values()) if (t.account === account.id) t.revoked = true;
  if (notify) world.emit(account.id, "account.application.deauthorized", application(world), { request });
}

/** The merchant connects the platform again: access is back (`account.application.authorized` unless `notify` is false). */
export function reconnect(world: World, account: AccountRecord, request: RequestRef, notify = true): void {
  account.connected = true;
  if (notify) world.emit(account.id, "account.application.authorized", application(world), { request });
}

// ---------------------------------------------------------------------------
// HTTP (dispatched from core.ts)

/** `GET /oauth/authorize` (the consent page) and `POST` from its form (the decision). */
export function handleAuthorize(core: StandInCore, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  if (req.method === "POST") {
    const result = decide(core.world, core.oauth, flatForm(decodeForm(body)));
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
  const page = renderAuthorizePage(core.world, core.oauth, {
    ...flat,
    ...(stripeUser && typeof stripeUser === "object" && !Array.isArray(stripeUser) ? { stripe_user: flatForm(stripeUser) } : {}),
  });
  sendHtml(res, page.status, page.html);
}

/** `POST /oauth/token` and `POST /oauth/deauthorize`: platform secret key only; logged like API requests. */
export function handleOAuthApi(core: StandInCore, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const started = performance.now();
  const requestId = core.nextRequestId();
  const params = flatForm(decodeForm(body));
  const entry: RequestLogEntry = {
    requestId,
    time: core.clock.now(),
    method: req.method ?? "POST",
    path: url.pathname,
    query: url.search,
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
    core.record(entry);
    send(res, withStdHeaders({ status, headers: {}, body: JSON.stringify(payload, null, 2) }, requestId, core.apiVersion));
  };
  if (req.method !== "POST") return done(404, { error: "invalid_request", error_description: `Unrecognized request URL (${req.method}: ${url.pathname}).` });
  const auth = authenticate(core, req, params.client_secret);
  if (auth instanceof StripeApiError || auth.account !== null) {
    return done(401, { error: "invalid_client", error_description: "Invalid API key or client_secret: use the platform's secret key." });
  }
  const ref: RequestRef = { id: requestId, idempotencyKey: entry.idempotencyKey };
  const result = url.pathname === "/oauth/token" ? exchangeToken(core.world, core.oauth, params, ref) : deauthorize(core.world, core.oauth, params, ref);
  const userId = (result.body as { stripe_user_id?: string }).stripe_user_id;
  entry.account = userId ?? params.stripe_user_id ?? null;
  done(result.status, result.body);
}
