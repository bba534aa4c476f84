// The actions of a template's page: on the template (pause, resume, skip,
// cancel) and on one of its runs (retry; resend, void, mark uncollectible
// at Stripe). Scoped by shop, and a run must be this template's.
import type { Shop } from "@prisma/client";
import type { Clock } from "~/domain/clock";
import { NotFoundError, TransitionError, type TransitionErrorCode } from "~/domain/errors";
import { PlanLimitError } from "~/domain/plan";
import type { StripeClient } from "~/gateways/stripe/client.server";
import type { InvoiceAction } from "~/gateways/stripe/invoice-actions.server";
import { logger } from "~/logger.server";
import { findRunForShop, listRunsOfTemplate, type RunState } from "~/models/invoice-run.server";
import { BillingError } from "~/domain/billing";
import { markInvoiceUncollectible } from "~/services/invoicing/mark-uncollectible.server";
import { RUN_ACTIONS, RunActionError, type RunActionErrorCode } from "~/services/invoicing/run-actions.server";
import { resendInvoice } from "~/services/invoicing/send-again.server";
import { voidInvoice } from "~/services/invoicing/void-run.server";
import { cancelTemplate } from "./cancel.server";
import { pauseTemplate } from "./pause.server";
import { resumeTemplate } from "./resume.server";
import { retryRun } from "./retry-run.server";
import { skipNextPeriod } from "./skip-next.server";

export const TEMPLATE_ACTIONS = ["pause", "resume", "skip", "cancel", "retry", ...RUN_ACTIONS] as const;
export type TemplateAction = (typeof TEMPLATE_ACTIONS)[number];

/** Why an action was not done, for the page to explain. */
export type ActionRefusalCode =
  | TransitionErrorCode
  | Exclude<RunActionErrorCode, "not_found">
  /** Stripe answered but refused (the invoice changed there, e.g. paid meanwhile). */
  | "stripe_refused"
  /** Stripe could not be reached or failed; trying again later may work. */
  | "stripe_unavailable"
  /** Shopify refused (the draft order changed there: paid, deleted) — the Shopify invoice rail's "stripe_refused". */
  | "shopify_refused"
  /** Shopify could not be reached or failed; trying again later may work. */
  | "shopify_unavailable"
  /** Resuming would exceed the shop's plan (Free: 3 active): upgrade to Pro, or pause or cancel another. */
  | "plan_limit_reached";

export type ActionResult =
  | { ok: true; action: TemplateAction; runId?: string; customerEmail?: string; creditNoteNumber?: string; resendConfirmedEarlier?: true }
  | { ok: false; action: TemplateAction; code: ActionRefusalCode; runId?: string; runState?: RunState; retryInMinutes?: number };

export type TemplateActionOptions = {
  clock?: Clock;
  /** The Stripe client for run actions (tests); the process's shared one otherwise. */
  client?: StripeClient;
  /** The merchant's click, for run actions: the same id twice sends one Stripe request. */
  requestId?: string;
};

/**
 * Applies a merchant's action to the template (or, for `retry`, `resend`,
 * `void` and `mark_uncollectible`, to one of its runs).
 *
 * Inputs: the shop, the template's id, the action, the run's id for run
 * actions (untrusted: it must be this template's), options.
 * Effects: those of the use case it calls (pauseTemplate, resumeTemplate,
 * skipNextPeriod, cancelTemplate, retryRun; resendInvoice, voidInvoice,
 * markInvoiceUncollectible).
 * Idempotency: theirs (repeating pause or cancel changes nothing; a run
 * action with the same `requestId` sends one Stripe request).
 * Errors: a state that does not allow the action, or Stripe refusing it, is
 * a result, not an exception, so the page can say why. NotFoundError for
 * another shop's template or run, or a run of another template.
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
    if (error instanceof PlanLimitError) return { ok: false, action, code: error.code };
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
    return {
      ok: true,
      action,
      runId: run.id,
      customerEmail: done.customerEmail,
      ...(done.creditNoteNumber ? { creditNoteNumber: done.creditNoteNumber } : {}),
      ...(done.resendConfirmedEarlier ? { resendConfirmedEarlier: true as const } : {}),
    };
  } catch (error) {
    if (error instanceof RunActionError) {
      if (error.code === "not_found") throw new NotFoundError("run", run.id);
      const now = (options.clock?.nowDate() ?? new Date()).getTime();
      const wait = error.retryAt ? { retryInMinutes: Math.max(1, Math.ceil((error.retryAt.getTime() - now) / 60_000)) } : {};
      return { ok: false, action, code: error.code, runId: run.id, ...(error.runState ? { runState: error.runState } : {}), ...wait };
    }
    if (error instanceof BillingError) {
      // The merchant reads a translated summary; what Stripe said stays in the logs.
      logger.warn({ runId: run.id, action, kind: error.kind, code: error.code, err: error }, "run action refused by the billing rail");
      return { ok: false, action, code: refusalOfBilling(error, run.snapshot.rail === "shopify"), runId: run.id };
    }
    throw error;
  }
}

/** A Stripe failure in the merchant's terms: reconnect Stripe, try later, or the invoice changed there. */
function refusalOfBilling(error: BillingError, onShopify: boolean): ActionRefusalCode {
  // Stripe no longer lets the platform act on the account: only reconnecting helps, not waiting.
  if (error.code === "billing_account_unavailable") return "billing_not_connected";
  // On the Shopify invoice rail, it was Shopify that refused or could not be reached.
  if (onShopify) return error.kind === "permanent" ? "shopify_refused" : "shopify_unavailable";
  return error.kind === "permanent" ? "stripe_refused" : "stripe_unavailable";
}
