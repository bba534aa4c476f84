// The one way Ritournelle talks to Stripe: one SDK instance per process, a
// per-account rate limiter every call goes through, and bounded retries of
// what Stripe says is safe to retry.
//
// - The SDK's API version is pinned to the one the installed SDK was built
//   for (its types describe exactly that version's objects).
// - `maxNetworkRetries: 0`: retries are ours. Each step of the pipeline carries
//   an idempotency key; a retry with the same key never duplicates, and the
//   decision to retry belongs to the caller that knows the step. (The SDK
//   still retries a reset connection once on its own, with the same key: the
//   limiter sits in the SDK's HTTP client, limited-http-client.server.ts, so
//   that retry waits for a slot too.)
// - Host, port and protocol come from STRIPE_API_URL when it is set (the
//   offline stand-in); otherwise the SDK's defaults reach api.stripe.com.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Stripe from "stripe";
import { config } from "~/config.server";
import { accountClass, metrics } from "~/metrics.server";
import { laneAccountClass, rateLimitedHttpClient, type OnTime, type RequestLimiter } from "./limited-http-client.server";

export type { OnTime, RequestLimiter } from "./limited-http-client.server";

/** The API version of every call, and of the objects the SDK's types describe. */
export const STRIPE_API_VERSION = Stripe.API_VERSION;

/** Stripe Connect's OAuth host in production (consent page). */
const STRIPE_CONNECT_URL = "https://connect.stripe.com";

/** Names a secret key without revealing it (the platform hold, logs): the first 16 hex digits of its SHA-256. */
export function keyFingerprint(secretKey: string): string {
  return createHash("sha256").update(secretKey).digest("hex").slice(0, 16);
}

/** Stripe's documented default limits: 25 requests/s per account in test mode, 100 in live mode. */
export function defaultRequestsPerSecond(secretKey: string): number {
  return /^(sk|rk)_live_/.test(secretKey) ? 100 : 25;
}

export type StripeEndpoint = { host: string; port: number; protocol: "http" | "https" };

