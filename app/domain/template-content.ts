/**
 * What a template issues for one period: its content (customer, lines,
 * policies) → the snapshot a run freezes when it is planned, and the total
 * the provider must compute. The templates service (create, edit, resume…)
 * and the worker's scheduler plan runs with the same function, so a run's
 * snapshot never depends on who planned it.
 *
 * Pure: the snapshot has the shape of app/models/invoice-run.server.ts's
 * `RunSnapshot`, without importing it.
 */
import { ValidationError } from "./errors";
import { draftInvoice, InvoiceDraftError, requireIssuableTotal, type InvoiceDraft, type ShippingSnapshot, type TemplateLine } from "./invoice-draft";
import { MoneyError } from "./money";
import type { CustomerSnapshotInput } from "./order-snapshot";
import { draftErrorCode } from "./template-input";

/** Placeholder that replaces erased personal fields (customers/redact). */
export const REDACTED = "[redacted]";

export type CustomerSnapshot = CustomerSnapshotInput;

/** A template's content: everything a period's invoice is made from. */
export type TemplateContent = {
  customer: CustomerSnapshot;
  currency: string;
  lines: TemplateLine[];
  taxesIncluded: boolean;
  shipping: ShippingSnapshot | null;
  memo: string | null;
  daysUntilDue: number;
  signatureRequested: boolean;
  /** How the customer pays (a BillingRail); absent or anything but "shopify": Stripe. */
  rail?: string;
};

/** One invoice line as a run freezes it. */
export type PlannedLine = {
  description: string;
  /** The template line's Shopify variant, for the write-back and the Shopify rail; absent for custom lines. */
  variantId?: string;
  /** The shipping line (the last). */
  shipping?: true;
  quantity: number;
  unitAmount: number;
  discountAmount: number;
  taxes: { title: string; ratePercent: string; inclusive: boolean }[];
};

/** What a run issues, frozen when it is planned (or re-planned by an edit before it starts). */
export type PlannedSnapshot = {
  customer: CustomerSnapshot;
  lines: PlannedLine[];
  daysUntilDue: number;
  memo?: string;
  signatureRequested: boolean;
  /** The rail the run issues on, frozen with the rest; absent: Stripe. */
  rail?: "shopify";
};

/**
 * The invoice the content makes.
 * @throws ValidationError when the lines cannot make an invoice (a discount
 *   larger than its line…), with the draft's English detail.
 */
export function draftOf(content: Pick<TemplateContent, "currency" | "lines" | "taxesIncluded" | "shipping">): InvoiceDraft {
  return asFieldRefusal(() => draftInvoice(content));
}

/**
 * The invoice the content makes, if a template may be saved with it: its
 * total is above zero (see requireIssuableTotal). For the form's submit and
 * the templates service's create and edit; planning runs of a saved template
 * uses {@link draftOf}.
 * @throws ValidationError (see {@link draftOf}), `total_not_positive` on "lines".
 */
export function issuableDraftOf(content: Pick<TemplateContent, "currency" | "lines" | "taxesIncluded" | "shipping">): InvoiceDraft {
  return asFieldRefusal(() => requireIssuableTotal(draftInvoice(content)));
}

function asFieldRefusal(compute: () => InvoiceDraft): InvoiceDraft {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InvoiceDraftError) throw new ValidationError({ [error.field]: { code: draftErrorCode(error), message: error.message } });
    if (error instanceof MoneyError) throw new ValidationError({ lines: { code: "price_invalid", message: error.message } });
    throw error;
  }
}

/**
 * What a run planned now for this content issues: its frozen snapshot and expected total.
 * @throws ValidationError (see {@link draftOf})
 */
export function plannedContentOf(content: TemplateContent): { snapshot: PlannedSnapshot; currency: string; expectedTotal: number } {
  const draft = draftOf(content);
  const snapshot: PlannedSnapshot = {
    customer: content.customer,
    lines: draft.lines.map((line, index) => {
      // draft.lines follow content.lines index for index; shipping, last, has no template line and so no variant.
      const variantId = content.lines[index]?.variantId;
      return {
        description: line.description,
        ...(variantId ? { variantId } : {}),
        ...(content.shipping && index === content.lines.length ? { shipping: true as const } : {}),
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        taxes: line.taxes.map(({ title, ratePercent, inclusive }) => ({ title, ratePercent, inclusive })),
      };
    }),
    daysUntilDue: content.daysUntilDue,
    signatureRequested: content.signatureRequested,
  };
  if (content.memo) snapshot.memo = content.memo;
  if (content.rail === "shopify") snapshot.rail = "shopify";
  return { snapshot, currency: content.currency, expectedTotal: draft.expectedTotal };
}

/** The customer once erased (customers/redact): name and e-mail "[redacted]", no address or Shopify id; the language stays. */
export function redactedCustomer(customer: CustomerSnapshot): CustomerSnapshot {
  const erased: CustomerSnapshot = { name: REDACTED, email: REDACTED };
  if (customer.locale) erased.locale = customer.locale;
  return erased;
}
