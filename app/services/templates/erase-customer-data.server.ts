import type { CustomerSubject } from "~/domain/customer-subject";
import { withoutPersonalData } from "~/domain/personal-text";
import { redactedCustomer, type CustomerSnapshot } from "~/domain/template-content";
import { eraseShopifyCustomerOfRun, replaceRunSnapshot, runsOfTemplates, updateRun, wakeRunsInFlight } from "~/models/invoice-run.server";
import { appendRunEvents, rewriteEventDetailsOfTemplate } from "~/models/run-event.server";
import { rewriteWriteBackErrors } from "~/models/write-back.server";
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
    // Older rows may quote the customer in error text and audit details
    // (before they were stored without it, app/domain/personal-text.ts):
    // scrubbed with the values about to be erased.
    await scrubStoredText(tx, shopId, template.id, template.customer);
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

/** Error text and audit details of the template and its runs, without the customer's data or any e-mail address. */
async function scrubStoredText(tx: Tx, shopId: string, templateId: string, templateCustomer: CustomerSnapshot): Promise<void> {
  const runs = await runsOfTemplates(shopId, [templateId], tx);
  const scrub = (text: string, customer: CustomerSnapshot = templateCustomer) =>
    withoutPersonalData(withoutPersonalData(text, customer), templateCustomer);
  for (const run of runs) {
    if (run.lastErrorMessage && scrub(run.lastErrorMessage, run.snapshot.customer) !== run.lastErrorMessage) {
      await updateRun(run.id, { lastErrorMessage: scrub(run.lastErrorMessage, run.snapshot.customer) }, tx);
    }
  }
  const customers = runs.map((run) => run.snapshot.customer);
  const scrubAll = (text: string) => customers.reduce((scrubbed, customer) => scrub(scrubbed, customer), scrub(text));
  await rewriteEventDetailsOfTemplate(shopId, templateId, (detail) => scrubDetail(detail, scrubAll), tx);
  await rewriteWriteBackErrors(runs.map((run) => run.id), scrubAll, tx);
}

function scrubDetail(detail: unknown, scrub: (text: string) => string): unknown {
  if (typeof detail === "string") return scrub(detail);
  if (Array.isArray(detail)) return detail.map((item: unknown) => scrubDetail(item, scrub));
  if (detail && typeof detail === "object") return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, scrubDetail(value, scrub)]));
  return detail;
}
