/**
 * Who a privacy request is about, as Shopify identifies a customer in the
 * compliance webhooks (customers/data_request, customers/redact): a record
 * matches when either identifier does; an absent identifier matches nothing.
 * Every personal-data place of the redact registry
 * (app/services/privacy/registry.server.ts) is queried by it.
 */
export type CustomerSubject = { shopifyCustomerId?: string; email?: string };
