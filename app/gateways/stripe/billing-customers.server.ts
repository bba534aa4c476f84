// The customer step of the Stripe billing adapter: one Stripe customer per
// shop customer and connected account, reused across periods, updated when
// the details the template holds change, created again when the merchant
// deleted it in Stripe.
import type Stripe from "stripe";
import type { BillingCustomer, InvoiceRequest, StepContext } from "~/domain/billing";
import { fingerprintOf, type CustomerMappingKey, type StripeCustomerStore } from "./billing-stores.server";
import type { StripeClient } from "./client.server";
import { isStripeCode, keyAfterFailedRequest, needsReconciliation } from "./errors.server";
import type { SingleFlight } from "./single-flight.server";

/**
 * Locales Stripe accepts for a customer's emails, invoices and hosted pages
 * (https://docs.stripe.com/api/customers/object#customer_object-preferred_locales).
 */
const STRIPE_LOCALES = new Set([
  "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id",
  "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th",
  "tr", "vi", "zh", "zh-HK", "zh-TW",
]);

/**
 * The Stripe customer of the request's customer: the mapped one when Stripe
 * has its current details, updated when they changed, else a new one (also
 * when the mapped one was deleted in Stripe). Concurrent runs of one process
 * for the same customer share one execution. Stripe errors are thrown as the
 * SDK's own (the adapter translates them).
 */
export function ensureStripeCustomer(
  client: StripeClient,
  customers: StripeCustomerStore,
  flights: SingleFlight,
  request: InvoiceRequest,
  context: StepContext,
): Promise<string> {
  const key = customerMappingKey(request);
  const params = customerParams(request.customer);
  const fingerprint = fingerprintOf(params);
  return flights.run(`customer:${key.account}:${key.shopDomain}:${key.customerKey}:${fingerprint}`, async () => {
    const mapping = await customers.find(key);
    if (mapping?.fingerprint === fingerprint) return mapping.customerId;
    const identity = { fingerprint, email: request.customer.email, shopifyCustomerId: request.customer.shopifyCustomerId ?? null };
    if (mapping && (await updateCustomer(client, request.account, mapping.customerId, params, context))) {
      await customers.save(key, { customerId: mapping.customerId, ...identity });
      return mapping.customerId;
    }
    const created = await createCustomer(client, request, params, context);
    await customers.save(key, { customerId: created, ...identity });
    return created;
  });
}

export function customerMappingKey(request: InvoiceRequest): CustomerMappingKey {
  const { shopifyCustomerId, email } = request.customer;
  return {
    shopDomain: request.shopDomain,
    account: request.account,
    customerKey: shopifyCustomerId ?? `email:${email.trim().toLowerCase()}`,
  };
}

/** The customer's locale as Stripe knows it ("fr-FR" → "fr", "pt-BR" stays), or undefined. */
export function stripeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  const [language = "", region] = locale.split(/[-_]/);
  const exact = region ? `${language.toLowerCase()}-${region.toUpperCase()}` : language.toLowerCase();
  if (STRIPE_LOCALES.has(exact)) return exact;
  return STRIPE_LOCALES.has(language.toLowerCase()) ? language.toLowerCase() : undefined;
}

async function createCustomer(
  client: StripeClient,
  request: InvoiceRequest,
  params: Stripe.CustomerCreateParams,
  context: StepContext,
): Promise<string> {
  const metadata: Record<string, string> = { shop: request.shopDomain };
  if (request.customer.shopifyCustomerId) metadata.shopify_customer_id = request.customer.shopifyCustomerId;
  const create = (idempotencyKey: string) =>
    client.call(request.account, (stripe, options) => stripe.customers.create({ ...params, metadata }, { ...options, idempotencyKey }));
  try {
    return (await create(context.idempotencyKey)).id;
  } catch (error) {
    if (!needsReconciliation(error)) throw error;
    // Listing by email is always current; our metadata tells our customer apart from the merchant's own.
    const existing = await client.call(request.account, (stripe, options) =>
      stripe.customers.list({ email: request.customer.email, limit: 100 }, options),
    );
    const ours = existing.data.find(
      (customer) => customer.metadata.shop === request.shopDomain && customer.metadata.shopify_customer_id === metadata.shopify_customer_id,
    );
    if (ours) return ours.id;
    const next = keyAfterFailedRequest(context.idempotencyKey, error);
    if (next === null) throw error;
    return (await create(next)).id;
  }
}

/** Brings the customer's details up to date; false when the customer no longer exists in Stripe. */
async function updateCustomer(
  client: StripeClient,
  account: string,
  customerId: string,
  params: Stripe.CustomerUpdateParams,
  context: StepContext,
): Promise<boolean> {
  try {
    await client.call(account, (stripe, options) =>
      stripe.customers.update(customerId, params, { ...options, idempotencyKey: `${context.idempotencyKey}:update` }),
    );
    return true;
  } catch (error) {
    if (isStripeCode(error, "resource_missing")) return false;
    throw error;
  }
}

function customerParams(customer: BillingCustomer): Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams {
  const params: Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams = { email: customer.email, name: customer.name };
  const locale = stripeLocale(customer.locale);
  if (locale) params.preferred_locales = [locale];
  const address = customer.address;
  if (address) {
    const wire: Stripe.AddressParam = {};
    if (address.line1) wire.line1 = address.line1;
    if (address.line2) wire.line2 = address.line2;
    if (address.city) wire.city = address.city;
    if (address.state) wire.state = address.state;
    if (address.postalCode) wire.postal_code = address.postalCode;
    if (address.country) wire.country = address.country;
    if (Object.keys(wire).length > 0) params.address = wire;
  }
  return params;
}
