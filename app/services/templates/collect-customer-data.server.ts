import { runsOfTemplates } from "~/models/invoice-run.server";
import type { CustomerSubject } from "~/domain/customer-subject";
import { findTemplatesOfCustomer } from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";

/**
 * customers/data_request, for templates: what the app holds about one customer.
 *
 * Inputs: the request's transaction, the shop's id, who the request is about.
 * Effects: none (reads only).
 * Returns one entry per template of that customer: its status, creation
 * date, the customer snapshot, and the invoices issued (period, number, link).
 */
export async function collectTemplateCustomerData(tx: Tx, shopId: string, subject: CustomerSubject): Promise<unknown[]> {
  const templates = await findTemplatesOfCustomer(shopId, subject, tx);
  const runs = await runsOfTemplates(shopId, templates.map((template) => template.id), tx);
  return templates.map((template) => ({
    templateId: template.id,
    status: template.status,
    createdAt: template.createdAt.toISOString(),
    customer: template.customer,
    invoices: runs
      .filter((run) => run.templateId === template.id && run.invoiceId !== null)
      .map((run) => ({
        periodDate: run.periodDate,
        invoiceNumber: run.invoiceNumber,
        hostedInvoiceUrl: run.hostedInvoiceUrl,
        // The Shopify rail: the draft order that billed them, and the Shopify customer it was addressed to.
        ...(run.snapshot.rail === "shopify" ? { rail: "shopify", draftOrderId: run.invoiceId, shopifyCustomerId: run.customerId } : {}),
      })),
  }));
}
