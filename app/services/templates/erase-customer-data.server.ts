import type { CustomerSubject } from "~/domain/customer-subject";
import { redactedCustomer } from "~/domain/template-content";
import { replaceRunSnapshot, eraseShopifyCustomerOfRun, runsOfTemplates, wakeRunsInFlight } from "~/models/invoice-run.server";
import { appendRunEvents } from "~/models/run-event.server";
import {
  customerColumns,
  findTemplateForShop,
  findTemplatesOfCustomer,
  lockTemplateForShop,
  TEMPLATE_STATUSES,
  updateTemplate,
} from "~/models/template.server";
import type { Tx } from "~/models/transaction.server";
import { templateEvent, type ServiceOptions } from "./events.server";
import { cancelLocked } from "./transitions.server";

/**
 * customers/redact, for templates: the customer's personal data is erased
 * from their templates and those templates' runs.
 *
 * Inputs: the request's transaction, the shop's id, who the request is
 * about, the instant recorded.
 * Effects, inside that transaction: name and e-mail become "[redacted]",
 * the address and Shopify id are removed; amounts, dates and invoice ids
 * stay, as accounting records. A template that could still issue is
 * cancelled (reason `customer_redacted`): invoicing someone whose name and
 * address we no longer hold cannot work, and a customer who asked to be
 * forgotten must not keep receiving invoices. Runs not started are skipped.
 * The template is marked erased (`customerRedactedAt`): every run of it not
 * yet finalized stops before its next provider call, whatever the template's
 * status (an ended template's last run too), its draft deleted
 * (app/services/invoicing/stop-run.server.ts); a finalized invoice is the
 * merchant's record at the provider and is left alone. A
 * `template.customer_redacted` event per template (actor "shopify").
 * Idempotency: erasing again finds nothing more to erase.
 * Errors: database errors only. Returns the number of templates erased.
 */
export async function eraseTemplateCustomerData(tx: Tx, shopId: string, subject: CustomerSubject, now: Date): Promise<number> {
  const options: ServiceOptions = { actor: "shopify" };
  const templates = await findTemplatesOfCustomer(shopId, subject, tx);
  for (const found of templates) {
    await lockTemplateForShop(shopId, found.id, TEMPLATE_STATUSES, tx);
    let template = (await findTemplateForShop(shopId, found.id, tx)) ?? found;
    if (template.status === "active" || template.status === "paused") {
      template = await cancelLocked(tx, template, "customer_redacted", options, now);
    }
    await updateTemplate(
      template.id,
      { ...customerColumns(redactedCustomer(template.customer)), shopifyCustomerId: null, customerEmail: null, customerRedactedAt: now },
      tx,
    );
    await wakeRunsInFlight({ templateId: template.id }, now, tx);
    for (const run of await runsOfTemplates(shopId, [template.id], tx)) {
      await replaceRunSnapshot(run.id, { ...run.snapshot, customer: redactedCustomer(run.snapshot.customer) }, tx);
      if (run.snapshot.rail === "shopify") await eraseShopifyCustomerOfRun(run.id, tx);
    }
    await appendRunEvents([templateEvent(template, "template.customer_redacted", options, now, { cause: "customers/redact" })], tx);
  }
  return templates.length;
}
