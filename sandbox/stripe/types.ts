// Shapes of what the stand-in serves, pinned to the installed SDK's types so a
// field Stripe adds, removes or renames in `stripe@23` (API 2026-10-28.endive)
// is a compile error here. The only departure: fields the SDK types as
// `Decimal` travel as strings on the wire (the SDK converts them on receipt),
// so the `Wire*` types spell them as strings.

import type Stripe from "stripe";

export type WireLinePricing = Omit<Stripe.InvoiceLineItem.Pricing, "unit_amount_decimal"> & {
  unit_amount_decimal: string | null;
};
export type WireLineItem = Omit<Stripe.InvoiceLineItem, "pricing" | "quantity_decimal"> & {
  pricing: WireLinePricing | null;
  quantity_decimal: string | null;
};
export type WireInvoice = Omit<Stripe.Invoice, "lines"> & { lines: Stripe.ApiList<WireLineItem> };
export type WireItemPricing = Omit<Stripe.InvoiceItem.Pricing, "unit_amount_decimal"> & {
  unit_amount_decimal: string | null;
};
export type WireInvoiceItem = Omit<Stripe.InvoiceItem, "pricing" | "quantity_decimal"> & {
  pricing: WireItemPricing | null;
  quantity_decimal: string;
};
export type WireCreditNoteLine = Omit<Stripe.CreditNoteLineItem, "unit_amount_decimal"> & { unit_amount_decimal: string | null };
export type WireCreditNote = Omit<Stripe.CreditNote, "lines"> & { lines: Stripe.ApiList<WireCreditNoteLine> };
export type WireCustomer = Stripe.Customer;
export type WireTaxRate = Stripe.TaxRate;
export type WireCoupon = Stripe.Coupon;
export type WireDiscount = Stripe.Discount;
export type WireProduct = Stripe.Product;
export type WireApplication = Stripe.Application;

/** What an event's `data.object` can be here, in wire form. */
type WireOf<T> = T extends Stripe.Invoice
  ? WireInvoice
  : T extends Stripe.InvoiceItem
    ? WireInvoiceItem
    : T extends Stripe.CreditNote
      ? WireCreditNote
      : T;

/** Event types the stand-in emits (a subset of the SDK's `Stripe.Event.Type`). */
export type StandInEventType = Extract<
  Stripe.Event.Type,
  | "invoice.created"
  | "invoice.finalized"
  | "invoice.sent"
  | "invoice.paid"
  | "invoice.payment_succeeded"
  | "invoice.payment_failed"
  | "invoice.voided"
  | "invoice.marked_uncollectible"
  | "invoice.overdue"
  | "invoice.updated"
  | "invoice.deleted"
  | "credit_note.created"
  | "credit_note.updated"
  | "credit_note.voided"
  | "invoiceitem.created"
  | "invoiceitem.deleted"
  | "customer.created"
  | "customer.updated"
  | "customer.deleted"
  | "tax_rate.created"
  | "coupon.created"
  | "product.created"
  | "account.application.authorized"
  | "account.application.deauthorized"
>;

type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

/** A Stripe event as serialized on the wire, typed per event type from the SDK. */
export type WireEvent<T extends StandInEventType = StandInEventType> = T extends StandInEventType
  ? Omit<EventOf<T>, "data"> & {
      data: {
        object: WireOf<EventOf<T>["data"]["object"]> | DeletedObject;
        previous_attributes?: Record<string, unknown>;
      };
    }
  : never;

export interface DeletedObject {
  id: string;
  object: string;
  deleted: true;
}

export interface ApiListBody<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export interface SearchResultBody<T> {
  object: "search_result";
  data: T[];
  has_more: boolean;
  url: string;
  next_page: string | null;
  total_count?: number;
}

// ---------------------------------------------------------------------------
// Internal records

export interface AccountRecord {
  id: string;
  businessName: string;
  country: string;
  defaultCurrency: string;
  email: string | null;
  /** Account-level invoice numbering: `PREFIX-0001`. */
  invoicePrefix: string;
  nextInvoiceNumber: number;
  /** Platform may act on it (Stripe-Account header). */
  connected: boolean;
  isPlatform: boolean;
  created: number;
}

/** Bookkeeping every stored object carries: insertion order and wall time (search lag). */
export interface Meta {
  seq: number;
  wall: number;
}

