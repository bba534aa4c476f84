// The merchant's pages about templates: the list (with bulk pause/resume),
// one template with its invoices and audit trail, its actions, and editing.
// Every function is scoped by shop: another shop's template or run id is a
// NotFoundError, which the routes answer with 404.
import type { Shop } from "@prisma/client";
import { appClock, type Clock } from "~/domain/clock";
import {
  formLinesOf,
  keepKnownVariants,
  parseTemplateForm,
  scheduleFieldsOf,
  type FieldProblem,
  type FormErrors,
  type TemplateFormContext,
  type TemplateFormValues,
} from "~/domain/template-form";
import type { Schedule } from "~/domain/schedule";
import type { StripeClient } from "~/gateways/stripe/client.server";
import type { InvoiceAction } from "~/gateways/stripe/invoice-actions.server";
import { findRunForShop, listRunsOfTemplate, type Run, type RunState } from "~/models/invoice-run.server";
import { listTemplateEvents } from "~/models/run-event.server";
import { countTemplatesByStatus, findTemplateForShop, listTemplatesPage, type Template, type TemplateStatus } from "~/models/template.server";
import { listWriteBacksOfRuns } from "~/models/write-back.server";
import { logger } from "~/logger.server";
import { BillingError } from "~/services/billing-gateway";
import {
  markInvoiceUncollectible,
  resendInvoice,
  RUN_ACTIONS,
  RunActionError,
  runActionsFor,
  voidInvoice,
  type RunActionErrorCode,
} from "~/services/run-actions.server";
import { signatureForRun } from "~/services/signing/signature-for-run.server";
import { todayIn } from "~/services/order-import.server";
import {
  cancelTemplate,
  editTemplate,
  NotFoundError,
  pauseTemplate,
  resumeTemplate,
  retryRun,
  skipNextPeriod,
  TransitionError,
  ValidationError,
  type TransitionErrorCode,
} from "~/services/templates.server";

export const TEMPLATES_PAGE_SIZE = 25;

export type TemplateRow = {
  id: string;
  status: TemplateStatus;
  customerName: string;
  customerEmail: string;
  amount: number;
  currency: string;
  every: number;
  unit: Schedule["unit"];
  /** UTC ISO instant, null once ended or cancelled. */
  nextRunAt: string | null;
  timeZone: string;
};

function rowOf(template: Template): TemplateRow {
  return {
    id: template.id,
    status: template.status,
    customerName: template.customer.name,
    customerEmail: template.customer.email,
    amount: template.periodTotal,
    currency: template.currency,
    every: template.schedule.every,
    unit: template.schedule.unit,
    nextRunAt: template.nextRunAt?.toISOString() ?? null,
    timeZone: template.schedule.timeZone,
  };
}

export type TemplateListFilter = "all" | TemplateStatus;

/** One page of the shop's templates, newest first, filtered by status; with the count of each status for the tabs. */
export async function listTemplates(
  shop: Pick<Shop, "id">,
  request: { filter: TemplateListFilter; page: number },
): Promise<{ rows: TemplateRow[]; counts: Record<TemplateStatus, number>; page: number; hasNext: boolean; hasPrevious: boolean }> {
  const page = Math.max(1, request.page);
  const [{ templates, total }, counts] = await Promise.all([
    listTemplatesPage(shop.id, {
      statuses: request.filter === "all" ? undefined : [request.filter],
      skip: (page - 1) * TEMPLATES_PAGE_SIZE,
      take: TEMPLATES_PAGE_SIZE,
    }),
    countTemplatesByStatus(shop.id),
  ]);
  return { rows: templates.map(rowOf), counts, page, hasNext: page * TEMPLATES_PAGE_SIZE < total, hasPrevious: page > 1 };
}

/**
 * Pauses or resumes each of `templateIds`; ids that are not the shop's, or
 * whose status does not allow it (a cancelled template cannot resume), are
 * counted as skipped rather than failing the whole batch.
 */
export async function bulkChangeStatus(
  shop: Pick<Shop, "id">,
  templateIds: readonly string[],
  change: "pause" | "resume",
  options: { clock?: Clock } = {},
): Promise<{ changed: number; skipped: number }> {
  let changed = 0;
  let skipped = 0;
  for (const id of new Set(templateIds)) {
    try {
      await (change === "pause" ? pauseTemplate(shop, id, options) : resumeTemplate(shop, id, options));
      changed += 1;
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof TransitionError)) throw error;
      skipped += 1;
    }
  }
  return { changed, skipped };
}

// ---------------------------------------------------------------------------
// One template
// ---------------------------------------------------------------------------

/** A badge shown on a run: its state, and "signed" beside it once the customer signed. */
export type RunBadge = RunState | "signed";

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
  /** The Shopify order written back for this run, once paid (see write-back.server.ts). */
  shopifyOrder: { id: string; name: string } | null;
  /** What the merchant may do with the issued invoice in its current state (run-actions.server.ts decides). */
  actions: InvoiceAction[];
};

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
};

