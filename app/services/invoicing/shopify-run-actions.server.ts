// The merchant's actions on a run of the Shopify invoice rail (its draft
// order): cancel it (draftOrderDelete, while the draft
// is not completed: the link stops working). Marking uncollectible is
// Stripe's notion; an order already placed is cancelled in Shopify's admin.
// Sending its invoice again (draftOrderInvoiceSend: one more e-mail, no key)
// is shopify-resend.server.ts.
import type { InvoiceTarget } from "~/domain/invoice-status";
import { deleteDraftOrder, readDraftOrder } from "~/gateways/shopify/draft-orders.server";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import type { InvoiceAction } from "~/gateways/stripe/invoice-actions.server";
import { backgroundAdmin } from "~/services/shopify/background-admin.server";

/** The action cannot be done on this draft order: `message` says why, for the merchant. */
export class ShopifyDraftActionRefused extends Error {
  override readonly name = "ShopifyDraftActionRefused";
}

/**
 * Performs `action` on the draft order `draftId` of `shopDomain`.
 * @returns the state the draft now stands for.
 * @throws ShopifyDraftActionRefused (uncollectible; cancelling a completed draft); Shopify's errors.
 */
export async function performDraftOrderAction(
  shopDomain: string,
  draftId: string,
  action: InvoiceAction,
  options: { adminFor?: (shop: string) => Promise<AdminGraphql> } = {},
): Promise<{ target: InvoiceTarget | null; customerEmail: string | null }> {
  if (action === "mark_uncollectible") {
    throw new ShopifyDraftActionRefused("A Shopify invoice cannot be marked uncollectible: cancel it instead, or leave it open.");
  }
  const admin = await (options.adminFor ?? ((shop: string) => backgroundAdmin(shop)))(shopDomain);
  const draft = await readDraftOrder(admin, draftId);
  if (!draft) return { target: "void", customerEmail: null }; // deleted in Shopify's admin: nothing left to pay
  if (action === "resend") throw new Error("Send again on the Shopify rail goes through shopify-resend.server.ts (each click claimed first)");
  if (draft.status === "COMPLETED") {
    throw new ShopifyDraftActionRefused(`The customer already placed order ${draft.order?.name ?? ""} from this invoice: cancel that order in your Shopify admin.`);
  }
  await deleteDraftOrder(admin, draftId);
  return { target: "void", customerEmail: null };
}
