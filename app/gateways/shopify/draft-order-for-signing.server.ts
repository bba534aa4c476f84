// The Shopify rail's draft order as the signing page shows it: what Shopify
// will charge at its checkout (its lines, shipping, taxes and totals), read
// again at each view and at the submit, like the Stripe invoice on the other
// rail (app/gateways/stripe/invoice-metadata.server.ts). Scope:
// read_draft_orders (granted by write_draft_orders).
import { parseDecimal } from "~/domain/money";
import type { DocumentLine, InvoiceForDocument } from "~/domain/signature-document";
import { DraftOrderUserError } from "./draft-orders.server";
import { runAdminDocument, ShopifyGraphqlError, type AdminGraphql } from "./graphql.server";

/** A draft order's GID: the invoice id the Shopify rail stores on a run. */
export function isDraftOrderId(invoiceId: string): boolean {
  return invoiceId.startsWith("gid://shopify/DraftOrder/");
}

export const DRAFT_ORDER_FOR_SIGNING = `#graphql
  query RitournelleDraftOrderForSigning($id: ID!) {
    draftOrder(id: $id) {
      id name status invoiceUrl invoiceSentAt createdAt email taxesIncluded
      customer { displayName }
      order { name displayFinancialStatus cancelledAt }
      lineItems(first: 250) {
        nodes {
          name quantity
          originalUnitPriceSet { shopMoney { amount } }
          discountedTotalSet { shopMoney { amount } }
        }
      }
      shippingLine { title discountedPriceSet { shopMoney { amount } } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalDiscountsSet { shopMoney { amount } }
      taxLines { title ratePercentage priceSet { shopMoney { amount } } }
      totalPriceSet { shopMoney { amount } }
      paymentTerms { paymentSchedules(first: 1) { nodes { dueAt } } }
    }
  }
`;

export const DRAFT_ORDER_SIGNATURE_STAMP = `#graphql
  mutation RitournelleDraftOrderSignatureStamp($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key value }
      userErrors { field message }
    }
  }
`;

/**
 * What the signing page shows of a draft order, amounts in minor units of the
 * shop's currency: the document's input, read into the domain's one shape
 * (its number is Shopify's name of the draft, "#D12"; Shopify prints no
 * merchant name, the shop's is used; issued when Shopify e-mailed it, else
 * when it was created; `shopify` names the draft and the order the customer's
 * payment made of it, "#1005", once paid), plus its status and pay link.
 */
export type SigningDraftOrder = InvoiceForDocument & {
  shopify: NonNullable<InvoiceForDocument["shopify"]>;
  /** The port's words: "draft" (not e-mailed yet), "open", "paid", "void" (its order was cancelled). */
  status: "draft" | "open" | "paid" | "void";
  /** Shopify's checkout page for the draft: where the customer pays. */
  invoiceUrl: string | null;
};

/**
 * Reads draft order `id` as the customer is asked to pay it. Shipping is a
 * line of its own (as on the Stripe rail's invoice) and counts in the
 * subtotal, so the lines, less their discounts, add up to it.
 * @returns null when the draft no longer exists (deleted in Shopify's admin).
 * @throws Shopify's errors (ShopifyGraphqlError, the client's HTTP errors).
 */
export async function readDraftOrderForSigning(admin: AdminGraphql, id: string): Promise<SigningDraftOrder | null> {
  const { draftOrder: draft } = await runAdminDocument(admin, DRAFT_ORDER_FOR_SIGNING, { id });
  if (!draft) return null;
  const currency = draft.subtotalPriceSet.shopMoney.currencyCode;
  const minor = (amount: unknown) => parseDecimal(String(amount), currency);
  const lines: DocumentLine[] = draft.lineItems.nodes.map((line) => {
    const unitAmount = minor(line.originalUnitPriceSet.shopMoney.amount);
    const amount = unitAmount * line.quantity;
    return { description: line.name, quantity: line.quantity, unitAmount, amount, discount: Math.max(amount - minor(line.discountedTotalSet.shopMoney.amount), 0) };
  });
  const shipping = draft.shippingLine ? minor(draft.shippingLine.discountedPriceSet.shopMoney.amount) : 0;
  if (draft.shippingLine) lines.push({ description: draft.shippingLine.title, quantity: 1, unitAmount: shipping, amount: shipping, discount: 0 });
  const order = draft.order;
  const status: SigningDraftOrder["status"] =
    draft.status === "COMPLETED" ? (order?.cancelledAt ? "void" : order?.displayFinancialStatus === "PAID" ? "paid" : "open") : draft.status === "INVOICE_SENT" || draft.invoiceSentAt ? "open" : "draft";
  const dueAt = draft.paymentTerms?.paymentSchedules.nodes[0]?.dueAt;
  return {
    id: draft.id,
    number: draft.name,
    shopify: { draftOrder: draft.name, order: order?.name ?? null },
    status,
    invoiceUrl: typeof draft.invoiceUrl === "string" ? draft.invoiceUrl : null,
    currency,
    accountName: null,
    customerName: draft.customer?.displayName ?? null,
    customerEmail: draft.email ?? null,
    finalizedAt: new Date(String(draft.invoiceSentAt ?? draft.createdAt)),
    dueDate: typeof dueAt === "string" ? new Date(dueAt) : null,
    lines,
    subtotal: minor(draft.subtotalPriceSet.shopMoney.amount) + shipping,
    discount: minor(draft.totalDiscountsSet.shopMoney.amount),
    taxes: draft.taxLines.map((tax) => ({ name: tax.title, ratePercent: decimalPercent(tax.ratePercentage), inclusive: draft.taxesIncluded, amount: minor(tax.priceSet.shopMoney.amount) })),
    total: minor(draft.totalPriceSet.shopMoney.amount),
  };
}

/** Shopify's percentage (a Float: 20, 5.5, 8.875) as the document's exact decimal string. */
function decimalPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "";
  return String(Number(value.toFixed(4)));
}

/**
 * Writes `signed_at` (ISO 8601 UTC, to the second) and `signature_id` on the
 * draft order as metafields `ritournelle.signed_at` / `ritournelle.signature_id`:
 * the Shopify rail's copy of what the Stripe rail puts in the invoice's
 * metadata. Idempotent: setting the same values again changes nothing.
 * @throws DraftOrderUserError when Shopify refuses; Shopify's errors otherwise.
 */
export async function stampDraftOrderSignature(admin: AdminGraphql, draftId: string, signature: { id: string; signedAt: Date }): Promise<void> {
  const field = (key: string, value: string) => ({ ownerId: draftId, namespace: "ritournelle", key, type: "single_line_text_field", value });
  const data = await runAdminDocument(admin, DRAFT_ORDER_SIGNATURE_STAMP, {
    metafields: [field("signed_at", signature.signedAt.toISOString().replace(/\.\d{3}Z$/, "Z")), field("signature_id", signature.id)],
  });
  const payload = data.metafieldsSet;
  if (payload && payload.userErrors.length > 0) throw new DraftOrderUserError("metafieldsSet", payload.userErrors);
  if (!payload?.metafields) throw new ShopifyGraphqlError("metafieldsSet", "no metafields in the answer");
}
