// One template's page: the template, its invoices (runs) with their
// signatures and write-backs, and its audit trail. Reads only; scoped by
// shop: another shop's template is a NotFoundError, which the route answers
// with 404. The page's actions are ./apply-action.server.ts.
import type { BillingRail } from "~/domain/billing";
import { ENGLISH_PERSONAL_WORDS, withPersonalData } from "~/domain/personal-text";
import type { Shop } from "@prisma/client";
import { z } from "zod";
import { NotFoundError } from "~/domain/errors";
import { readEventDetail } from "~/domain/run-event";
import type { Schedule } from "~/domain/schedule";
import type { WriteBackStatus } from "~/domain/write-back";
import type { InvoiceAction } from "~/gateways/stripe/invoice-actions.server";
import { listRunsOfTemplate, type Run, type RunState } from "~/models/invoice-run.server";
import { listTemplateEvents } from "~/models/run-event.server";
import { findTemplateForShop, type Template } from "~/models/template.server";
import { listWriteBacksOfRuns } from "~/models/write-back.server";
import { currentBillingHold, type BillingHoldView } from "~/services/invoicing/billing-hold.server";
import { runActionsFor } from "~/services/invoicing/run-actions.server";
import { runIdsWithEInvoice } from "~/models/einvoice.server";
import { signatureForRun } from "~/services/signing/signature-for-run.server";
import { rowOf, type TemplateRow } from "./list-page.server";

export type RunView = {
  id: string;
  periodIndex: number;
  periodDate: string;
  scheduledAt: string;
  state: RunState;
  /** The customer signed this run's invoice online (shown beside the state: signed and paid are both news). */
  signed: boolean;
  /** The proof, once signed: who, when, from where, the drawn image and the document's hash. */
  signature: SignatureView | null;
  skipReason: string | null;
  /** Why the run failed or waits (RUN_ERROR_CODES, or "stripe_…"), and the English detail the pipeline recorded. */
  errorCode: string | null;
  errorMessage: string | null;
  invoiceNumber: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
  amount: number;
  currency: string;
  /** The Shopify order written back for this run, once paid (see services/write-back/). */
  shopifyOrder: { id: string; name: string } | null;
  /** Where recording the paid run in Shopify stands (pending, done, failed, abandoned and why); null when it was never tried. */
  writeBack: WriteBackStatus | null;
  /** What the merchant may do with the issued invoice in its current state (services/invoicing/run-actions.server.ts decides). */
  actions: InvoiceAction[];
  /** A French e-invoice: voiding it issues a credit note (services/invoicing/void-einvoice-run.server.ts), and the page says so. */
  einvoice: boolean;
  /**
   * The template stopped issuing (why), and this invoice was already
   * finalized then and can still be paid: the worker left it alone, so the
   * page says so and offers to void it.
   */
  stopNotice: StopNotice | null;
};

/** Why a template no longer issues, as the notice on its open invoices says it. */
export type StopNotice = "cancelled" | "paused" | "shop_uninstalled" | "customer_redacted";

export type SignatureView = {
  id: string;
  signerName: string | null;
  signedAt: string;
  ipAddress: string | null;
  documentHash: string;
  imageDataUrl: string | null;
  hasPdf: boolean;
};

export type EventView = {
  id: string;
  at: string;
  type: string;
  fromState: string | null;
  toState: string | null;
  actor: string;
  cause: string | null;
  /** The period the event is about, for run events. */
  periodDate: string | null;
  /** The invoice number the provider gave at the "finalize" step (its detail), so the trail can say "Invoice finalized — No. …". */
  invoiceNumber: string | null;
  /** The rail of the event's run (its snapshot), so the trail names Shopify or Stripe for the provider's steps; null for template events. */
  rail: BillingRail | null;
};

export type TemplatePage = {
  template: TemplateRow & {
    statusReason: string | null;
    sourceOrderId: string | null;
    issuedCount: number;
    daysUntilDue: number;
    catchUpPolicy: Template["catchUpPolicy"];
    signatureRequested: boolean;
    /** How the customer pays the next invoices (runs already planned keep their own rail). */
    rail: BillingRail;
    /** B2B: the Shopify company location the template bills (its names when the template was made); null: the customer. */
    company: { name: string; location: string } | null;
    memo: string | null;
    taxesIncluded: boolean;
    timeOfDay: string;
    anchor: string;
    end: Schedule["end"] | null;
    lines: { description: string; quantity: number; unitAmount: number; discountAmount: number }[];
    shipping: { title: string; amount: number } | null;
  };
  /** Newest period first. */
  runs: RunView[];
  /** Newest first. */
  events: EventView[];
  /** Stripe refuses access (the shop's account, or Ritournelle's key): the shop's invoices are held (billing-hold.server.ts). */
  billingHold: BillingHoldView;
};

/** The RunEvent type that records a customer's signature (written by the signing flow). */
export const RUN_SIGNED_EVENT = "run.signed";

/**
 * Everything the template's page shows.
 * @throws NotFoundError for an unknown id or another shop's template.
 */
