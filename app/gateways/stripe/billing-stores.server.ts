// What the Stripe billing adapter remembers between runs, as interfaces it
// receives in its constructor: a gateway never calls a model. The
// implementations over our tables are wired in
// app/services/invoicing/stripe-rail.server.ts; tests pass in-memory ones.
import { createHash } from "node:crypto";

/** Which Stripe customer stands for one shop's customer in one connected account. */
export type CustomerMappingKey = {
  shopDomain: string;
  account: string;
  /** The Shopify customer GID, or `email:<lower-cased email>` for an order without a customer. */
  customerKey: string;
};

export type CustomerMapping = {
  customerId: string;
  /** Hash of the details last sent to Stripe; a different one means the customer must be updated. */
  fingerprint: string;
};

export interface StripeCustomerStore {
  find(key: CustomerMappingKey): Promise<CustomerMapping | null>;
  /** Inserts or replaces the mapping. The customer's identifiers are kept for data requests and erasure. */
  save(key: CustomerMappingKey, mapping: CustomerMapping & { email: string; shopifyCustomerId: string | null }): Promise<void>;
  forget(key: CustomerMappingKey): Promise<void>;
}

/** A tax rate's identity within one account: Stripe tax rates are immutable in these fields. */
export type TaxRateKey = { account: string; percentage: string; inclusive: boolean; displayName: string };

export interface StripeTaxRateStore {
  find(key: TaxRateKey): Promise<string | null>;
  /** Records the tax rate id; keeps the first one when another process recorded one meanwhile. */
  save(key: TaxRateKey, taxRateId: string): Promise<void>;
  forget(key: TaxRateKey): Promise<void>;
}

/**
 * A stable hash of what was (or will be) sent to Stripe: a customer's
 * details (CustomerMapping.fingerprint) or a tax rate's identity, so two
 * processes derive the same single-flight and idempotency keys.
 */
export function fingerprintOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}
