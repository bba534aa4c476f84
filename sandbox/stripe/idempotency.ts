// Idempotent requests as Stripe documents them (v1):
// - POST only; keys are scoped to the account the request acts on.
// - The status and body of the first request are saved once the endpoint has
//   started executing — errors included, 500s included. Requests that fail
//   parameter validation, or collide with a request still in flight, save
//   nothing.
// - A retry with the same key and the same parameters gets the saved response
//   (header `Idempotent-Replayed: true`); same key with different parameters or
//   another endpoint is a 400 `idempotency_error`; same key while the first is
//   still running is a 409.
// - Keys are pruned once at least 24 hours old (stand-in clock).

import type { StandInClock } from "./clock.js";

export interface SavedResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  requestId: string;
}

interface Entry {
  account: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  createdAt: number;
  response: SavedResponse | null;
}

export type BeginResult =
  | { kind: "new" }
  | { kind: "replay"; response: SavedResponse }
  | { kind: "in_flight" }
  | { kind: "endpoint_mismatch"; firstEndpoint: string }
  | { kind: "params_mismatch" };

export interface IdempotencyEntryInfo {
  account: string;
  key: string;
  endpoint: string;
  createdAt: number;
  status: number | null;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export class IdempotencyStore {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly clock: StandInClock,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
  ) {}

  private id(account: string, key: string): string {
    return `${account}\u0000${key}`;
  }

  private live(account: string, key: string): Entry | undefined {
    const id = this.id(account, key);
    const e = this.entries.get(id);
    if (e && e.response !== null && this.clock.now() - e.createdAt >= this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return e;
  }

  begin(account: string, key: string, method: string, path: string, fingerprint: string): BeginResult {
    const e = this.live(account, key);
    if (!e) {
      this.entries.set(this.id(account, key), {
        account,
        key,
        method,
        path,
        fingerprint,
        createdAt: this.clock.now(),
        response: null,
      });
      return { kind: "new" };
    }
    if (e.response === null) return { kind: "in_flight" };
    if (e.method !== method || e.path !== path) return { kind: "endpoint_mismatch", firstEndpoint: `${e.method} ${e.path}` };
    if (e.fingerprint !== fingerprint) return { kind: "params_mismatch" };
    return { kind: "replay", response: e.response };
  }

  complete(account: string, key: string, response: SavedResponse): void {
    const e = this.entries.get(this.id(account, key));
    if (e) e.response = response;
  }

  /** Nothing is saved: the key is free again. */
  abandon(account: string, key: string): void {
    const id = this.id(account, key);
    const e = this.entries.get(id);
    if (e && e.response === null) this.entries.delete(id);
  }

  list(): IdempotencyEntryInfo[] {
    return [...this.entries.values()].map((e) => ({
      account: e.account,
      key: e.key,
      endpoint: `${e.method} ${e.path}`,
      createdAt: e.createdAt,
      status: e.response?.status ?? null,
    }));
  }

  clear(): void {
    this.entries.clear();
  }
}
