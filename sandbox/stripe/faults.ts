// Fault injection per account (or "*" for every account): latency, a real
// token-bucket rate limit, 5xx (random ratio or "next N"), "committed but
// the connection dropped", and "this idempotency key is in use by another
// attempt" (409). Random choices use the server's seeded Rng, so a run is
// reproducible.

import type { Rng } from "./rng.js";

export interface LatencyConfig {
  /** Every request waits exactly this long… */
  fixedMs?: number;
  /** …or a uniform draw in [minMs, maxMs]. */
  minMs?: number;
  maxMs?: number;
}

export interface RequestMatch {
  /** HTTP method, e.g. "POST". */
  method?: string;
  /** Path glob: `*` = one segment, `**` = anything, e.g. "/v1/invoices/*\/finalize". */
  path?: string;
}

export interface CountedFault extends RequestMatch {
  count: number;
}

export interface FailFault extends CountedFault {
  /**
   * before_execution (default): a 500 before the endpoint runs — nothing
   * happens, nothing is saved under the idempotency key.
   * after_commit: the endpoint runs and commits, then the response is a 500,
   * and that 500 is what the idempotency key replays (Stripe saves 500s).
   */
  mode?: "before_execution" | "after_commit";
}

export interface KeyInUseFault extends CountedFault {
  /**
   * The next N matching requests that carry an `Idempotency-Key` (and would
   * run: not replays) find that key held by another attempt still in flight,
   * and are answered 409 `idempotency_key_in_use`.
   * before_execution (default): that other attempt never completes here —
   * nothing runs, nothing is saved, the key is free for the next retry.
   * after_commit: that other attempt is this very request, still running when
   * the caller retried: the request runs and commits, its response is saved
   * under the key, the caller gets the 409 — the next retry with the key gets
   * the saved response (`Idempotent-Replayed: true`).
   */
  mode?: "before_execution" | "after_commit";
}

export interface FaultConfig {
  latency?: LatencyConfig | null;
  /**
   * Token bucket: `requestsPerSecond` refill, `burst` capacity (default = rate).
   * Each account has its own bucket, also when the limit is set for every
   * account ("*"): Stripe measures rate limits "in API requests per second,
   * per Stripe account" (https://docs.stripe.com/rate-limits).
   */
  rateLimit?: { requestsPerSecond: number; burst?: number } | null;
  /** Probability (0..1) of a 500 before execution on each request. */
  serverErrorRatio?: number;
  /** The next N matching requests fail with 500. */
  failNext?: FailFault | FailFault[];
  /** Probability (0..1) of "committed, then connection dropped" on each request. */
  dropRatio?: number;
  /** The next N matching requests run and commit, then the socket is destroyed without a response. */
  dropNext?: CountedFault | CountedFault[];
  /** The next N matching requests with an idempotency key answer 409 idempotency_key_in_use (see KeyInUseFault). */
  keyInUseNext?: KeyInUseFault | KeyInUseFault[];
}

export interface FaultDecision {
  latencyMs: number;
  rateLimited: boolean;
  error500: null | "before_execution" | "after_commit";
  drop: boolean;
}

interface Bucket {
  tokens: number;
  last: number;
}

interface AccountFaults {
  latency: LatencyConfig | null;
  rateLimit: { requestsPerSecond: number; burst?: number } | null;
  /** The bucket of each account this limit applies to (one, or every account for "*"), made full at its first request. */
  buckets: Map<string, Bucket>;
  serverErrorRatio: number;
  failNext: FailFault[];
  dropRatio: number;
  dropNext: CountedFault[];
  keyInUseNext: KeyInUseFault[];
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
      } else re += "[^/]*";
    } else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function matches(m: RequestMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.path && !globToRegExp(m.path).test(path)) return false;
  return true;
}

function toList<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map((x) => ({ ...x })) : [{ ...v }];
}

function empty(): AccountFaults {
  return { latency: null, rateLimit: null, buckets: new Map(), serverErrorRatio: 0, failNext: [], dropRatio: 0, dropNext: [], keyInUseNext: [] };
}