export interface InvoiceItemRecord extends Meta {
  id: string;
  lineId: string;
  created: number;
  customer: string;
  currency: string;
  description: string | null;
  discountable: boolean;
  discountIds: string[];
  invoice: string | null;
  metadata: Record<string, string>;
  period: { start: number; end: number };
  product: string | null;
  /** Inline price Stripe creates for `price_data` items. */
  priceId: string | null;
  quantity: string; // decimal string
  unitAmountDecimal: string; // decimal string, minor units
  /** `amount` as given, or round(quantity × unit_amount_decimal). */
  amount: number;
  taxRateIds: string[];
}

export type InvoiceStatus = "draft" | "open" | "paid" | "void" | "uncollectible";

export interface CustomerSnapshot {
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Stripe.Address | null;
  shipping: Stripe.Customer.Shipping | null;
  tax_exempt: Stripe.Invoice.CustomerTaxExempt | null;
}

export interface InvoiceRecord extends Meta {
  id: string;
  account: string;
  created: number;
  customer: string;
  currency: string;
  collectionMethod: "send_invoice" | "charge_automatically";
  daysUntilDue: number | null;
  dueDate: number | null;
  autoAdvance: boolean;
  automaticallyFinalizesAt: number | null;
  description: string | null;
  footer: string | null;
  customFields: { name: string; value: string }[] | null;
  metadata: Record<string, string>;
  defaultTaxRateIds: string[];
  discountIds: string[];
  /** `payment_settings.payment_method_types` (null = the account's defaults). */
  paymentMethodTypes: string[] | null;
  status: InvoiceStatus;
  number: string | null;
  statementDescriptor: string | null;
  effectiveAt: number | null;
  transitions: Stripe.Invoice.StatusTransitions;
  amountPaid: number;
  amountPaidOffStripe: number;
  /** Σ the issued credit notes' pre_payment_amount / post_payment_amount (voided ones given back). */
  creditedPrePayment: number;
  creditedPostPayment: number;
  attemptCount: number;
  attempted: boolean;
  /** Customer details frozen at finalization (drafts show the live customer). */
  customerSnapshot: CustomerSnapshot | null;
  application: string | null;
  overdueNotified: boolean;
  uncollectibleReason: null;
  /** Set when finalized: the URLs then stay stable. */
  hostedUrl: string | null;
  pdfUrl: string | null;
}

/**
 * An invoice e-mail Stripe sends the customer (`/send`, or the automatic send
 * of an auto-advancing `send_invoice` invoice). Test mode sends none
 * (https://docs.stripe.com/api/invoices/send); the stand-in counts the ones
 * live mode would send, so a test can assert "one e-mail per invoice".
 */
export interface SentEmail {
  account: string;
  invoice: string;
  /** The invoice's customer_email when it was sent. */
  to: string | null;
  /** Stand-in clock, epoch ms. */
  time: number;
  /** The API request that sent it (null: the automatic send). */
  requestId: string | null;
  idempotencyKey: string | null;
}

export interface TaxRateRecord extends Meta {
  obj: WireTaxRate;
  /** Exact percentage as sent (e.g. "8.875"); `obj.percentage` is its float. */
  percentage: string;
}

export interface CouponRecord extends Meta {
  obj: WireCoupon;
  percentOff: string | null;
}

export interface Stored<T> extends Meta {
  obj: T;
}

/** A credit note line as stored: amounts computed once, at creation. */
export interface CreditNoteLineRecord {
  id: string;
  type: "invoice_line_item" | "custom_line_item";
  invoiceLineItem: string | null;
  description: string | null;
  quantity: number | null;
  unitAmount: number | null;
  /** Gross credited amount, excluding exclusive tax and discounts (Stripe's line `amount`). */
  amount: number;
  discountAmount: number;
  taxes: { amount: number; taxRate: string; inclusive: boolean; taxable: number }[];
  metadata: Record<string, string>;
}

export interface CreditNoteRecord extends Meta {
  id: string;
  invoice: string;
  customer: string;
  currency: string;
  created: number;
  effectiveAt: number;
  number: string;
  status: "issued" | "void";
  memo: string | null;
  reason: Stripe.CreditNote.Reason | null;
  metadata: Record<string, string>;
  lines: CreditNoteLineRecord[];
  /** Total credited, tax included. */
  total: number;
  prePaymentAmount: number;
  postPaymentAmount: number;
  outOfBandAmount: number | null;
  voidedAt: number | null;
}
