// The API pipeline, in the order Stripe's edge applies it:
//   authenticate (secret key or OAuth access token) → resolve Stripe-Account →
//   decode the form → route (router.ts) → faults (rate limit / pre-execution 500 /
//   latency) → idempotency (replay, mismatch 400, in-flight 409) → execute the
//   resource handler → expand → save under the key → respond (or drop).

import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestLogEntry, StandInCore } from "./core.js";
import { StripeApiError, apiError, redactKey } from "./errors.js";
import { applyExpand } from "./expand.js";
import { errorReply, headerValue, send, withStdHeaders, type Reply } from "./http.js";
import { canonical, decodeForm, readExpand, type RawParams } from "./params.js";
import type { ApiContext } from "./resources/context.js";
import { findRoute, unrecognizedUrl } from "./router.js";
import type { AccountRecord } from "./types.js";
import type { RequestRef } from "./world.js";

/** Path segments `expand[]` may name at all; anything else is refused before execution. */
const EXPANDABLE_SEGMENTS = new Set([
  "customer", "invoice", "invoice_item", "discounts", "discount", "coupon", "tax_rate", "product", "data", "lines",
  "default_tax_rates", "total_count", "source", "tax_rates", "taxes", "tax_rate_details", "pricing", "price_details",
  "total_taxes", "discount_amounts", "total_discount_amounts", "parent", "invoice_item_details", "pretax_credit_amounts",
  "total_pretax_credit_amounts",
]);

/**
 * Who is calling: a platform secret key (Bearer or Basic) or a Connect OAuth
 * access token (which pins the account). `formKey` is the OAuth endpoints' `client_secret`.
 */
export function authenticate(core: StandInCore, req: IncomingMessage, formKey?: string): { key: string; account: string | null } | StripeApiError {
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
  if (core.secretKeys.has(key)) {
    // A rolled (expired) secret key: 401 `api_key_expired`, "Expired API Key provided: sk_test_***…"
    // (https://docs.stripe.com/error-codes#api-key-expired). The SDK maps any 401 to StripeAuthenticationError;
    // the wire type stays one of the four documented ones (https://docs.stripe.com/api/errors).
    if (core.revokedKeys.has(key)) {
      return new StripeApiError(401, { type: "invalid_request_error", code: "api_key_expired", message: `Expired API Key provided: ${redactKey(key)}` });
    }
    return { key, account: null };
  }
  const token = core.store.accessTokens.get(key);
  if (token && !token.revoked) return { key, account: token.account };
  return new StripeApiError(401, { type: "invalid_request_error", message: `Invalid API Key provided: ${redactKey(key)}` });
}

/**
 * The account a request acts on: the token's, or `Stripe-Account` (connected
 * accounts only while connected), or the platform. An account that no longer
 * grants the platform access (disconnected, deauthorized) or does not exist:
 * 403 `account_invalid` — "The account ID provided as a value for the
 * Stripe-Account header is invalid" (https://docs.stripe.com/error-codes#account-invalid);
 * 403 is "The API key doesn't have permissions to perform the request"
 * (https://docs.stripe.com/api/errors), which the SDK raises as StripePermissionError.
 */
function resolveAccount(core: StandInCore, key: string, tokenAccount: string | null, header: string | null): AccountRecord | StripeApiError {
  const platform = core.store.platform();
  const denied = (id: string) =>
    new StripeApiError(403, {
      type: "invalid_request_error",
      code: "account_invalid",
      message: `The provided key '${redactKey(key)}' does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
    });
  if (tokenAccount) {
    if (header && header !== tokenAccount) return denied(header);
    const acct = core.store.accounts.get(tokenAccount);
    return acct?.connected ? acct : denied(tokenAccount);
  }
  if (!header) return platform;
  const acct = core.store.accounts.get(header);
  if (!acct) return denied(header);
  if (acct.isPlatform) return acct;
  return acct.connected ? acct : denied(header);
}

/**
 * 409 for a key held by a request still being processed: "The request
 * conflicts with another request (perhaps due to using the same idempotent
 * key)" (https://docs.stripe.com/api/errors); code `idempotency_key_in_use`
 * (https://docs.stripe.com/error-codes#idempotency-key-in-use); nothing is
 * saved under the key (https://docs.stripe.com/api/idempotent_requests). The
 * SDK maps a 409 by status to StripeAPIError whatever the `type`.
 */
function keyInUse(idemKey: string): StripeApiError {
  return new StripeApiError(409, {
    type: "idempotency_error",
    code: "idempotency_key_in_use",
    message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${idemKey}. Please try again later.`,
  });
}

/** One API request, start to finish (answered, or its connection dropped by a fault), recorded in the request log at `arrivedAt`. */
export async function handleApi(core: StandInCore, req: IncomingMessage, res: ServerResponse, url: URL, body: string, arrivedAt: number): Promise<void> {
  const started = performance.now();
  const requestId = core.nextRequestId();
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname;
  const idemKey = method === "POST" ? headerValue(req, "idempotency-key") : null;
  const stripeVersion = headerValue(req, "stripe-version");
  const accountHeader = headerValue(req, "stripe-account");
  const entry: RequestLogEntry = {
    requestId,
    time: arrivedAt,
    method,
    path,
    query: url.search,
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
    core.record(entry);
    if (reply === null) {
      req.socket.destroy();
      return;
    }
    const headers = { ...reply.headers };
    if (idemKey) headers["idempotency-key"] = idemKey;
    if (accountHeader) headers["stripe-account"] = accountHeader;
    send(res, withStdHeaders({ ...reply, headers }, requestId, stripeVersion ?? core.apiVersion));
  };
  const fail = (e: StripeApiError) => finish(errorReply(e, requestId));

  const auth = authenticate(core, req);
  if (auth instanceof StripeApiError) return fail(auth);
  if (stripeVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
    return fail(new StripeApiError(400, { type: "invalid_request_error", message: `Invalid Stripe API version: ${stripeVersion}`, code: "api_version_invalid" }));
  }
  const account = resolveAccount(core, auth.key, auth.account, accountHeader);
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

  const fault = core.faults.decide(account.id, method, path);
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
  let keyInUseAfterCommit = false;
  if (idemKey) {
    const begun = core.idempotency.begin(account.id, idemKey, method, path, fingerprint);
    if (begun.kind === "in_flight") return fail(keyInUse(idemKey));
    if (begun.kind === "new") {
      const injected = core.faults.takeKeyInUse(account.id, method, path);
      if (injected === "before_execution") {
        entry.fault = "key_in_use";
        core.idempotency.abandon(account.id, idemKey);
        return fail(keyInUse(idemKey));
      }
      keyInUseAfterCommit = injected === "after_commit";
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
    world: core.world,
    account,
    request: { id: requestId, idempotencyKey: idemKey } satisfies RequestRef,
    raw,
    pathParams: route.pathParams,
    application: account.isPlatform || auth.account ? null : core.oauth.clientId,
    searchLagMs: core.searchLagMs,
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
    if (save) core.idempotency.complete(account.id, idemKey, { status: reply.status, headers: reply.headers, body: reply.body, requestId });
    else core.idempotency.abandon(account.id, idemKey);
  }
  if (keyInUseAfterCommit) {
    entry.fault = "key_in_use_after_commit";
    reply = errorReply(keyInUse(idemKey ?? ""), requestId);
  }
  if (fault.drop) {
    entry.fault = "dropped";
    return finish(null);
  }
  return finish(reply);
}