export class Faults {
  private byAccount = new Map<string, AccountFaults>();

  constructor(private readonly rng: Rng) {}

  /** Merge `config` into the faults of `account` ("*" = every account). */
  set(account: string, config: FaultConfig): void {
    const f = this.byAccount.get(account) ?? empty();
    if (config.latency !== undefined) f.latency = config.latency;
    if (config.rateLimit !== undefined) {
      f.rateLimit = config.rateLimit;
      f.buckets = new Map();
    }
    if (config.serverErrorRatio !== undefined) f.serverErrorRatio = config.serverErrorRatio;
    if (config.failNext !== undefined) f.failNext.push(...toList(config.failNext));
    if (config.dropRatio !== undefined) f.dropRatio = config.dropRatio;
    if (config.dropNext !== undefined) f.dropNext.push(...toList(config.dropNext));
    if (config.keyInUseNext !== undefined) f.keyInUseNext.push(...toList(config.keyInUseNext));
    this.byAccount.set(account, f);
  }

  clear(account?: string): void {
    if (account === undefined) this.byAccount.clear();
    else this.byAccount.delete(account);
  }

  describe(): Record<string, Omit<AccountFaults, "buckets">> {
    const out: Record<string, Omit<AccountFaults, "buckets">> = {};
    for (const [k, v] of this.byAccount) {
      const { buckets: _buckets, ...rest } = v;
      out[k] = structuredClone(rest);
    }
    return out;
  }

  /** Whether `account`'s bucket under the limit `f` has a token for this request (and takes it). */
  private takeToken(f: AccountFaults, account: string): boolean {
    if (!f.rateLimit) return true;
    const nowMs = performance.now();
    const capacity = f.rateLimit.burst ?? f.rateLimit.requestsPerSecond;
    const bucket = f.buckets.get(account) ?? { tokens: capacity, last: nowMs };
    f.buckets.set(account, bucket);
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.last) / 1000) * f.rateLimit.requestsPerSecond);
    bucket.last = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    return false;
  }

  private consume<T extends CountedFault>(list: T[], method: string, path: string): T | null {
    const hit = list.find((x) => x.count > 0 && matches(x, method, path));
    if (!hit) return null;
    hit.count -= 1;
    if (hit.count <= 0) list.splice(list.indexOf(hit), 1);
    return hit;
  }

  decide(account: string, method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, rateLimited: false, error500: null, drop: false };
    const scopes = [this.byAccount.get(account), this.byAccount.get("*")].filter((x): x is AccountFaults => x !== undefined);
    for (const f of scopes) {
      if (f.latency) {
        const l = f.latency;
        const ms = l.fixedMs ?? (l.minMs !== undefined && l.maxMs !== undefined ? this.rng.int(l.minMs, l.maxMs) : 0);
        decision.latencyMs = Math.max(decision.latencyMs, ms);
      }
      if (!this.takeToken(f, account)) decision.rateLimited = true;
    }
    if (decision.rateLimited) return decision;
    for (const f of scopes) {
      if (decision.error500 === null) {
        const fail = this.consume(f.failNext, method, path);
        if (fail) decision.error500 = fail.mode ?? "before_execution";
        else if (f.serverErrorRatio > 0 && this.rng.next() < f.serverErrorRatio) decision.error500 = "before_execution";
      }
      if (!decision.drop && decision.error500 !== "before_execution") {
        if (this.consume(f.dropNext, method, path)) decision.drop = true;
        else if (f.dropRatio > 0 && this.rng.next() < f.dropRatio) decision.drop = true;
      }
    }
    return decision;
  }

  /**
   * Whether this request (one with an idempotency key, about to run) meets a
   * `keyInUseNext` fault, and in which mode; consumes it.
   */
  takeKeyInUse(account: string, method: string, path: string): null | "before_execution" | "after_commit" {
    for (const f of [this.byAccount.get(account), this.byAccount.get("*")]) {
      if (!f) continue;
      const hit = this.consume(f.keyInUseNext, method, path);
      if (hit) return hit.mode ?? "before_execution";
    }
    return null;
  }
}
