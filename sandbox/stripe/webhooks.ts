// Signed webhook delivery, as Stripe does it: POST of the event JSON with
// `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`,
// success on any 2xx, retries with backoff otherwise (bounded). Test knobs:
// pause, duplicate deliveries, reorder within a window, short retry delays.

import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { StandInClock } from "./clock.js";
import type { Rng } from "./rng.js";
import type { WireEvent } from "./types.js";

export interface WebhookEndpointConfig {
  url: string;
  /** Signing secret (`whsec_…`); the whole string is the HMAC key, as with Stripe. */
  secret: string;
  /**
   * Which events it receives: `platform` = the platform's own events (an
   * account endpoint), `connect` = events of connected accounts (a Connect
   * endpoint; `event.account` is set), `all` = both (default).
   */
  scope?: "all" | "platform" | "connect";
  id?: string;
}

export interface WebhookSettings {
  /** Hold deliveries (they queue) until unpaused. */
  paused: boolean;
  /** Deliver each event twice (`true`) or with this probability (0..1). */
  duplicate: boolean | number;
  /** Shuffle deliveries within windows of this many (0 or 1: in order). */
  reorderWindow: number;
  /** Delay before retry n (last value repeats). */
  retryDelaysMs: number[];
  /** Total attempts per delivery, first included. */
  maxAttempts: number;
  /** Per-attempt HTTP timeout. */
  timeoutMs: number;
  /** `t=` in the signature: wall time (what `constructEvent` checks against) or the stand-in clock. */
  signatureTimestamp: "wall" | "clock";
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  paused: false,
  duplicate: false,
  reorderWindow: 0,
  retryDelaysMs: [1_000, 5_000, 30_000, 120_000],
  maxAttempts: 5,
  timeoutMs: 10_000,
  signatureTimestamp: "wall",
};

export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export type DeliveryStatus = "pending" | "in_flight" | "succeeded" | "failed";

export interface DeliveryInfo {
  id: string;
  eventId: string;
  eventType: string;
  account: string | null;
  endpointId: string;
  url: string;
  status: DeliveryStatus;
  duplicate: boolean;
  attempts: DeliveryAttempt[];
  nextAttemptAt: number | null;
}

interface Endpoint extends Required<Omit<WebhookEndpointConfig, "id">> {
  id: string;
}

interface Delivery extends DeliveryInfo {
  order: number;
  event: WireEvent;
  /** Counts toward the event's `pending_webhooks` (duplicates do not). */
  counted: boolean;
}

