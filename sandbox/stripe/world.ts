// The shared context handed to every resource operation: state, clock,
// randomness, and the event sink. Every state change goes through `emit`,
// which stores an Event (listable at /v1/events) and queues its webhooks.

import type Stripe from "stripe";
import type { StandInClock } from "./clock.js";
import type { Rng } from "./rng.js";
import type { Store } from "./store.js";
import type { StandInEventType, WireEvent } from "./types.js";

export interface RequestRef {
  id: string | null;
  idempotencyKey: string | null;
}

export const NO_REQUEST: RequestRef = { id: null, idempotencyKey: null };

export interface World {
  readonly store: Store;
  readonly clock: StandInClock;
  readonly rng: Rng;
  /** API version stamped on events. */
  readonly apiVersion: string;
  readonly platformName: string;
  readonly oauthClientId: string;
  /** The server's own origin, for hosted_invoice_url / invoice_pdf. */
  baseUrl(): string;
  /** Record an event in `accountId` and queue its webhook deliveries. */
  emit(
    accountId: string,
    type: StandInEventType,
    object: object,
    opts?: { previous?: Record<string, unknown>; request?: RequestRef },
  ): WireEvent;
}

type EventBaseWire = Omit<Stripe.EventBase, "data" | "type"> & {
  type: StandInEventType;
  data: { object: object; previous_attributes?: Record<string, unknown> };
};

export function buildEvent(
  world: Pick<World, "rng" | "clock" | "apiVersion" | "store">,
  accountId: string,
  type: StandInEventType,
  object: object,
  pendingWebhooks: number,
  opts: { previous?: Record<string, unknown>; request?: RequestRef } = {},
): WireEvent {
  const request = opts.request ?? NO_REQUEST;
  const event: EventBaseWire = {
    id: world.rng.id("evt"),
    object: "event",
    api_version: world.apiVersion,
    created: world.clock.seconds(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: { id: request.id, idempotency_key: request.idempotencyKey },
    type,
  };
  if (accountId !== world.store.platformId) event.account = accountId;
  if (opts.previous && Object.keys(opts.previous).length > 0) event.data.previous_attributes = opts.previous;
  return event as unknown as WireEvent;
}

/** Top-level fields whose JSON changed, with their previous values (Stripe's `previous_attributes`). */
export function diffPrevious(before: object, after: object): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) prev[key] = b[key] ?? null;
  }
  return prev;
}
