// The single place that knows where personal data lives.
//
// Every table that holds data about a shop's customers registers a
// `PersonalDataPlace` below: how to collect what it holds about one customer
// (customers/data_request) and how to erase it (customers/redact). Erasing a
// whole shop (shop/redact) deletes the Shop row, and every tenant table hangs
// off it with ON DELETE CASCADE; the few tables keyed by domain are listed in
// eraseShop. A table added without an entry here is a privacy bug.
import type { Prisma } from "@prisma/client";
import { appClock } from "~/domain/clock";
import { collectStripeCustomers, eraseStripeCustomers } from "~/models/stripe.server";
import { eraseSignaturesOfSubject } from "~/models/signature.server";
import { collectSignatureData } from "./signing.server";
import { collectTemplateCustomerData, eraseTemplateCustomerData } from "./templates.server";

type Tx = Prisma.TransactionClient;

/** Who a request is about, as Shopify identifies them in the compliance payloads. */
export type CustomerSubject = { shopifyCustomerId?: string; email?: string };

type PersonalDataPlace = {
  /** Stable name shown in the data report. */
  name: string;
  collect(tx: Tx, shopId: string, subject: CustomerSubject): Promise<unknown[]>;
  erase(tx: Tx, shopId: string, subject: CustomerSubject): Promise<number>;
};

function customerMatch(subject: CustomerSubject) {
  const or: Prisma.CustomerDataRequestWhereInput[] = [];
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: subject.shopifyCustomerId });
  if (subject.email) or.push({ customerEmail: subject.email });
  return or;
}

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
    erase: (tx, shopId, subject) => eraseSignaturesOfSubject(tx, shopId, subject, new Date(appClock.now().epochMilliseconds)),
  },
  {
    // Earlier data reports about the customer contain their data too.
    name: "customerDataRequests",
    async collect(tx, shopId, subject) {
      const or = customerMatch(subject);
      if (or.length === 0) return [];
      const rows = await tx.customerDataRequest.findMany({ where: { shopId, OR: or }, orderBy: { createdAt: "asc" } });
      return rows.map((row) => ({ id: row.id, createdAt: row.createdAt.toISOString() }));
    },
    async erase(tx, shopId, subject) {
      const or = customerMatch(subject);
      if (or.length === 0) return 0;
      const { count } = await tx.customerDataRequest.deleteMany({ where: { shopId, OR: or } });
      return count;
    },
  },
  {
    // Recurring templates hold a snapshot of the customer (name, e-mail,
    // billing address), copied into each of their runs. Erasing replaces those
    // fields with "[redacted]" / nothing and keeps amounts and dates (the
    // shop's accounting records). A template that could still invoice the
    // customer is cancelled: there is no one left to address the invoice to,
    // and a customer who asked to be forgotten must not keep being billed.
    name: "recurringTemplates",
    collect: collectTemplateCustomerData,
    erase: (tx, shopId, subject) => eraseTemplateCustomerData(tx, shopId, subject, new Date(appClock.now().epochMilliseconds)),
  },
  {
    // Which Stripe customer, in the merchant's own Stripe account, stands for
    // the customer (with their e-mail). Erasing forgets the mapping; the
    // Stripe customer and its invoices are the merchant's records, kept in
    // the merchant's Stripe account under the merchant's own obligations.
    name: "stripeCustomers",
    collect: collectStripeCustomers,
    erase: eraseStripeCustomers,
  },
];

export type CustomerDataReport = {
  shop: string;
  subject: CustomerSubject;
  generatedAt: string;
  data: Record<string, unknown[]>;
};

/** Everything held about one customer, by place. */
export async function collectCustomerData(
  tx: Tx,
  shop: { id: string; domain: string },
  subject: CustomerSubject,
  now: Date,
): Promise<CustomerDataReport> {
  const data: Record<string, unknown[]> = {};
  for (const place of PLACES) data[place.name] = await place.collect(tx, shop.id, subject);
  return { shop: shop.domain, subject, generatedAt: now.toISOString(), data };
}

/** Erases one customer's personal data everywhere it lives; returns counts by place. */
export async function eraseCustomerData(
  tx: Tx,
  shopId: string,
  subject: CustomerSubject,
): Promise<Record<string, number>> {
  const erased: Record<string, number> = {};
  for (const place of PLACES) erased[place.name] = await place.erase(tx, shopId, subject);
  return erased;
}

/**
 * Erases everything held for a shop. Keeps only the receipt of this erasure
 * (the shop/redact delivery row: webhook id, topic, domain, time), which holds
 * no customer data and proves the request was honoured.
 */
export async function eraseShop(tx: Tx, domain: string, keepDeliveryWebhookId: string): Promise<void> {
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.webhookDelivery.deleteMany({ where: { shopDomain: domain, NOT: { webhookId: keepDeliveryWebhookId } } });
  // Every other tenant table cascades from Shop.
  await tx.shop.deleteMany({ where: { domain } });
}
