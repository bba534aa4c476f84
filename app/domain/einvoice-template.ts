/**
 * A template's e-invoice settings (RecurringTemplate.einvoice): whether its
 * runs issue a Factur-X, the buyer company's identity, and whether each
 * invoice line is goods or services. Pure.
 */
import type { BuyerCompany, LineNature } from "./einvoice";
import type { CustomerSnapshotInput } from "./order-snapshot";
import { defaultNature } from "./einvoice-run";

export type TemplateEInvoice = {
  enabled: boolean;
  buyer: BuyerCompany;
  /** Per run line (the template's lines, then its shipping); missing entries take {@link defaultNature}. */
  natures: LineNature[];
};

/**
 * What the template page's e-invoice card starts from when nothing was saved:
 * off, the customer's name and billing address, natures by product variant.
 * A customer billed in France is offered the card first.
 */
export function prefilledEInvoice(customer: CustomerSnapshotInput, lines: readonly { variantId?: string }[]): TemplateEInvoice {
  const address = customer.address ?? {};
  return {
    enabled: false,
    buyer: {
      name: customer.name,
      siren: "",
      electronicAddress: "",
      address: { line1: address.line1 ?? "", ...(address.line2 ? { line2: address.line2 } : {}), postalCode: address.postalCode ?? "", city: address.city ?? "", country: address.country ?? "FR" },
    },
    natures: lines.map(defaultNature),
  };
}
