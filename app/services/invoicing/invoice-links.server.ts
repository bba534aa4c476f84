// Where the merchant (and the customer) find an issued invoice at Stripe.
import type { Shop } from "@prisma/client";
import { findRunForShop } from "~/models/invoice-run.server";

/**
 * Stripe's hosted invoice page and PDF of the shop's run, as stored when it
 * was finalized. Reads only.
 * @returns null for an unknown run, another shop's, or one not issued yet.
 */
export async function invoiceLinks(shop: Pick<Shop, "id">, runId: string): Promise<{ hostedInvoiceUrl: string | null; invoicePdfUrl: string | null } | null> {
  const run = await findRunForShop(shop.id, runId);
  if (!run?.hostedInvoiceUrl && !run?.invoicePdfUrl) return null;
  return { hostedInvoiceUrl: run.hostedInvoiceUrl, invoicePdfUrl: run.invoicePdfUrl };
}
