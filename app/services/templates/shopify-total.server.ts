// What Shopify will charge for a template on the Shopify invoice rail: a
// draft order computes its own taxes (the shop's tax settings for the
// customer's address), which can differ from the template's (another rate,
// a tax rounded per jurisdiction, an exemption). The form shows both before
// the merchant saves; the run records Shopify's (issue-run.server.ts).
import type { InvoiceRequest } from "~/domain/billing";
import { plannedContentOf, type TemplateContent } from "~/domain/template-content";
import { ShopifyBillingAdapter, type ShopAdminFor } from "~/gateways/shopify/billing-adapter.server";
import { shopAdminFor } from "~/services/invoicing/shopify-rail.server";

export type ShopifyTotalComparison = {
  currency: string;
  /** The template's own total (minor units). */
  ours: number;
  /** Shopify's draftOrderCalculate total for the same lines, shipping and address. */
  shopify: number;
  /** shopify − ours: zero when both agree. */
  difference: number;
  shopifyTax: number;
};

/**
 * Shopify's calculation of one period of `content` for `shopDomain`, beside the template's.
 * Effects: one draftOrderCalculate call (nothing is created in Shopify).
 * @throws ValidationError when the content makes no invoice; BillingError when Shopify refuses or cannot be reached.
 */
export async function compareShopifyTotal(
  shopDomain: string,
  content: TemplateContent,
  options: { periodDate: string; adminFor?: ShopAdminFor },
): Promise<ShopifyTotalComparison> {
  const planned = plannedContentOf(content);
  const request: InvoiceRequest = {
    runId: "preview",
    templateId: "preview",
    shopDomain,
    account: shopDomain,
    periodIndex: 0,
    periodDate: options.periodDate,
    currency: planned.currency,
    customer: planned.snapshot.customer,
    lines: planned.snapshot.lines,
    daysUntilDue: 0, // payment terms do not change the amount
    expectedTotal: planned.expectedTotal,
  };
  const { total, tax } = await new ShopifyBillingAdapter(options.adminFor ?? shopAdminFor()).calculate(request);
  return { currency: planned.currency, ours: planned.expectedTotal, shopify: total, difference: total - planned.expectedTotal, shopifyTax: tax };
}
