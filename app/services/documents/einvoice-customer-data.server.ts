// customers/data_request and customers/redact, for e-invoices (registered in
// app/services/privacy/registry.server.ts): the customer's company identity
// on their templates (RecurringTemplate.einvoice), and the Factur-X
// documents issued to them.
import type { CustomerSubject } from "~/domain/customer-subject";
import { collectTemplateEInvoices, eraseTemplateEInvoices, listEInvoiceDocumentsOfTemplates } from "~/models/einvoice.server";
import { findTemplatesOfCustomer } from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";

/** The company identity held on each of the customer's templates, and the e-invoices issued to them (number, date). */
export async function collectEInvoiceData(tx: Tx, shopId: string, subject: CustomerSubject): Promise<unknown[]> {
  const ids = (await findTemplatesOfCustomer(shopId, subject, tx)).map((template) => template.id);
  const [settings, documents] = await Promise.all([collectTemplateEInvoices(shopId, ids, tx), listEInvoiceDocumentsOfTemplates(shopId, ids, tx)]);
  return [...settings.map((entry) => ({ record: "template_einvoice", ...entry })), ...documents.map((document) => ({ record: "einvoice_document", ...document }))];
}

/**
 * Erases the company identity from the customer's templates. The issued
 * e-invoices themselves are kept: they are the merchant's accounting records,
 * which French law requires them to keep (10 years, Code de commerce
 * L123-22; the GDPR's legal-obligation basis, art. 6(1)(c) and 17(3)(b)),
 * exactly as Stripe keeps the invoices in the merchant's account.
 */
export async function eraseEInvoiceData(tx: Tx, shopId: string, subject: CustomerSubject): Promise<number> {
  const ids = (await findTemplatesOfCustomer(shopId, subject, tx)).map((template) => template.id);
  return eraseTemplateEInvoices(shopId, ids, tx);
}
