// What the order page's print action (extensions/print-recurring) prints for
// an order that has a recurring invoice: the latest invoice's PDF (Stripe's
// document, fetched through gateways/stripe/invoice-pdf.server.ts) and the
// schedule (issued invoices and the next ones, rendered by the route as a
// printable page). Every read is scoped by the authenticated shop: another
// shop's order finds nothing.
import type { Shop } from "@prisma/client";
import type { PrintDocument, PrintSummary } from "~/domain/print-action-contract";
import type { RunState } from "~/domain/run-state";
import type { ScheduleUnit } from "~/domain/schedule";
import { draftInvoice } from "~/domain/invoice-draft";
import { occurrences } from "~/domain/recurrence";
import { fetchInvoicePdf, InvoicePdfUnavailableError } from "~/gateways/stripe/invoice-pdf.server";
import { listRunsOfTemplate, type Run } from "~/models/invoice-run.server";
import { findLatestTemplateOfOrder, type Template } from "~/models/template.server";
import { orderGid } from "./load-order.server";

/** The states of a run whose invoice went to the customer. */
const ISSUED_STATES: readonly RunState[] = ["sent", "paid", "overdue", "void", "uncollectible"];
/** How many coming invoices the schedule lists. */
export const PRINT_UPCOMING_COUNT = 12;

export class PrintRefusal extends Error {
  constructor(readonly code: "invalid_order_id" | "no_template" | "no_invoice" | "invoice_unavailable") {
    super(`print refused: ${code}`);
    this.name = "PrintRefusal";
  }
}

export type PrintScheduleView = {
  shopName: string;
  customer: { name: string; email: string };
  status: string;
  currency: string;
  frequency: { every: number; unit: ScheduleUnit };
  anchor: string;
  timeOfDay: string;
  timeZone: string;
  end: { afterCount?: number; until?: string } | null;
  lines: { description: string; quantity: number; unitAmount: number; total: number }[];
  periodTotal: number;
  memo: string | null;
  /** Invoices issued so far, oldest first. */
  issued: { periodDate: string; invoiceNumber: string | null; state: RunState; amount: number }[];
  /** The next invoices' dates (civil dates in the schedule's zone); none once it stopped. */
  upcoming: string[];
};

async function templateOfOrder(shop: Pick<Shop, "id">, orderId: string): Promise<Template> {
  const gid = orderGid(orderId);
  if (!gid) throw new PrintRefusal("invalid_order_id");
  const template = await findLatestTemplateOfOrder(shop.id, gid);
  if (!template) throw new PrintRefusal("no_template");
  return template;
}

function latestIssued(runs: Run[]): Run | null {
  const issued = runs.filter((run) => ISSUED_STATES.includes(run.state) && run.invoicePdfUrl);
  return issued.sort((a, b) => b.periodIndex - a.periodIndex)[0] ?? null;
}

/**
 * What can be printed for the order.
 * @throws PrintRefusal invalid_order_id | no_template.
 */
export async function printSummaryForOrder(shop: Pick<Shop, "id">, orderId: string): Promise<PrintSummary> {
  const template = await templateOfOrder(shop, orderId);
  const latest = latestIssued(await listRunsOfTemplate(shop.id, template.id));
  const available: Record<PrintDocument, boolean> = { invoice: latest !== null, schedule: true };
  return {
    template: { id: template.id, customerName: template.customer.name, status: template.status },
    latestInvoice: latest ? { number: latest.invoiceNumber, periodDate: latest.periodDate } : null,
    documents: (["invoice", "schedule"] as const).map((id) => ({ id, available: available[id] })),
  };
}

/**
 * The latest issued invoice's PDF, as Stripe made it.
 * @throws PrintRefusal invalid_order_id | no_template | no_invoice (none issued yet) | invoice_unavailable (Stripe did not give it).
 */
export async function latestInvoicePdfForOrder(shop: Pick<Shop, "id">, orderId: string): Promise<{ bytes: Uint8Array; fileName: string }> {
  const template = await templateOfOrder(shop, orderId);
  const latest = latestIssued(await listRunsOfTemplate(shop.id, template.id));
  if (!latest?.invoicePdfUrl) throw new PrintRefusal("no_invoice");
  try {
    const bytes = await fetchInvoicePdf(latest.invoicePdfUrl);
    const fileName = `invoice-${(latest.invoiceNumber ?? latest.periodDate).replace(/[^\w.-]+/g, "-")}.pdf`;
    return { bytes, fileName };
  } catch (error) {
    if (error instanceof InvoicePdfUnavailableError) throw new PrintRefusal("invoice_unavailable");
    throw error;
  }
}

/**
 * The recurring invoice's schedule: its terms, what each invoice holds, the
 * invoices issued so far and the next ones.
 * @throws PrintRefusal invalid_order_id | no_template.
 */
export async function printScheduleForOrder(shop: Pick<Shop, "id" | "name" | "domain">, orderId: string): Promise<PrintScheduleView> {
  const template = await templateOfOrder(shop, orderId);
  const runs = await listRunsOfTemplate(shop.id, template.id);
  const running = template.status === "active" || template.status === "paused";
  const upcoming = running
    ? occurrences(template.schedule, { fromIndex: template.nextPeriodIndex - template.periodOffset, count: PRINT_UPCOMING_COUNT }).map((o) => o.date)
    : [];
  // The same arithmetic as each invoice (taxes included or added, discounts, shipping).
  const draft = draftInvoice({ currency: template.currency, lines: template.lines, shipping: template.shipping, taxesIncluded: template.taxesIncluded });
  const lines = draft.lines.map((line) => ({ description: line.description, quantity: line.quantity, unitAmount: line.unitAmount, total: line.total }));
  return {
    shopName: shop.name ?? shop.domain,
    customer: { name: template.customer.name, email: template.customer.email },
    status: template.status,
    currency: template.currency,
    frequency: { every: template.schedule.every, unit: template.schedule.unit },
    anchor: template.schedule.anchor,
    timeOfDay: template.schedule.timeOfDay,
    timeZone: template.schedule.timeZone,
    end: template.schedule.end ?? null,
    lines,
    periodTotal: template.periodTotal,
    memo: template.memo,
    issued: runs
      .filter((run) => ISSUED_STATES.includes(run.state))
      .sort((a, b) => a.periodIndex - b.periodIndex)
      .map((run) => ({ periodDate: run.periodDate, invoiceNumber: run.invoiceNumber, state: run.state, amount: run.invoicedTotal ?? run.expectedTotal })),
    upcoming,
  };
}