/** `t=…,v1=…` for `payload` signed at `timestamp` (seconds). */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const sig = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${sig}`;
}

export class WebhookDispatcher {
  private endpoints: Endpoint[] = [];
  settings: WebhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS };
  private deliveries: Delivery[] = [];
  private staging: Delivery[] = [];
  private stagingTimer: NodeJS.Timeout | null = null;
  private pumpTimer: NodeJS.Timeout | null = null;
  private inFlight = new Set<string>(); // endpoint ids
  private orderCounter = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly clock: StandInClock,
    private readonly log: (line: string) => void,
  ) {}

  setEndpoints(configs: WebhookEndpointConfig[]): void {
    this.endpoints = configs.map((c, i) => ({
      id: c.id ?? `we_standin_${i + 1}`,
      url: c.url,
      secret: c.secret,
      scope: c.scope ?? "all",
    }));
  }

  listEndpoints(): WebhookEndpointConfig[] {
    return this.endpoints.map((e) => ({ ...e }));
  }

  configure(settings: Partial<WebhookSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.flushStaging();
    this.schedulePump(0);
  }

  /** How many endpoints will receive an event of this account. */
  countTargets(isConnected: boolean): number {
    return this.targets(isConnected).length;
  }

  private targets(isConnected: boolean): Endpoint[] {
    return this.endpoints.filter((e) => e.scope === "all" || (isConnected ? e.scope === "connect" : e.scope === "platform"));
  }

  enqueue(event: WireEvent): void {
    if (this.closed) return;
    for (const endpoint of this.targets(event.account !== undefined)) {
      this.stage(this.newDelivery(event, endpoint, false));
    }
  }

  private newDelivery(event: WireEvent, endpoint: Endpoint, duplicate: boolean): Delivery {
    return {
      id: this.rng.id("whdel"),
      order: 0,
      eventId: event.id,
      eventType: event.type,
      account: event.account ?? null,
      endpointId: endpoint.id,
      url: endpoint.url,
      status: "pending",
      duplicate,
      attempts: [],
      nextAttemptAt: Date.now(),
      event,
      counted: !duplicate,
    };
  }

  private stage(d: Delivery): void {
    this.deliveries.push(d);
    if (this.settings.reorderWindow <= 1) {
      d.order = ++this.orderCounter;
      this.schedulePump(0);
      return;
    }
    d.order = Number.MAX_SAFE_INTEGER; // not released yet
    this.staging.push(d);
    if (this.staging.length >= this.settings.reorderWindow) {
      this.flushStaging();
    } else if (!this.stagingTimer) {
      this.stagingTimer = setTimeout(() => {
        this.stagingTimer = null;
        this.flushStaging();
      }, 25);
      this.stagingTimer.unref();
    }
  }

  private flushStaging(): void {
    if (this.stagingTimer) {
      clearTimeout(this.stagingTimer);
      this.stagingTimer = null;
    }
    if (this.staging.length === 0) return;
    for (const d of this.rng.shuffle(this.staging)) d.order = ++this.orderCounter;
    this.staging = [];
    this.schedulePump(0);
  }

  private schedulePump(delayMs: number): void {
    if (this.closed) return;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      this.pump();
    }, Math.max(0, delayMs));
    this.pumpTimer.unref();
  }

  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    let nextDue = Infinity;
    if (!this.settings.paused) {
      for (const endpoint of this.endpoints) {
        if (this.inFlight.has(endpoint.id)) continue;
        const candidates = this.deliveries
          .filter((d) => d.endpointId === endpoint.id && d.status === "pending" && d.order !== Number.MAX_SAFE_INTEGER)
          .sort((a, b) => a.order - b.order);
        const due = candidates.find((d) => (d.nextAttemptAt ?? 0) <= now);
        if (due) {
          void this.attempt(due, endpoint);
        }
        for (const c of candidates) {
          if (c !== due && c.nextAttemptAt !== null) nextDue = Math.min(nextDue, c.nextAttemptAt);
        }
      }
    }
    if (nextDue !== Infinity) this.schedulePump(nextDue - now);
    this.checkIdle();
  }

  private async attempt(d: Delivery, endpoint: Endpoint): Promise<void> {
    this.inFlight.add(endpoint.id);
    d.status = "in_flight";
    const payload = JSON.stringify(d.event, null, 2);
    const ts = this.settings.signatureTimestamp === "wall" ? Math.floor(Date.now() / 1000) : this.clock.seconds();
    const signature = signPayload(payload, endpoint.secret, ts);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await postJson(endpoint.url, payload, signature, this.settings.timeoutMs);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.inFlight.delete(endpoint.id);
    if (this.closed) return;
    d.attempts.push({ at: started, status, error, durationMs: Date.now() - started });
    const ok = status !== null && status >= 200 && status < 300;
    if (ok) {
      d.status = "succeeded";
      d.nextAttemptAt = null;
      this.settle(d);
      if (!d.duplicate && this.shouldDuplicate()) {
        const dup = this.newDelivery(d.event, endpoint, true);
        this.stage(dup);
      }
    } else if (d.attempts.length < this.settings.maxAttempts) {
      const delays = this.settings.retryDelaysMs;
      const delay = delays[Math.min(d.attempts.length - 1, delays.length - 1)] ?? 1000;
      d.status = "pending";
      d.nextAttemptAt = Date.now() + delay;
      this.log(`webhook ${d.eventType} ${d.eventId} → ${endpoint.url}: ${status ?? error}; retry in ${delay}ms`);
    } else {
      d.status = "failed";
      d.nextAttemptAt = null;
      this.settle(d);
      this.log(`webhook ${d.eventType} ${d.eventId} → ${endpoint.url}: gave up after ${d.attempts.length} attempts`);
    }
    this.schedulePump(0);
  }

  private settle(d: Delivery): void {
    if (d.counted) {
      d.counted = false;
      d.event.pending_webhooks = Math.max(0, d.event.pending_webhooks - 1);
    }
  }

  private shouldDuplicate(): boolean {
    const dup = this.settings.duplicate;
    if (dup === true) return true;
    if (typeof dup === "number" && dup > 0) return this.rng.next() < dup;
    return false;
  }

  list(): DeliveryInfo[] {
    return [...this.deliveries]
      .sort((a, b) => a.order - b.order)
      .map((d) => ({
        id: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        account: d.account,
        endpointId: d.endpointId,
        url: d.url,
        status: d.status,
        duplicate: d.duplicate,
        attempts: d.attempts.map((a) => ({ ...a })),
        nextAttemptAt: d.nextAttemptAt,
      }));
  }

  private isIdle(): boolean {
    if (this.inFlight.size > 0 || this.staging.length > 0) return false;
    if (this.settings.paused) return true;
    return !this.deliveries.some((d) => d.status === "pending" || d.status === "in_flight");
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once nothing is in flight or queued (a paused queue counts as idle). */
  waitForIdle(timeoutMs = 10_000): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new Error(`webhook deliveries still pending after ${timeoutMs}ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  reset(): void {
    this.deliveries = [];
    this.staging = [];
    this.orderCounter = 0;
    if (this.stagingTimer) clearTimeout(this.stagingTimer);
    this.stagingTimer = null;
    this.checkIdle();
  }

  close(): void {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    if (this.stagingTimer) clearTimeout(this.stagingTimer);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function postJson(url: string, payload: string, signature: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = Buffer.from(payload, "utf8");
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(
      target,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": String(body.length),
          "stripe-signature": signature,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "cache-control": "no-cache",
          accept: "*/*; q=0.5, application/xml",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs}ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
