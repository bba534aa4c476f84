// Which columns of which tables can hold personal data, and what erases them.
//
// The redact registry (registry.server.ts) says how to collect and erase a
// customer's data; this map says where it can be, for every table of the
// schema. It is keyed by Prisma's model names and its columns by Prisma's
// field enums, so a table added to prisma/schema.prisma without an entry
// here does not compile, and a column renamed or dropped is a type error:
// whoever adds a table must decide, here, whether it holds personal data and
// which registry place erases it (tests/unit/personal-data-map.test.ts checks
// each named place exists).
import type { Prisma } from "@prisma/client";
import type { PersonalDataPlaceName } from "./registry.server";

type ColumnOf<M extends Prisma.ModelName> = keyof (typeof Prisma)[`${M}ScalarFieldEnum`];

/** What a table holds about people, and who erases it. */
export type PersonalDataEntry<M extends Prisma.ModelName> =
  /** Nothing about a person: ids, amounts, states, the shop's own business data. */
  | { holds: "nothing" }
  /**
   * Data about a shop's customer: these columns, erased by customers/redact
   * through the registry place named (and by shop/redact with the shop).
   */
  | { holds: "customer"; columns: readonly ColumnOf<M>[]; erasedBy: PersonalDataPlaceName }
  /**
   * Data about the merchant's staff (the Shopify user behind a session):
   * erased with the shop (app/uninstalled and shop/redact), never reported
   * to a customer.
   */
  | { holds: "merchant_staff"; columns: readonly ColumnOf<M>[] };

export const PERSONAL_DATA_MAP: { [M in Prisma.ModelName]: PersonalDataEntry<M> } = {
  Session: { holds: "merchant_staff", columns: ["firstName", "lastName", "email"] },
  Shop: { holds: "nothing" },
  WebhookDelivery: { holds: "nothing" },
  CustomerDataRequest: { holds: "customer", columns: ["shopifyCustomerId", "customerEmail", "report"], erasedBy: "customerDataRequests" },
  // `einvoice` (the buyer company's identity) is cleared by the "einvoices" place, which runs before this one.
  // `customer` holds, for a B2B order, the Shopify company location billed and the company contact's id (the person): erased with it.
  RecurringTemplate: { holds: "customer", columns: ["shopifyCustomerId", "customerEmail", "customer", "einvoice"], erasedBy: "recurringTemplates" },
  // The run's snapshot is the template's customer as of the period; the
  // templates' erasure erases it in each run. On the Shopify invoice rail,
  // customerId is the customer's Shopify GID: erased with them too.
  InvoiceRun: { holds: "customer", columns: ["snapshot", "lastErrorMessage", "customerId"], erasedBy: "recurringTemplates" },
  // Event details record ids and codes; a failure's detail may quote the
  // provider's message. Stored with placeholders for the customer's data
  // (app/domain/personal-text.ts); rows written before are scrubbed by the
  // templates' erasure, like lastErrorMessage and WriteBack.lastError.
  RunEvent: { holds: "customer", columns: ["detail"], erasedBy: "recurringTemplates" },
  WriteBack: { holds: "customer", columns: ["lastError"], erasedBy: "recurringTemplates" },
  StripeCustomer: { holds: "customer", columns: ["shopifyCustomerId", "customerEmail"], erasedBy: "stripeCustomers" },
  StripeTaxRate: { holds: "nothing" },
  StripeKeyRefusal: { holds: "nothing" },
  // An account id and the instant its next Stripe request may leave (the shared rate limit).
  StripeRequestSlot: { holds: "nothing" },
  // The admin user who clicked "Connect with Stripe" (a Shopify user id), for 10 minutes; deleted with the shop.
  StripeOAuthState: { holds: "merchant_staff", columns: ["userId"] },
  // A worker process's id (host:pid:random or the operator's --worker-id) and its start and last tick.
  WorkerHeartbeat: { holds: "nothing" },
  StripeEvent: { holds: "nothing" },
  SigningLink: { holds: "nothing" },
  // The Factur-X as issued names the buyer company (and its address). The
  // "einvoices" place reports them and keeps them on erasure: they are the
  // merchant's accounting records, which the law requires them to keep
  // (app/services/documents/einvoice-customer-data.server.ts).
  // Invoices (kind "invoice") and the credit notes that cancelled them
  // (kind "credit_note", void-einvoice-run.server.ts): the same parties.
  // The run.closed event of a credit note records only its Stripe id and number.
  EInvoiceDocument: { holds: "customer", columns: ["pdf", "xml"], erasedBy: "einvoices" },
  Signature: {
    holds: "customer",
    columns: ["signerName", "signerEmail", "ipAddress", "userAgent", "image", "document", "signedPdf"],
    erasedBy: "signatures",
  },
  // Keys are an HMAC of what is counted (a client address, a token hash, a shop): nothing readable.
  RateLimitCounter: { holds: "nothing" },
};

/** The registry places this map names, each of which must exist. */
export function placesNamed(): PersonalDataPlaceName[] {
  const names = new Set<PersonalDataPlaceName>();
  for (const entry of Object.values(PERSONAL_DATA_MAP)) if (entry.holds === "customer") names.add(entry.erasedBy);
  return [...names];
}