export type TemplatePage = {
  template: TemplateRow & {
    statusReason: string | null;
    sourceOrderId: string | null;
    issuedCount: number;
    daysUntilDue: number;
    catchUpPolicy: Template["catchUpPolicy"];
    signatureRequested: boolean;
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
};

/** The RunEvent type that records a customer's signature (written by the signing flow). */
export const RUN_SIGNED_EVENT = "run.signed";

/** @throws NotFoundError for an unknown id or another shop's template. */
export async function loadTemplatePage(shop: Pick<Shop, "id">, templateId: string): Promise<TemplatePage> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  const [runs, events] = await Promise.all([listRunsOfTemplate(shop.id, template.id), listTemplateEvents(shop.id, template.id)]);
  const writeBacks = await listWriteBacksOfRuns(shop.id, runs.map((run) => run.id));
  const signed = new Set(events.filter((event) => event.type === RUN_SIGNED_EVENT && event.runId).map((event) => event.runId));
  const periodOfRun = new Map(runs.map((run) => [run.id, run.periodDate]));
  const signatures = new Map<string, SignatureView>();
  for (const runId of signed) {
    const proof = runId ? await signatureForRun(shop.id, runId) : null;
    if (runId && proof?.status === "signed") {
      const { id, signerName, signedAt, ipAddress, documentHash, imageDataUrl, hasPdf } = proof;
      signatures.set(runId, { id, signerName, signedAt, ipAddress, documentHash, imageDataUrl, hasPdf });
    }
  }
  return {
    template: {
      ...rowOf(template),
      statusReason: template.statusReason,
      sourceOrderId: template.sourceOrderId,
      issuedCount: template.issuedCount,
      daysUntilDue: template.daysUntilDue,
      catchUpPolicy: template.catchUpPolicy,
      signatureRequested: template.signatureRequested,
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
      .map((run) => runView(run, signatures.get(run.id) ?? null, writeBacks.get(run.id) ?? null))
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
      }))
      .reverse(),
  };
}

function runView(run: Run, signature: SignatureView | null, shopifyOrder: { id: string; name: string } | null): RunView {
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
    errorMessage: run.lastErrorMessage,
    invoiceNumber: run.invoiceNumber,
    hostedInvoiceUrl: run.hostedInvoiceUrl,
    invoicePdfUrl: run.invoicePdfUrl,
    amount: run.expectedTotal,
    currency: run.currency,
    shopifyOrder,
    actions: run.invoiceId ? runActionsFor(run.state) : [],
  };
}

export const TEMPLATE_ACTIONS = ["pause", "resume", "skip", "cancel", "retry", ...RUN_ACTIONS] as const;
export type TemplateAction = (typeof TEMPLATE_ACTIONS)[number];

/** Why an action was not done, for the page to explain. */
export type ActionRefusalCode =
  | TransitionErrorCode
  | Exclude<RunActionErrorCode, "not_found">
  /** Stripe answered but refused (the invoice changed there, e.g. paid meanwhile). */
  | "stripe_refused"
  /** Stripe could not be reached or failed; trying again later may work. */
  | "stripe_unavailable";

export type ActionResult =
  | { ok: true; action: TemplateAction; runId?: string; customerEmail?: string }
  | { ok: false; action: TemplateAction; code: ActionRefusalCode; runId?: string; runState?: RunState };

export type TemplateActionOptions = {
  clock?: Clock;
  /** The Stripe client for run actions (tests); the process's shared one otherwise. */
  client?: StripeClient;
  /** The merchant's click, for run actions: the same id twice sends one Stripe request. */
  requestId?: string;
};

/**
 * Applies a merchant's action to the template (or, for `retry`, `resend`,
 * `void` and `mark_uncollectible`, to one of its runs). A state that does not
 * allow the action, or Stripe refusing it, is a result, not an exception, so
 * the page can say why.
 * @throws NotFoundError for another shop's template or run, or a run of another template.
 */
export async function applyTemplateAction(
  shop: Pick<Shop, "id" | "billingAccountId">,
  templateId: string,
  action: TemplateAction,
  runId: string | undefined,
  options: TemplateActionOptions = {},
): Promise<ActionResult> {
  switch (action) {
    case "resend":
    case "void":
    case "mark_uncollectible":
      return applyRunAction(shop, templateId, action, runId, options);
  }
  try {
    switch (action) {
      case "pause":
        await pauseTemplate(shop, templateId, options);
        break;
      case "resume":
        await resumeTemplate(shop, templateId, options);
        break;
      case "skip":
        await skipNextPeriod(shop, templateId, options);
        break;
      case "cancel":
        await cancelTemplate(shop, templateId, options);
        break;
      case "retry": {
        const runs = await listRunsOfTemplate(shop.id, templateId);
        if (!runId || !runs.some((run) => run.id === runId)) throw new NotFoundError("run", runId ?? "");
        await retryRun(shop, runId, options);
        break;
      }
    }
    return { ok: true, action };
  } catch (error) {
    if (error instanceof TransitionError) return { ok: false, action, code: error.code };
    throw error;
  }
}

