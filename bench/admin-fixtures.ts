// Bench data for the admin pages (bench/admin.ts): one shop with `templates`
// recurring invoices (newest first over a year; 80 % active, 10 % paused,
// 10 % cancelled), five runs each (about half paid, each with its order
// written back to Shopify), and one template with 120 runs and their audit trail, bulk-loaded with raw better-sqlite3 in one transaction. Rows
// are valid for the app: JSON snapshots parse, dates use the adapter's format.
import Database from "better-sqlite3";
import { sqliteDate } from "./fixtures";

export const ADMIN_SHOP = { id: "adminshop", domain: "bench-admin.myshopify.com" };
export const FEATURED_TEMPLATE = "tplfeatured";
const RUNS_PER_TEMPLATE = 5;
const FEATURED_RUNS = 120;

const CUSTOMER = (index: number) => JSON.stringify({ name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" });
const LINES = JSON.stringify([{ title: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }]);
const SNAPSHOT = (index: number) =>
  JSON.stringify({
    customer: { name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" },
    lines: [{ description: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxes: [{ title: "TVA", ratePercent: "20", inclusive: true }] }],
    daysUntilDue: 14,
    signatureRequested: false,
  });

/**
 * `shopId`: put the templates in a shop already installed (bench/vitals.ts:
 * the demo shop, installed by its first load through the admin host) instead
 * of the bench's own shop row.
 */
export function insertAdminShop(file: string, options: { templates: number; now: Date; shopId?: string }): { runs: number; events: number } {
  const shopId = options.shopId ?? ADMIN_SHOP.id;
  const db = new Database(file);
  const now = sqliteDate(options.now);
  const insertTemplate = db.prepare(
    `INSERT INTO "RecurringTemplate" (id, shopId, customer, customerEmail, currency, lines, taxesIncluded, periodTotal,
       scheduleEvery, scheduleUnit, scheduleAnchor, scheduleTimeOfDay, scheduleTimeZone, nextRunAt, activeSince,
       status, daysUntilDue, signatureRequested, createdAt, updatedAt, nextPeriodIndex)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, '09:00', 'Europe/Paris', ?, ?, ?, 14, 0, ?, ?, ?)`,
  );
  const insertRun = db.prepare(
    `INSERT INTO "InvoiceRun" (id, shopId, templateId, periodIndex, periodDate, scheduledAt, state, attempt, nextAttemptAt,
       currency, expectedTotal, snapshot, invoiceId, invoiceNumber, createdAt, updatedAt, lastErrorCode, lastErrorMessage)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1, NULL, 'EUR', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // A paid run's order written back to Shopify (services/write-back/): the template page reads its status per run.
  const insertWriteBack = db.prepare(
    `INSERT INTO "WriteBack" (id, shopId, runId, state, shopifyOrderId, shopifyOrderName, attempts, createdAt, updatedAt)
     VALUES (?, ?, ?, 'done', ?, ?, 1, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO "RunEvent" (id, shopId, templateId, runId, type, fromState, toState, actor, cause, detail, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'worker:bench', NULL, NULL, ?)`,
  );
  let runs = 0;
  let events = 0;
  const day = 86_400_000;
  db.transaction(() => {
    if (!options.shopId) {
      db.prepare(
        `INSERT INTO "Shop" (id, domain, timeZone, currency, locale, installedAt, settings, createdAt, updatedAt, billingAccountId)
         VALUES (?, ?, 'Europe/Paris', 'EUR', 'fr', ?, '{}', ?, ?, 'acct_admin')`,
      ).run(ADMIN_SHOP.id, ADMIN_SHOP.domain, now, now, now);
    }
    const template = (id: string, index: number, status: string, periods: number) => {
      // Created over the past year, newest last; several per millisecond never happen here but ties are handled by id.
      const created = new Date(options.now.getTime() - 365 * day + Math.floor((index * 365 * day) / Math.max(options.templates, 1)));
      const unit = ["month", "week", "year", "day"][index % 4]!;
      const nextRunAt = status === "active" ? sqliteDate(new Date(options.now.getTime() + (index % 40) * day)) : null;
      insertTemplate.run(id, shopId, CUSTOMER(index), `client${index}@example.fr`, index % 10 === 0 ? "USD" : "EUR", LINES, 1000 + (index % 7) * 100,
        1 + (index % 3), unit, created.toISOString().slice(0, 10), nextRunAt, sqliteDate(created), status, sqliteDate(created), sqliteDate(created), periods);
      for (let period = 0; period < periods; period++) {
        const runId = `${id}r${period}`;
        const at = sqliteDate(new Date(created.getTime() + period * day));
        // Mostly sent or paid (then written back to Shopify); one in 50 failed, one in 50 overdue: the home page's attention list.
        const state = (index + period) % 50 === 0 ? "failed" : (index + period) % 50 === 1 ? "overdue" : (index + period) % 2 === 0 ? "paid" : "sent";
        insertRun.run(runId, shopId, id, period, at.slice(0, 10), at, state, 1000, SNAPSHOT(index), `in_${runId}`, `B-${runId}`, at, at,
          state === "failed" ? "customer_email_invalid" : null, state === "failed" ? "The customer's e-mail bounced." : null);
        runs += 1;
        if (state === "paid") insertWriteBack.run(`${runId}w`, shopId, runId, `gid://shopify/Order/${index}${period}`, `#R${index}-${period}`, at, at);
        for (const [type, from, to] of [["run.started", "planned", "issuing"], ["run.sent", "issuing", "sent"]] as const) {
          insertEvent.run(`${runId}e${type}`, shopId, id, runId, type, from, to, at);
          events += 1;
        }
      }
    };
    for (let index = 0; index < options.templates; index++) {
      template(`tpl${String(index).padStart(6, "0")}`, index, index % 10 === 1 ? "paused" : index % 10 === 2 ? "cancelled" : "active", RUNS_PER_TEMPLATE);
    }
    template(FEATURED_TEMPLATE, options.templates, "active", FEATURED_RUNS);
  })();
  db.close();
  return { runs, events };
}
