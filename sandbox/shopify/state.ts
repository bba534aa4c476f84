// Mutable state of the Shopify stand-in: shops (deep copies of a seed),
// access tokens, leaky buckets, orders created through orderCreate, a clock.

import type { AppSubscriptionRecord } from "./app-installation";
import { createDefaultSeed, type Seed, type SeedOrder, type SeedShop } from "./seed";

/** Milliseconds since the epoch; injectable so tests control time. */
export interface Clock {
  now(): number;
}

/** A clock tests can move by hand. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function createManualClock(startMs = Date.parse("2026-03-10T09:00:00Z")): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** The system clock, plus an offset that `advance` moves (so control can fast-forward). */
export function createOffsetClock(base: Clock = { now: () => Date.now() }): ManualClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - base.now();
    },
  };
}

export interface ThrottleConfig {
  /** Bucket size (Shopify Standard plan: 2000). */
  maximumAvailable: number;
  /** Points restored per second (Shopify Standard plan: 100). */
  restoreRate: number;
}

export const STANDARD_PLAN_THROTTLE: ThrottleConfig = { maximumAvailable: 2000, restoreRate: 100 };

export interface AppCredentials {
  /** client_id (SHOPIFY_API_KEY). */
  apiKey: string;
  /** client_secret (SHOPIFY_API_SECRET); signs session tokens (HS256). */
  apiSecret: string;
  /** Scopes granted on token exchange (SCOPES): the app's required scopes. */
  scopes: string;
  /** The app's optional scopes (shopify.app.toml `optional_scopes`), comma-separated: a shop grants them later (app-scopes.ts). */
  optionalScopes: string;
}

export interface TokenGrant {
  scopes: string[];
  /** ms since epoch, or null for non-expiring offline tokens. */
  expiresAt: number | null;
  /** seeded: a non-expiring offline token the seed installed with; offline: issued by the token endpoint. */
  kind: "seeded" | "offline" | "online";
  userId?: number;
}

/** A refresh token of an expiring offline token (see oauth.ts for the rules). */
export interface RefreshGrant {
  scopes: string[];
  /** 90 days after it was issued. */
  expiresAt: number;
  /** When it was first used (it may be used again until its replacement is used, for 30 days). */
  firstUsedAt: number | null;
}

/** A non-expiring offline token exchanged for an expiring pair (a retry within 7 days answers the same pair). */
export interface MigrationRecord {
  accessToken: string;
  refreshToken: string;
  at: number;
}

/** One answered request to the token endpoint, for tests that count grants. */
export interface TokenGrantRecord {
  grant: "token_exchange" | "migration" | "refresh_token";
  status: number;
  at: number;
}

export interface CreatedOrderRecord {
  order: SeedOrder;
  /** The `order` argument exactly as received (after variable coercion). */
  input: unknown;
  /** The `options` argument, if any. */
  options: unknown;
  createdAt: string;
}

export interface ShopState {
  shop: SeedShop;
  tokens: Map<string, TokenGrant>;
  bucket: { available: number; at: number };
  throttle: ThrottleConfig;
  created: CreatedOrderRecord[];
  refreshTokens: Map<string, RefreshGrant>;
  /** Non-expiring offline tokens migrated to an expiring pair, by the original token. */
  migrations: Map<string, MigrationRecord>;
  /** Every answered token request, oldest first. */
  tokenRequests: TokenGrantRecord[];
  /** The app's subscriptions on the shop, every status, oldest first (app-installation.ts). */
  appSubscriptions: AppSubscriptionRecord[];
  nextOrderNumber: number;
  nextOrderLegacyId: number;
  nextLineLegacyId: number;
  nextCustomerLegacyId: number;
  tokenCounter: number;
  /** Whether the shop can be called: a frozen shop answers 402, a locked one 423 (see admin-api.ts). */
  availability: ShopAvailability;
  /** The app's optional scopes this shop granted (app-scopes.ts); token exchanges include them. */
  optionalScopesGranted: string[];
}

/** "frozen": unpaid Shopify bills; "locked": Shopify locked the store (e.g. for review). */
export type ShopAvailability = "open" | "frozen" | "locked";

export interface StandInState {
  shops: Map<string, ShopState>;
  clock: Clock;
  throttle: ThrottleConfig;
  app: AppCredentials;
  /**
   * From this instant non-expiring offline tokens are refused (Shopify: public
   * apps, from 2027-01-01). null (the default): always accepted, so tests using
   * the seeded non-expiring tokens do not depend on the day they run.
   */
  nonExpiringTokensRefusedFrom: number | null;
  /** Where the stand-in is reached from a browser (its invoice pages): set by server.ts once it listens. */
  publicUrl: string;
  /** Where the app receives webhooks (`https://app/webhooks`, one route per topic below it); null: none sent. */
  webhookUrl: string | null;
}