const RUN_ACTION_SERVICES = { resend: resendInvoice, void: voidInvoice, mark_uncollectible: markInvoiceUncollectible } as const;

async function applyRunAction(
  shop: Pick<Shop, "id" | "billingAccountId">,
  templateId: string,
  action: InvoiceAction,
  runId: string | undefined,
  options: TemplateActionOptions,
): Promise<ActionResult> {
  // The run must be this shop's and this template's: a run id from the form is never trusted alone.
  const run = runId ? await findRunForShop(shop.id, runId) : null;
  if (!run || run.templateId !== templateId) throw new NotFoundError("run", runId ?? "");
  try {
    const done = await RUN_ACTION_SERVICES[action](shop, run.id, { clock: options.clock, client: options.client, requestId: options.requestId });
    return { ok: true, action, runId: run.id, customerEmail: done.customerEmail };
  } catch (error) {
    if (error instanceof RunActionError) {
      if (error.code === "not_found") throw new NotFoundError("run", run.id);
      return { ok: false, action, code: error.code, runId: run.id, ...(error.runState ? { runState: error.runState } : {}) };
    }
    if (error instanceof BillingError) {
      // The merchant reads a translated summary; what Stripe said stays in the logs.
      logger.warn({ runId: run.id, action, kind: error.kind, code: error.code, err: error }, "run action refused by Stripe");
      return { ok: false, action, code: refusalOfBilling(error), runId: run.id };
    }
    throw error;
  }
}

/** A Stripe failure in the merchant's terms: reconnect Stripe, try later, or the invoice changed there. */
function refusalOfBilling(error: BillingError): ActionRefusalCode {
  // Stripe no longer lets the platform act on the account: only reconnecting helps, not waiting.
  if (error.code === "billing_account_unavailable") return "billing_not_connected";
  return error.kind === "transient" ? "stripe_unavailable" : "stripe_refused";
}

// ---------------------------------------------------------------------------
// Editing
// ---------------------------------------------------------------------------

export type TemplateEditSetup = {
  templateId: string;
  customerName: string;
  status: TemplateStatus;
  editable: boolean;
  context: TemplateFormContext;
  initialValues: TemplateFormValues;
};

/** The form for editing a template, filled with its current values. @throws NotFoundError */
export async function prepareTemplateEdit(shop: Pick<Shop, "id">, templateId: string, clock: Clock = appClock): Promise<TemplateEditSetup> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  return {
    templateId: template.id,
    customerName: template.customer.name,
    status: template.status,
    editable: template.status === "active" || template.status === "paused",
    context: editContextOf(template, clock),
    initialValues: {
      ...scheduleFieldsOf(template.schedule),
      anchor: template.schedule.anchor,
      timeOfDay: template.schedule.timeOfDay,
      lines: formLinesOf(template.lines, template.currency),
      customerEmail: template.customer.email,
      daysUntilDue: String(template.daysUntilDue),
      catchUp: template.catchUpPolicy ?? "shop",
      signatureRequested: template.signatureRequested,
      memo: template.memo ?? "",
    },
  };
}

function editContextOf(template: Template, clock: Clock): TemplateFormContext {
  return {
    currency: template.currency,
    taxesIncluded: template.taxesIncluded,
    shipping: template.shipping,
    timeZone: template.schedule.timeZone,
    today: todayIn(template.schedule.timeZone, clock),
    currentAnchor: template.schedule.anchor,
  };
}

export type SaveEditResult =
  | { ok: true }
  | { ok: false; errors: FormErrors; messages: Record<string, FieldProblem> }
  | { ok: false; code: TransitionErrorCode; errors: FormErrors; messages: Record<string, FieldProblem> };

/**
 * Saves the edited form: only periods not issued yet change (see editTemplate).
 * @throws NotFoundError
 */
export async function saveTemplateEdit(
  shop: Pick<Shop, "id">,
  templateId: string,
  values: TemplateFormValues,
  clock: Clock = appClock,
): Promise<SaveEditResult> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  const parsed = parseTemplateForm(values, editContextOf(template, clock));
  if (!parsed.ok) return { ok: false, errors: parsed.errors, messages: {} };
  const form = parsed.value;
  try {
    await editTemplate(
      shop,
      templateId,
      {
        customer: { ...template.customer, email: form.customerEmail },
        lines: keepKnownVariants(form.lines, template.lines),
        memo: form.memo,
        schedule: form.schedule,
        policies: { catchUp: form.catchUp, daysUntilDue: form.daysUntilDue, signatureRequested: form.signatureRequested },
      },
      { clock },
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: {}, messages: error.problems };
    if (error instanceof TransitionError) return { ok: false, code: error.code, errors: {}, messages: {} };
    throw error;
  }
}