export async function loadTemplatePage(shop: Pick<Shop, "id">, templateId: string): Promise<TemplatePage> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  const [runs, events, billingHold] = await Promise.all([
    listRunsOfTemplate(shop.id, template.id),
    listTemplateEvents(shop.id, template.id),
    currentBillingHold(shop.id),
  ]);
  const runIds = runs.map((run) => run.id);
  const [writeBacks, einvoices] = await Promise.all([listWriteBacksOfRuns(shop.id, runIds), runIdsWithEInvoice(shop.id, runIds)]);
  const signed = new Set(events.filter((event) => event.type === RUN_SIGNED_EVENT && event.runId).map((event) => event.runId));
  const periodOfRun = new Map(runs.map((run) => [run.id, run.periodDate]));
  const railOfRun = new Map(runs.map((run) => [run.id, run.snapshot.rail ?? "stripe"] as const));
  const signatures = new Map<string, SignatureView>();
  for (const runId of signed) {
    const proof = runId ? await signatureForRun(shop.id, runId) : null;
    if (runId && proof?.status === "signed") {
      const { id, signerName, signedAt, ipAddress, documentHash, imageDataUrl, hasPdf } = proof;
      signatures.set(runId, { id, signerName, signedAt, ipAddress, documentHash, imageDataUrl, hasPdf });
    }
  }
  const stopNotice = stopNoticeOf(template);
  return {
    template: {
      ...rowOf(template),
      statusReason: template.statusReason,
      sourceOrderId: template.sourceOrderId,
      issuedCount: template.issuedCount,
      daysUntilDue: template.daysUntilDue,
      catchUpPolicy: template.catchUpPolicy,
      signatureRequested: template.signatureRequested,
      rail: template.rail === "shopify" ? "shopify" : "stripe",
      company: template.customer.company ? { name: template.customer.company.companyName, location: template.customer.company.locationName } : null,
      memo: template.memo,
      taxesIncluded: template.taxesIncluded,
      timeOfDay: template.schedule.timeOfDay,
      anchor: template.schedule.anchor,
      end: template.schedule.end ?? null,
      lines: template.lines.map((line) => ({
        description: [line.title, line.variantTitle].filter(Boolean).join(" — "),
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
      })),
      shipping: template.shipping ? { title: template.shipping.title, amount: template.shipping.amount - template.shipping.discountAmount } : null,
    },
    runs: runs
      .map((run) => runView(run, signatures.get(run.id) ?? null, writeBacks.get(run.id) ?? null, stopNotice, einvoices.has(run.id)))
      .sort((a, b) => b.periodIndex - a.periodIndex),
    events: events
      .map((event) => ({
        id: event.id,
        at: event.at.toISOString(),
        type: event.type,
        fromState: event.fromState,
        toState: event.toState,
        actor: event.actor,
        cause: event.cause,
        periodDate: event.runId ? (periodOfRun.get(event.runId) ?? null) : null,
        invoiceNumber: event.type === "run.step_completed" && event.cause === "finalize" ? finalizedNumber(event.detail) : null,
        rail: event.runId ? (railOfRun.get(event.runId) ?? null) : null,
      }))
      .reverse(),
    billingHold,
  };
}

/** Why the template no longer issues (see RunView.stopNotice); null while it does, or once it simply ended. */
function stopNoticeOf(template: Template): StopNotice | null {
  if (template.customerRedactedAt !== null || template.statusReason === "customer_redacted") return "customer_redacted";
  if (template.status === "cancelled") return "cancelled";
  if (template.status === "paused") return template.statusReason === "shop_uninstalled" ? "shop_uninstalled" : "paused";
  return null;
}

function runView(run: Run, signature: SignatureView | null, writeBack: WriteBackStatus | null, stopNotice: StopNotice | null, einvoice: boolean): RunView {
  // An uncollectible French e-invoice cannot be cancelled by a credit note (Stripe credits open and paid invoices only): no void offered.
  const actions = (run.invoiceId ? runActionsFor(run.state, run.snapshot.rail) : []).filter((action) => !(einvoice && action === "void" && run.state === "uncollectible"));
  return {
    id: run.id,
    periodIndex: run.periodIndex,
    periodDate: run.periodDate,
    scheduledAt: run.scheduledAt.toISOString(),
    state: run.state,
    signed: signature !== null,
    signature,
    skipReason: run.skipReason,
    errorCode: run.lastErrorCode,
    // Stored without the customer's data: filled in from the run's live snapshot (app/domain/personal-text.ts).
    errorMessage: run.lastErrorMessage === null ? null : withPersonalData(run.lastErrorMessage, run.snapshot.customer, ENGLISH_PERSONAL_WORDS),
    invoiceNumber: run.invoiceNumber,
    hostedInvoiceUrl: run.hostedInvoiceUrl,
    invoicePdfUrl: run.invoicePdfUrl,
    // What the provider charges once it has the lines (Shopify computes its own taxes), else what the run expects.
    amount: run.invoicedTotal ?? run.expectedTotal,
    currency: run.currency,
    shopifyOrder: writeBack?.state === "done" ? writeBack.order : null,
    writeBack:
      writeBack?.state === "failed" && writeBack.detail
        ? { ...writeBack, detail: withPersonalData(writeBack.detail, run.snapshot.customer, ENGLISH_PERSONAL_WORDS) }
        : writeBack,
    actions,
    einvoice,
    stopNotice: stopNotice && actions.includes("void") ? stopNotice : null,
  };
}

/** The invoice number in a "finalize" step's detail (`{ step, number }`, run-lease.server.ts); null when absent or malformed. */
function finalizedNumber(detail: string | null): string | null {
  return readEventDetail(detail, finalizeDetail)?.number ?? null;
}

const finalizeDetail = z.object({ number: z.string().refine((number) => number.trim() !== "") });
