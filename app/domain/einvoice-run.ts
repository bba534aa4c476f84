/**
 * A run as issued (its frozen snapshot and the provider's invoice number)
 * → the e-invoice input: the Factur-X is derived from the very lines the
 * Stripe invoice was made of, so both show the same amounts to the cent.
 * Pure; the snapshot has the shape of app/models/invoice-run.server.ts's
 * `RunSnapshot` (see template-content.ts), without importing it.
 */
import { Temporal } from "temporal-polyfill";
import type { BuyerCompany, EInvoiceInput, LineNature, SellerIdentity } from "./einvoice";
import type { PlannedSnapshot } from "./template-content";

export type IssuedRun = {
  snapshot: Pick<PlannedSnapshot, "lines" | "daysUntilDue">;
  currency: string;
  /** The provider's number (Stripe assigns it at finalization). */
  invoiceNumber: string;
  hostedInvoiceUrl?: string | null;
};

export type EInvoiceContext = {
  seller: SellerIdentity;
  buyer: BuyerCompany;
  /** Per snapshot line; a line without one is goods when it came from a product variant, services otherwise. */
  natures?: readonly (LineNature | undefined)[];
  /** The civil date the provider finalized the invoice, in the shop's time zone. */
  issueDate: string;
  /** The period the invoice bills: its first and last civil days. */
  periodStart: string;
  periodEnd: string;
};

/** "2026-12-15" → "15/12/2026". */
const frenchDate = (civil: string) => civil.split("-").reverse().join("/");

/** The default nature of a line: a product variant is goods (physical products are what Shopify variants mostly are), anything else services. */
export function defaultNature(line: { variantId?: string }): LineNature {
  return line.variantId ? "goods" : "services";
}

export function einvoiceInputFromRun(run: IssuedRun, context: EInvoiceContext): EInvoiceInput {
  const dueDate = Temporal.PlainDate.from(context.issueDate).add({ days: run.snapshot.daysUntilDue }).toString();
  return {
    kind: "invoice",
    number: run.invoiceNumber,
    issueDate: context.issueDate,
    dueDate,
    periodStart: context.periodStart,
    periodEnd: context.periodEnd,
    currency: run.currency,
    seller: context.seller,
    buyer: context.buyer,
    lines: run.snapshot.lines.map((line, index) => ({
      description: line.description,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      discountAmount: line.discountAmount,
      taxes: line.taxes,
      nature: context.natures?.[index] ?? defaultNature(line),
    })),
    paymentTerms: `Paiement à ${run.snapshot.daysUntilDue} jours, au plus tard le ${frenchDate(dueDate)}, en ligne sur la page de la facture.`,
    ...(run.hostedInvoiceUrl ? { paymentUrl: run.hostedInvoiceUrl } : {}),
  };
}
