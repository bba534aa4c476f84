// The merchant's home: what needs attention first (failed runs, overdue
// invoices), the invoices of the next 30 days, and the monthly recurring
// revenue per currency.
import { ENGLISH_PERSONAL_WORDS, withPersonalData } from "~/domain/personal-text";
import type { Shop } from "@prisma/client";
import { Temporal } from "temporal-polyfill";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { monthlyRecurringRevenue } from "~/domain/mrr";
import { type Occurrence, type Schedule, type ScheduleUnit } from "~/domain/schedule";
import { occurrences } from "~/domain/recurrence";
import { runsInStates, type Run } from "~/models/invoice-run.server";
import { currentBillingHold, type BillingHoldView } from "~/services/invoicing/billing-hold.server";
import { activeTemplateAmounts, activeTemplatesDueBy, countTemplatesByStatus, type TemplateStatus } from "~/models/template.server";

/** How far ahead "upcoming" looks. */
export const UPCOMING_DAYS = 30;
/** At most this many upcoming invoices and attention items are listed. */
export const DASHBOARD_LIST_LIMIT = 50;

export type AttentionItem = {
  runId: string;
  templateId: string;
  state: "failed" | "overdue";
  customerName: string;
  periodDate: string;
  amount: number;
  currency: string;
  /** Why it failed (RUN_ERROR_CODES, or "stripe_…"), and the English detail the worker recorded (failed runs). */
  errorCode: string | null;
  errorMessage: string | null;
  invoiceNumber: string | null;
  hostedInvoiceUrl: string | null;
};

export type UpcomingInvoice = {
  templateId: string;
  customerName: string;
  /** Civil date in the schedule's time zone. */
  date: string;
  /** UTC instant the invoice is issued. */
  runAt: string;
  amount: number;
  currency: string;
};

export type Dashboard = {
  templateCounts: Record<TemplateStatus, number>;
  attention: AttentionItem[];
  upcoming: UpcomingInvoice[];
  mrr: { currency: string; monthly: number }[];
  billingConnected: boolean;
  /** Stripe refuses access (this shop's account, or Ritournelle's key): the shop's invoices are held. */
  billingHold: BillingHoldView;
};

/**
 * Everything the home page shows for `shop`.
 *
 * Inputs: the shop's row; `options.clock` is the "now" the upcoming window
 * starts at (default: the app's).
 * Effects: none (reads only). Lists are capped at DASHBOARD_LIST_LIMIT:
 * attention items are failed runs first, then overdue ones, most recently
 * changed first; upcoming invoices are the periods of active templates due
 * within UPCOMING_DAYS, soonest first; the monthly recurring revenue is per
 * currency, over active templates; `billingHold` says when Stripe refuses
 * access and the shop's invoices are held (billing-hold.server.ts).
 * Errors: database errors are rethrown.
 */
export async function loadDashboard(shop: Pick<Shop, "id" | "billingAccountId">, options: { clock?: Clock } = {}): Promise<Dashboard> {
  const now = (options.clock ?? appClock).now();
  const until = now.add({ hours: UPCOMING_DAYS * 24 });
  const [templateCounts, attentionRuns, dueTemplates, amounts, billingHold] = await Promise.all([
    countTemplatesByStatus(shop.id),
    runsInStates(shop.id, ["failed", "overdue"], DASHBOARD_LIST_LIMIT),
    activeTemplatesDueBy(shop.id, new Date(until.epochMilliseconds), DASHBOARD_LIST_LIMIT),
    activeTemplateAmounts(shop.id),
    currentBillingHold(shop.id),
  ]);

  const upcoming: UpcomingInvoice[] = [];
  for (const template of dueTemplates) {
    for (const occurrence of occurrencesUntil(template.schedule, template.nextPeriodIndex - template.periodOffset, until)) {
      upcoming.push({
        templateId: template.id,
        customerName: template.customer.name,
        date: occurrence.date,
        runAt: occurrence.runAt,
        amount: template.periodTotal,
        currency: template.currency,
      });
    }
  }
  upcoming.sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : 0));

  return {
    templateCounts,
    // Failed first: a failed run needs the merchant; an overdue one needs the customer.
    attention: attentionRuns.map(attentionItem).sort((a, b) => (a.state === b.state ? 0 : a.state === "failed" ? -1 : 1)),
    upcoming: upcoming.slice(0, DASHBOARD_LIST_LIMIT),
    mrr: monthlyRecurringRevenue(
      amounts.map((row) => ({ currency: row.currency, total: row.periodTotal, every: row.scheduleEvery, unit: row.scheduleUnit as ScheduleUnit })),
    ),
    billingConnected: shop.billingAccountId !== null,
    billingHold,
  };
}

/**
 * A template's periods from `fromIndex` on while they fall before `until`, at
 * most DASHBOARD_LIST_LIMIT, in one call of the recurrence engine asked for
 * no more periods than the window can hold (a monthly template: two). Each
 * period costs civil-date arithmetic in the shop's zone: computing 50 for
 * each of 50 templates was most of the home page's server time.
 */
function occurrencesUntil(schedule: Schedule, fromIndex: number, until: Temporal.Instant): Occurrence[] {
  const found: Occurrence[] = [];
  for (const occurrence of occurrences(schedule, { fromIndex, count: periodsAtMost(schedule, UPCOMING_DAYS) })) {
    if (Temporal.Instant.compare(Temporal.Instant.from(occurrence.runAt), until) > 0) break;
    found.push(occurrence);
  }
  return found;
}

/** The most periods of `schedule` that `days` days can hold (its shortest period: a 28-day month, a 365-day year), plus one for the edges. */
function periodsAtMost(schedule: Pick<Schedule, "every" | "unit">, days: number): number {
  const shortestDays = { day: 1, week: 7, month: 28, year: 365 }[schedule.unit] * schedule.every;
  return Math.min(DASHBOARD_LIST_LIMIT, Math.ceil(days / shortestDays) + 1);
}

function attentionItem(run: Run): AttentionItem {
  return {
    runId: run.id,
    templateId: run.templateId,
    state: run.state === "failed" ? "failed" : "overdue",
    customerName: run.snapshot.customer.name,
    periodDate: run.periodDate,
    amount: run.expectedTotal,
    currency: run.currency,
    errorCode: run.lastErrorCode,
    errorMessage: run.lastErrorMessage === null ? null : withPersonalData(run.lastErrorMessage, run.snapshot.customer, ENGLISH_PERSONAL_WORDS),
    invoiceNumber: run.invoiceNumber,
    hostedInvoiceUrl: run.hostedInvoiceUrl,
  };
}
