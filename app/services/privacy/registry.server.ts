// The redact registry: the single place that knows where personal data lives.
//
// Every table that holds data about a shop's customers registers a
// `PersonalDataPlace` below: how to collect what it holds about one customer
// (customers/data_request) and how to erase it (customers/redact). Erasing a
// whole shop (shop/redact) deletes the Shop row, and every tenant table hangs
// off it with ON DELETE CASCADE; the few tables keyed by domain are listed in
// eraseShopData. A table added without an entry here is a privacy bug:
// personal-data-map.server.ts, keyed by every model of the schema, makes
// whoever adds a table say which place below erases it.
import type { Prisma } from "@prisma/client";
import type { CustomerSubject } from "~/domain/customer-subject";
import { deleteCustomerDataRequestsOf, listCustomerDataRequestsOf } from "~/models/customer-data-request.server";
import { deleteSessionsOfShop } from "~/models/session.server";
import { deleteShop } from "~/models/shop.server";
import { collectStripeCustomers, eraseStripeCustomers } from "~/models/stripe.server";
import { deleteDeliveriesOfShopExcept } from "~/models/webhook-delivery.server";
import { collectEInvoiceData, eraseEInvoiceData } from "~/services/documents/einvoice-customer-data.server";
import { collectSignatureData } from "~/services/signing/collect-signature-data.server";
import { eraseSignatureData } from "~/services/signing/erase-signature-data.server";
import { collectTemplateCustomerData } from "~/services/templates/collect-customer-data.server";
import { eraseTemplateCustomerData } from "~/services/templates/erase-customer-data.server";

type Tx = Prisma.TransactionClient;

/** The places, by the stable name the data report shows. */
export const PERSONAL_DATA_PLACE_NAMES = ["signatures", "einvoices", "customerDataRequests", "recurringTemplates", "stripeCustomers"] as const;
export type PersonalDataPlaceName = (typeof PERSONAL_DATA_PLACE_NAMES)[number];

type PersonalDataPlace = {
  /** Stable name shown in the data report. */
  name: PersonalDataPlaceName;
  collect(shopId: string, subject: CustomerSubject, tx: Tx): Promise<unknown[]>;
  /** Returns how many records were erased; `now` is recorded as the erasure time where a place keeps one. */
  erase(shopId: string, subject: CustomerSubject, now: Date, tx: Tx): Promise<number>;
};

const PLACES: PersonalDataPlace[] = [
  {
    // Online signatures hold the signer's typed name, the invoice's e-mail,
    // IP address, user agent, drawn signature, the invoice document as shown
    // and the signed PDF (which contains all of them). Erasing keeps only
    // what identifies no one: the signature id, its times, consent version
    // and language, the invoice number, the document hash and the signed
    // PDF's hash — so /verify still confirms a signed PDF the merchant
    // already holds (their proof outlives our copy of it). The customer's
    // open signing links are closed. Listed before the templates: the match
    // goes through the run's template, whose customer identifiers the
    // templates' erasure removes.
    name: "signatures",
    collect: collectSignatureData,
    erase: eraseSignatureData,
  },
  {
    // French e-invoices: the customer's company identity on their templates
    // (name, SIREN, VAT number, addresses) is erased; the Factur-X documents
    // issued are kept as the merchant's legal accounting records (see
    // einvoice-customer-data.server.ts). Before the templates, for the same
    // reason as the signatures.
    name: "einvoices",
    collect: (shopId, subject, tx) => collectEInvoiceData(tx, shopId, subject),
    erase: (shopId, subject, _now, tx) => eraseEInvoiceData(tx, shopId, subject),
  },
  {
    // Earlier data reports about the customer contain their data too.
    name: "customerDataRequests",
    async collect(shopId, subject, tx) {
      const rows = await listCustomerDataRequestsOf(shopId, subject, tx);
      return rows.map((row) => ({ id: row.id, createdAt: row.createdAt.toISOString() }));
    },
    erase: (shopId, subject, _now, tx) => deleteCustomerDataRequestsOf(shopId, subject, tx),
  },
  {
    // Recurring templates hold a snapshot of the customer (name, e-mail,
    // billing address; for an order placed for a Shopify company location,
    // that location, its company and the company contact's id — a contact is
    // the customer acting for the company, so the id points at the person),
    // copied into each of their runs. Erasing replaces those
    // fields with "[redacted]" / nothing and keeps amounts and dates (the
    // shop's accounting records). A template that could still invoice the
    // customer is cancelled: there is no one left to address the invoice to,
    // and a customer who asked to be forgotten must not keep being billed.
    name: "recurringTemplates",
    collect: (shopId, subject, tx) => collectTemplateCustomerData(tx, shopId, subject),
    erase: (shopId, subject, now, tx) => eraseTemplateCustomerData(tx, shopId, subject, now),
  },
  {
    // Which Stripe customer, in the merchant's own Stripe account, stands for
    // the customer (with their e-mail). Erasing forgets the mapping; the
    // Stripe customer and its invoices are the merchant's records, kept in
    // the merchant's Stripe account under the merchant's own obligations.
    name: "stripeCustomers",
    collect: (shopId, subject, tx) => collectStripeCustomers(shopId, subject, tx),
    erase: (shopId, subject, _now, tx) => eraseStripeCustomers(shopId, subject, tx),
  },
];

export type CustomerDataReport = {
  shop: string;
  subject: CustomerSubject;
  generatedAt: string;
  data: Record<string, unknown[]>;
};

/** The places' names, in the order they are collected and erased. */
export function personalDataPlaces(): PersonalDataPlaceName[] {
  return PLACES.map((place) => place.name);
}

/** Everything held about one customer, by place, as of `now`. Reads only. */
export async function collectCustomerData(
  shop: { id: string; domain: string },
  subject: CustomerSubject,
  now: Date,
  tx: Tx,
): Promise<CustomerDataReport> {
  const data: Record<string, unknown[]> = {};
  for (const place of PLACES) data[place.name] = await place.collect(shop.id, subject, tx);
  return { shop: shop.domain, subject, generatedAt: now.toISOString(), data };
}

/** Erases one customer's personal data everywhere it lives (idempotent); returns counts by place. */
export async function eraseCustomerData(shopId: string, subject: CustomerSubject, now: Date, tx: Tx): Promise<Record<string, number>> {
  const erased: Record<string, number> = {};
  for (const place of PLACES) erased[place.name] = await place.erase(shopId, subject, now, tx);
  return erased;
}

/**
 * Erases everything held for a shop. Keeps only the receipt of this erasure
 * (the shop/redact delivery row: webhook id, topic, domain, time), which holds
 * no customer data and proves the request was honoured.
 */
export async function eraseShopData(domain: string, keepDeliveryWebhookId: string, tx: Tx): Promise<void> {
  // The tables keyed by domain, not by the Shop row.
  await deleteSessionsOfShop(domain, tx);
  await deleteDeliveriesOfShopExcept(domain, keepDeliveryWebhookId, tx);
  // Every other tenant table cascades from Shop.
  await deleteShop(domain, tx);
}
