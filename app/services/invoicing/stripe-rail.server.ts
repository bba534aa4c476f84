// The Stripe billing rail: the Stripe billing adapter
// (app/gateways/stripe/billing-adapter.server.ts) wired to our tables. The
// adapter's memory between runs (customer mappings, the tax-rate cache) lives
// in app/models/stripe.server.ts; this is the one place that binds the two.
//
// The gateway of every production worker: the worker process
// (app/worker/main.ts) and the worker embedded in the web process
// (server/embedded-worker.ts).
import type { BillingGateway } from "~/domain/billing";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import type { StripeCustomerStore, StripeTaxRateStore } from "~/gateways/stripe/billing-stores.server";
import { stripeClient, type StripeClient } from "~/gateways/stripe/client.server";
import {
  findStripeCustomer,
  findStripeTaxRate,
  forgetStripeCustomer,
  forgetStripeTaxRate,
  saveStripeCustomer,
  saveStripeTaxRate,
} from "~/models/stripe.server";

/** Customer mappings in the StripeCustomer table. */
export const stripeCustomerStore: StripeCustomerStore = {
  async find(key) {
    const row = await findStripeCustomer(key);
    return row && { customerId: row.stripeCustomerId, fingerprint: row.fingerprint };
  },
  save: (key, mapping) =>
    saveStripeCustomer(key, {
      stripeCustomerId: mapping.customerId,
      fingerprint: mapping.fingerprint,
      email: mapping.email,
      shopifyCustomerId: mapping.shopifyCustomerId,
    }),
  forget: (key) => forgetStripeCustomer(key),
};

/** Tax rate ids in the StripeTaxRate table. */
export const stripeTaxRateStore: StripeTaxRateStore = {
  find: (key) => findStripeTaxRate(key),
  save: (key, taxRateId) => saveStripeTaxRate(key, taxRateId),
  forget: (key) => forgetStripeTaxRate(key),
};

/**
 * The Stripe adapter on our tables, calling Stripe through `client` (default:
 * the process's client, whose per-account rate limiter every caller shares).
 * @throws Error when STRIPE_SECRET_KEY is not set (and no client is given).
 */
export function createStripeRail(client: StripeClient = stripeClient()): BillingGateway {
  return new StripeBillingAdapter(client, stripeCustomerStore, stripeTaxRateStore);
}
