// The Stripe billing gateway wired to the database: customer mappings and
// the tax-rate cache live in our tables (app/models/stripe.server.ts).
//
// Also the default gateway of a worker process (app/worker/main.ts).
import { StripeBillingGateway, type StripeCustomerStore, type StripeTaxRateStore } from "~/gateways/stripe/billing-gateway.server";
import { stripeClient, type StripeClient } from "~/gateways/stripe/client.server";
import {
  findStripeCustomer,
  findStripeTaxRate,
  forgetStripeCustomer,
  forgetStripeTaxRate,
  saveStripeCustomer,
  saveStripeTaxRate,
} from "~/models/stripe.server";

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

export const stripeTaxRateStore: StripeTaxRateStore = {
  find: (key) => findStripeTaxRate(key),
  save: (key, taxRateId) => saveStripeTaxRate(key, taxRateId),
  forget: (key) => forgetStripeTaxRate(key),
};

/** The gateway on `client` (default: the process's client, whose rate limiter every caller shares). */
export function createStripeBillingGateway(client: StripeClient = stripeClient()): StripeBillingGateway {
  return new StripeBillingGateway(client, stripeCustomerStore, stripeTaxRateStore);
}

export default createStripeBillingGateway;