/** Host, port and protocol for the SDK from STRIPE_API_URL; null for Stripe itself. */
export function stripeEndpoint(apiUrl: string | undefined): StripeEndpoint | null {
  if (!apiUrl) return null;
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

/**
 * Origin of the Connect consent page. The SDK's `oauth.authorizeUrl()`
 * always builds `https://<host>` without a port, so it cannot reach a
 * stand-in: the consent URL is built from this base instead. Offline, the
 * stand-in serves Connect on the API's own origin.
 */
export function connectBaseUrl(apiUrl: string | undefined): string {
  return apiUrl ? new URL(apiUrl).origin : STRIPE_CONNECT_URL;
}

// ---------------------------------------------------------------------------
// Rate limiter
// ---------------------------------------------------------------------------

export type RateLimiterOptions = {
  requestsPerSecond: number;
  /**
   * Added to the one-second window. Requests leave at most `requestsPerSecond`
   * per (1 s + guard); the guard absorbs the jitter between a request leaving
   * and Stripe counting its arrival (measured: 25 ms was not always enough),
   * so that Stripe never sees more than the limit in one second. Default 50.
   */
  guardMs?: number;
  /**
   * How far behind schedule requests may catch up at once: after the event
   * loop stalled (a GC pause, a long synchronous query), up to this many
   * milliseconds' worth of requests leave back to back instead of being
   * lost. The cap still holds. Default 200.
   */
  catchUpMs?: number;
  /**
   * How late after the limiter let it go a request may still be written to
   * its socket (limited-http-client.server.ts checks at the write). A
   * request written later (the event loop busy with other lanes' answers)
   * would land among the requests let go after it: it takes a new turn
   * instead. Default 20.
   */
  maxLatenessMs?: number;
  now?: () => number;
};

type Lane = {
  /** Dispatch times (ms) still inside the window, oldest first. */
  sent: number[];
  /** GCRA "theoretical arrival time" of the next request. */
  nextSlot: number;
  /** Called with the instant each one is let go. */
  waiting: ((grantedAt: number) => void)[];
  timer: NodeJS.Timeout | null;
};

/**
 * A rate limiter per Stripe account, shared by every call in the process, so
 * that many runs of one merchant never exceed that merchant's limit while
 * other merchants' runs proceed in parallel.
 *
 * Two rules, both on the instant a request leaves:
 * - spacing: requests are spread evenly, one every window/limit ms (GCRA),
 *   with `catchUpMs` of tolerance so that a late timer or a stalled event
 *   loop does not lose throughput;
 * - cap: never more than `requestsPerSecond` in any trailing window, whatever
 *   the spacing allowed.
 * Waiters are served first come, first served.
 */
export class AccountRateLimiter implements RequestLimiter {
  readonly requestsPerSecond: number;
  private readonly windowMs: number;
  private readonly spacingMs: number;
  private readonly catchUpMs: number;
  private readonly maxLatenessMs: number;
  private readonly now: () => number;
  private readonly lanes = new Map<string, Lane>();

  constructor(options: RateLimiterOptions) {
    if (!(options.requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be > 0");
    this.requestsPerSecond = options.requestsPerSecond;
    this.windowMs = 1000 + (options.guardMs ?? 50);
    this.spacingMs = this.windowMs / options.requestsPerSecond;
    this.catchUpMs = options.catchUpMs ?? 200;
    this.maxLatenessMs = options.maxLatenessMs ?? 20;
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  /**
   * Resolves when a request for `account` may leave now, with the test the
   * HTTP client makes at the socket write: still within `maxLatenessMs` of
   * that instant. The limiter counts the instants it lets requests go; a
   * request written much later would be counted by Stripe among the later
   * ones (measured without this check: 30 requests in one second at the
   * stand-in for a limit of 25, bench/stripe.ts's returning-customers pass).
   */
  acquire(account: string): Promise<OnTime> {
    let lane = this.lanes.get(account);
    if (!lane) {
      lane = { sent: [], nextSlot: -Infinity, waiting: [], timer: null };
      this.lanes.set(account, lane);
    }
    const queued = lane;
    return new Promise((resolve) => {
      queued.waiting.push((grantedAt) => resolve(() => this.now() <= grantedAt + this.maxLatenessMs));
      this.pump(queued);
    });
  }

  private pump(lane: Lane): void {
    if (lane.timer) return;
    while (lane.waiting.length > 0) {
      const now = this.now();
      while (lane.sent.length > 0 && lane.sent[0]! <= now - this.windowMs) lane.sent.shift();
      const capFreesAt = lane.sent.length >= this.requestsPerSecond ? lane.sent[0]! + this.windowMs : -Infinity;
      const earliest = Math.max(lane.nextSlot - this.catchUpMs, capFreesAt);
      if (earliest > now) {
        lane.timer = setTimeout(() => {
          lane.timer = null;
          this.pump(lane);
        }, Math.ceil(earliest - now));
        return;
      }
      lane.sent.push(now);
      lane.nextSlot = Math.max(lane.nextSlot, now) + this.spacingMs;
      lane.waiting.shift()!(now);
    }
  }
}

/**
 * Where the request slots of every account are kept when several processes
 * share the accounts' rate limits: reserves the next `count` slots of
 * `account`, `spacingMs` apart, the first no earlier than `leadMs` from now
 * and `spacingMs` after the slot reserved before them, and resolves to the
 * first one and the schedule's clock at the reservation (ms since the
 * epoch). The database implements it (app/models/stripe-request-slot.server.ts,
 * wired in app/services/invoicing/stripe-rate-limit.server.ts); a gateway
 * never reaches the database itself.
 */
export type RequestSlots = (account: string, spacingMs: number, leadMs: number, count: number) => Promise<{ slotAt: number; now: number }>;

export type SharedRateLimiterOptions = {
  requestsPerSecond: number;
  slots: RequestSlots;
  /**
   * Added to the one-second window, as in {@link RateLimiterOptions}.
   * Default 75. Stripe counts a request when it arrives
   * (https://docs.stripe.com/rate-limits: requests per second, per account),
   * not when it left: a request that spends longer on the way than the ones
   * after it (the network, the receiving side's scheduling) moves closer to
   * them. Departures are held to their slots (`maxLatenessMs`, checked at
   * the socket write), so the guard less that lateness — 55 ms — is the
   * transit jitter the limit survives. Stripe's own limiter is a token
   * bucket (https://stripe.com/blog/rate-limiters), more lenient than a
   * sliding second; the guard keeps the sliding second too.
   * 25 req/s: 43 ms apart, so 93 % of the limit stays usable.
   */
  guardMs?: number;
  /**
   * How late after its slot a request may still leave. One that would leave
   * later (a stalled event loop, a reservation answered after its slot) would
   * be too close to the next slot's request: it takes a new slot instead.
   * Checked when the slot comes and again when the request is written to
   * its socket (limited-http-client.server.ts). Default 20.
   */
  maxLatenessMs?: number;
  /**
   * Most slots one reservation takes for the requests of one account waiting
   * in this process at once. Default 8 (344 ms of an account's schedule at
   * 25 req/s).
   */
  maxSlotsPerReservation?: number;
  /** Local clock (ms since the epoch). */
  now?: () => number;
};

/** A request waiting for its slot's reservation. */
type SlotWaiter = { resolve: (slotAt: number) => void; reject: (error: unknown) => void };

/**
 * One rate limit per account across every process: requests for an account
 * leave one slot apart (window ÷ limit, the window being 1 s + guard), the
 * slots handed out by one shared schedule (the database) whichever process
 * asks. A request leaves no earlier than its slot and at most
 * `maxLatenessMs` after it (the instant its bytes are written to the
 * socket, not the instant the limiter lets it go), so any second holds at most
 * (1000 + maxLateness) ÷ spacing + 1 departures: the limit, with the rest of
 * the guard left for the network's jitter and the clocks' disagreement.
 * A slot nobody asked for is not saved up: no burst after a quiet spell.
 *
 * Slots are on the schedule's clock. Each reservation bounds the offset
 * between that clock and this process's (it was read between asking and
 * hearing back), so the bounds tighten to the fastest round trip seen;
 * slots are asked for at least a round trip ahead (the lead, from recent
 * round trips), so that a slow answer does not arrive after its slot.
 *
 * The requests of one account waiting in this process at once share a
 * reservation: one round trip takes a slot for each of them (up to
 * `maxSlotsPerReservation`), consecutive on the schedule; those arriving
 * while it is on its way wait for the next one. A reservation costs a
 * database write and a round trip; with one per request, the workers bench
 * spent more of its CPU on slots than on Stripe's calls.
 */
export class SharedAccountRateLimiter implements RequestLimiter {
  readonly requestsPerSecond: number;
  private readonly spacingMs: number;
  private readonly maxLatenessMs: number;
  private readonly slots: RequestSlots;
  private readonly now: () => number;
  /** Bounds of (schedule clock − local clock), from every reservation so far. */
  private offsetLow = -Infinity;
  private offsetHigh = Infinity;
  /** Recent reservation round trips (ms), smoothed. */
  private roundTripMs = 0;
  private readonly maxSlotsPerReservation: number;
  /** Per account: the requests waiting for a reservation, and whether one is on its way (or about to leave). */
  private readonly reservations = new Map<string, { waiting: SlotWaiter[]; inFlight: boolean }>();

  constructor(options: SharedRateLimiterOptions) {
    if (!(options.requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be > 0");
    this.requestsPerSecond = options.requestsPerSecond;
    this.spacingMs = (1000 + (options.guardMs ?? 75)) / options.requestsPerSecond;
    this.maxLatenessMs = options.maxLatenessMs ?? 20;
    this.slots = options.slots;
    this.maxSlotsPerReservation = options.maxSlotsPerReservation ?? 8;
    if (!(this.maxSlotsPerReservation >= 1)) throw new RangeError("maxSlotsPerReservation must be ≥ 1");
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  async acquire(account: string): Promise<OnTime> {
    for (;;) {
      const slotAt = await this.reserve(account);
      // The slot on the local clock, taking the offset at its latest possible value: never early.
      const leaveAt = slotAt - this.offsetLow;
      // The latest it may leave, taking the offset at its earliest possible value.
      const leaveBy = slotAt - this.offsetHigh + this.maxLatenessMs;
      const onTime = () => this.now() <= leaveBy;
      const wait = leaveAt - this.now();
      const answeredLate = !onTime();
      if (wait > 0) await sleep(Math.ceil(wait));
      if (onTime()) return onTime;
      // Missed: give the slot up (its neighbours may be too close) and take a later one.
      metrics().rateLimitSlotsMissed.inc({ account_class: laneAccountClass(account), reason: answeredLate ? "reservation_late" : "woke_late" });
    }
  }

  /**
   * A slot of `account` for one request, on the schedule's clock: from the
   * next reservation of the account's waiting requests. The reservation
   * leaves after the current task's other requests have queued (a microtask
   * later), so that requests made together share it.
   */
  private reserve(account: string): Promise<number> {
    let queue = this.reservations.get(account);
    if (!queue) this.reservations.set(account, (queue = { waiting: [], inFlight: false }));
    const slot = new Promise<number>((resolve, reject) => queue.waiting.push({ resolve, reject }));
    if (!queue.inFlight) {
      queue.inFlight = true;
      queueMicrotask(() => this.sendReservation(account, queue));
    }
    return slot;
  }

  /** Reserves one slot for each request waiting (up to the maximum); when it is answered, the next ones'. */
  private sendReservation(account: string, queue: { waiting: SlotWaiter[]; inFlight: boolean }): void {
    const batch = queue.waiting.splice(0, this.maxSlotsPerReservation);
    const lead = Math.min(250, Math.ceil(2 * this.roundTripMs));
    const asked = this.now();
    this.slots(account, this.spacingMs, lead, batch.length)
      .then(
        (slot) => {
          this.learn(asked, this.now(), slot.now);
          batch.forEach((waiter, index) => waiter.resolve(slot.slotAt + index * this.spacingMs));
        },
        (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        if (queue.waiting.length > 0) return this.sendReservation(account, queue);
        queue.inFlight = false;
        this.reservations.delete(account);
      });
  }

  private learn(asked: number, answered: number, scheduleNow: number): void {
    const low = scheduleNow - answered;
    // + 1: the schedule's clock may be read to the millisecond only (SQLite's julianday('now')).
    const high = scheduleNow + 1 - asked;
    // Bounds that no longer overlap: a clock was stepped (NTP); start again from this reservation.
    if (low > this.offsetHigh || high < this.offsetLow) [this.offsetLow, this.offsetHigh] = [low, high];
    else [this.offsetLow, this.offsetHigh] = [Math.max(this.offsetLow, low), Math.min(this.offsetHigh, high)];
    this.roundTripMs = this.roundTripMs === 0 ? answered - asked : 0.8 * this.roundTripMs + 0.2 * (answered - asked);
  }
}

// ---------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------

export type RetryOptions = {
  /** Tries per call, the first included. */
  maxAttempts: number;
  /** Upper bound of the first backoff; doubles at each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
};

const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 4_000 };

export type StripeClientOptions = {
  secretKey: string;
  /** STRIPE_API_URL: only to reach the offline stand-in. */
  apiUrl?: string;
  /** Per account; default {@link defaultRequestsPerSecond} of the key. */
  requestsPerSecond?: number;
  /**
   * The shared schedule of request slots, when other processes call Stripe
   * for the same accounts: the limit then holds across all of them
   * ({@link SharedAccountRateLimiter}). Without it, the limit is this
   * client's alone ({@link AccountRateLimiter}).
   */
  slots?: RequestSlots;
  retry?: Partial<RetryOptions>;
  /** Per request, default 30 s (runs hold a 120 s lease, renewed at each step). */
  timeoutMs?: number;
  /** Jitter source in [0, 1). */
  random?: () => number;
};

/** Request options for one call: the connected account, when acting for a merchant. */
export type CallOptions = Stripe.RequestOptions;

/**
 * The Stripe SDK behind the process's rate limiter and retry policy. Every
 * Stripe call of the app goes through {@link StripeClient.call}.
 */
export class StripeClient {
  readonly sdk: Stripe;
  readonly limiter: RequestLimiter;
  readonly connectUrl: string;
  /** The secret key's {@link keyFingerprint}. */
  readonly keyFingerprint: string;
  private readonly retry: RetryOptions;
  private readonly random: () => number;

  constructor(options: StripeClientOptions) {
    const endpoint = stripeEndpoint(options.apiUrl);
    const requestsPerSecond = options.requestsPerSecond ?? defaultRequestsPerSecond(options.secretKey);
    this.limiter = options.slots ? new SharedAccountRateLimiter({ requestsPerSecond, slots: options.slots }) : new AccountRateLimiter({ requestsPerSecond });
    this.sdk = new Stripe(options.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      maxNetworkRetries: 0,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      appInfo: { name: "Ritournelle" },
      // Every HTTP request of the SDK waits for its account's slot, its own retries included.
      httpClient: rateLimitedHttpClient(this.limiter, endpoint?.protocol ?? "https"),
      ...(endpoint ?? {}),
    });
    this.connectUrl = connectBaseUrl(options.apiUrl);
    this.keyFingerprint = keyFingerprint(options.secretKey);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs one API call for `account` (a connected account id, or null for the
   * platform) under that account's rate limit (each HTTP request it makes
   * waits for a slot: the SDK's HTTP client holds the limiter). `operation` receives the SDK
   * and the request options to pass (the `stripeAccount`); it adds its own
   * idempotency key.
   *
   * A 429, a 409 (the same idempotency key still in flight) or any error
   * Stripe marks `Stripe-Should-Retry: true` is retried after a jittered
   * exponential backoff, through the limiter again, up to `maxAttempts`
   * tries; `Stripe-Should-Retry: false` is never retried. Then, and for every
   * other error, the SDK's error is thrown as is.
   */
  async call<T>(account: string | null, operation: (sdk: Stripe, options: CallOptions) => Promise<T>): Promise<T> {
    const options: CallOptions = account ? { stripeAccount: account } : {};
    const counters = metrics();
    const account_class = accountClass(account);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await withoutCallSiteStack(() => operation(this.sdk, options));
        counters.stripeRequests.inc({ status: "2xx", account_class });
        return result;
      } catch (error) {
        counters.stripeRequests.inc({ status: statusLabel(error), account_class });
        if (attempt >= this.retry.maxAttempts || !isRetryable(error)) throw error;
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        await sleep(Math.floor(this.random() * ceiling));
      }
    }
  }
}

/**
 * Starts `operation` with stack traces off for its synchronous part: the
 * Stripe SDK formats one for every request it makes (stripe-node 23,
 * StripeResource._makeRequest: `new Error().stack`, appended to the
 * request's error if it fails), and under tsx, with source maps on, that
 * maps every frame — ~0.2 ms of CPU a request, ~1.4 ms an invoice, in the
 * workers bench's worker profiles. The call site it would add is this
 * method's caller, which each adapter's error names already (BillingError).
 * An error the SDK makes later (the request failing) keeps its own stack.
 */
export function withoutCallSiteStack<T>(operation: () => Promise<T>): Promise<T> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return operation();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A failed call's metric label: Stripe's HTTP status, or `network` when no answer came (timeout, reset). */
function statusLabel(error: unknown): string {
  if (error instanceof Stripe.errors.StripeError && error.statusCode) return String(error.statusCode);
  return "network";
}

/** What Stripe says may be retried with the same idempotency key. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  const shouldRetry = error.headers?.["stripe-should-retry"];
  if (shouldRetry === "false") return false;
  if (shouldRetry === "true") return true;
  return error.statusCode === 429 || error.statusCode === 409;
}

/**
 * A 5xx Stripe saved under the idempotency key (it did not ask for a retry):
 * the request may have taken effect, and repeating the key replays the same
 * 5xx. The caller must look at the object's state instead of repeating.
 */
export function isUnknownOutcomeReplay(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeError &&
    (error.statusCode ?? 0) >= 500 &&
    error.headers?.["stripe-should-retry"] !== "true"
  );
}

let shared: StripeClient | undefined;
let sharedSlots: RequestSlots | undefined;

/**
 * Makes the process's client ({@link stripeClient}) take its request slots
 * from `slots`, shared with every other process calling Stripe for the same
 * accounts. Called once at start, before the first Stripe call.
 * @throws Error when the process's client already exists (it would keep a limit of its own).
 */
export function shareRequestSlots(slots: RequestSlots): void {
  if (shared && sharedSlots !== slots) throw new Error("shareRequestSlots must be called before the first Stripe call of the process");
  sharedSlots = slots;
}

/**
 * The process's client, from the configuration (STRIPE_SECRET_KEY,
 * STRIPE_API_URL). One per process, so its rate limiter sees all the work;
 * with {@link shareRequestSlots}, the work of every process.
 * @throws Error when STRIPE_SECRET_KEY is not set.
 */
export function stripeClient(): StripeClient {
  if (!shared) {
    const { STRIPE_SECRET_KEY, STRIPE_API_URL, STRIPE_REQUESTS_PER_SECOND } = config();
    if (!STRIPE_SECRET_KEY) {
      throw new Error("Stripe is not configured: set STRIPE_SECRET_KEY (see .env.example).");
    }
    shared = new StripeClient({ secretKey: STRIPE_SECRET_KEY, apiUrl: STRIPE_API_URL, requestsPerSecond: STRIPE_REQUESTS_PER_SECOND, slots: sharedSlots });
  }
  return shared;
}