function legacyOf(gid: string): number {
  return Number(gid.split("/").pop()?.split("?")[0] ?? 0);
}

export function createShopState(shop: SeedShop, throttle: ThrottleConfig, now: number): ShopState {
  const tokens = new Map<string, TokenGrant>();
  tokens.set(shop.accessToken, { scopes: splitScopes(shop.scopes), expiresAt: null, kind: "seeded" });
  const maxNumber = Math.max(1000, ...shop.orders.map((o) => Number(o.name.replace(/^#/, "")) || 0));
  const maxOrder = Math.max(0, ...shop.orders.map((o) => legacyOf(o.id)));
  const maxLine = Math.max(0, ...shop.orders.flatMap((o) => o.lineItems.map((l) => legacyOf(l.id))));
  const maxCustomer = Math.max(0, ...shop.customers.map((c) => legacyOf(c.id)));
  return {
    shop,
    tokens,
    bucket: { available: throttle.maximumAvailable, at: now },
    throttle: { ...throttle },
    created: [],
    refreshTokens: new Map(),
    migrations: new Map(),
    tokenRequests: [],
    appSubscriptions: [],
    nextOrderNumber: maxNumber + 1,
    nextOrderLegacyId: maxOrder + 1000,
    nextLineLegacyId: maxLine + 1000,
    nextCustomerLegacyId: maxCustomer + 1000,
    tokenCounter: 0,
    availability: "open",
    optionalScopesGranted: [],
  };
}

export function splitScopes(scopes: string): string[] {
  return scopes
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function createState(options: {
  seed?: Seed;
  clock?: Clock;
  throttle?: Partial<ThrottleConfig>;
  app?: Partial<AppCredentials>;
  nonExpiringTokensRefusedFrom?: number | null;
  webhookUrl?: string | null;
}): StandInState {
  const clock = options.clock ?? createOffsetClock();
  const throttle = { ...STANDARD_PLAN_THROTTLE, ...options.throttle };
  const seed = structuredClone(options.seed ?? createDefaultSeed());
  const shops = new Map<string, ShopState>();
  for (const shop of seed.shops) shops.set(shop.myshopifyDomain, createShopState(shop, throttle, clock.now()));
  return {
    shops,
    clock,
    throttle,
    app: {
      apiKey: options.app?.apiKey ?? process.env.SHOPIFY_API_KEY ?? "test-api-key",
      apiSecret: options.app?.apiSecret ?? process.env.SHOPIFY_API_SECRET ?? "test-api-secret",
      scopes: options.app?.scopes ?? process.env.SCOPES ?? "read_orders,read_customers,write_orders,read_products",
      optionalScopes: options.app?.optionalScopes ?? "write_draft_orders",
    },
    nonExpiringTokensRefusedFrom: options.nonExpiringTokensRefusedFrom ?? null,
    publicUrl: "http://127.0.0.1",
    webhookUrl: options.webhookUrl ?? null,
  };
}

/** Replaces all shops with a fresh copy of `seed` (tokens issued by token exchange are dropped). */
export function reseed(state: StandInState, seed: Seed): void {
  state.shops.clear();
  for (const shop of structuredClone(seed).shops) {
    state.shops.set(shop.myshopifyDomain, createShopState(shop, state.throttle, state.clock.now()));
  }
}

// ---------------------------------------------------------------------------
// Leaky bucket
// ---------------------------------------------------------------------------

/** Points available now, after restoring at restoreRate since the last update. */
export function bucketAvailable(shop: ShopState, now: number): number {
  const elapsed = Math.max(0, now - shop.bucket.at) / 1000;
  return Math.min(shop.throttle.maximumAvailable, shop.bucket.available + elapsed * shop.throttle.restoreRate);
}

/** Moves the bucket to `now` and removes `cost` points. */
export function bucketSpend(shop: ShopState, now: number, cost: number): number {
  const available = bucketAvailable(shop, now) - cost;
  shop.bucket = { available, at: now };
  return available;
}

export function bucketSet(shop: ShopState, now: number, available: number): void {
  shop.bucket = { available: Math.max(0, Math.min(shop.throttle.maximumAvailable, available)), at: now };
}

/** Scope check with Shopify's implication: write_x grants read_x. */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  if (required.startsWith("read_")) return granted.includes(`write_${required.slice(5)}`);
  return false;
}
