// Issuing one run: drives a run the worker leased through the billing rail,
//   customer → draft → lines → finalize → send,
// persisting each step's result before the next one starts (brandur.org's
// "atomic phases" around foreign mutations, run-lease.server.ts).
//
// How "exactly one invoice per period" survives crashes:
// - a run is worked on only under a lease; the lease ends at `nextAttemptAt`,
//   so a run whose worker died is taken over once the lease expires;
// - every provider call carries idempotencyKey(run.id, step, generation): repeating a
//   call whose outcome we never learnt returns the first call's result;
// - `step = draft` is stored before the first createDraft call, so an
//   attempt that *begins* at the draft step knows an earlier attempt may have
//   created the invoice (failure with unknown outcome, crash, expired lease):
//   it looks for it first (findInvoiceForRun, by metadata.run_id) and adopts
//   it, which also covers a provider that forgot the key (Stripe: after 24 h).
//   An attempt that reached the draft step itself knows no draft exists.
//
// Stop means stop: before each call up to finalization, a run its merchant,
// shop or customer no longer wants (as read with its last step write, under
// the lease) is stopped: stop-run.server.ts. A finalized one is left alone.
// On the Shopify rail the send is the point of no return (a draft order is
// the customer's only once its invoice is e-mailed; "finalize" reads it
// back): the run is also stopped before its send.
//
// Failures: a transient BillingError is retried with exponential backoff and
// full jitter (app/domain/retry-policy.ts), until `maxAttempts`, then the run
// is `failed` (attempts interrupted by a crash are counted apart, and bounded
// too: app/domain/attempts.ts); a permanent one fails the run at once with the provider's
// message for the merchant. A failed run blocks nothing: later periods are
// separate runs. A blocked one (access refused) holds it: billing-hold.server.ts.
// Any other error is a bug or a lost database: it propagates like a crash,
// the run keeps its lease and is taken over when it expires.
import { beginAttempt, type AttemptCounters } from "~/domain/attempts";
import { BillingError, idempotencyKey, type BillingGateway, type InvoiceRequest, type IssuedInvoice } from "~/domain/billing";
import type { RetryPolicy } from "~/domain/retry-policy";
import type { Logger } from "~/logger.server";
import type { LeasedRun, PipelineStep } from "~/models/invoice-run.server";
import type { NewRunEvent } from "~/models/run-event.server";
import { einvoiceRefusal, issueEInvoice } from "~/services/documents/issue-einvoice.server";
import { createSigningLink } from "~/services/signing/create-signing-link.server";
import type { BillingHolds } from "./billing-hold.server";
import { invoiceDetails, invoiceRequestFor, LeaseLostError, released, restartAtDraft, RunLease, type LeaseHolder } from "./run-lease.server";
import { refusalBeforeAttempt, sentWarning, type RunNote } from "./run-notes.server";
import { failRun, releaseRun, retryLater, waitRun } from "./run-endings.server";
import { sendClaimFor } from "./send-claim.server";
import { stopRun } from "./stop-run.server";

export type IssueRunOptions = LeaseHolder & {
  /** The Stripe rail: runs of templates that collect through Stripe. */
  gateway: BillingGateway;
  /** The Shopify rail (draft orders): runs whose snapshot says `rail: "shopify"`; absent, they wait. */
  shopifyGateway?: BillingGateway;
  retry: RetryPolicy;
  /** How often a run of a shop without a connected billing account, or held by a refusal, looks again. */
  billingRecheckMs: number;
  /** Who Stripe refuses, as the worker tick knows it: the runs a refusal holds are held without a call. */
  holds: BillingHolds;
  /** Source of jitter, in [0, 1). */
  random: () => number;
  /** Checked before every step: true once a graceful shutdown began. */
  shouldStop: () => boolean;
  logger: Logger;
};

/** Where the run stands when this attempt ends. */
export type RunOutcome =
  | "sent"
  | "closed" // found already paid, void or uncollectible at the provider: issued, nothing left to do
  | "failed"
  | "retry_scheduled"
  | "waiting" // the shop has no connected billing account, or Stripe refuses access (held)
  | "stopped" // its template or shop no longer wants it: skipped before finalization (stop-run.server.ts)
  | "released"; // given back before finishing (shutdown) or lost to another claim

/**
 * Drives one run its lane's claim leased (`run.leaseToken`) as far as it
 * goes: to `sent`, a retry time, `failed`, `skipped` (no longer wanted), or
 * back to the pool on shutdown.
 *
 * Effects: provider calls through `options.gateway`, each step's result and
 * its audit events stored on the run as soon as the call returns; for a run
 * that asks for a signature, its signing link is made before the draft.
 *
 * Idempotent and convergent: a run resumed from any stored step, by any
 * worker, after any crash, ends with one invoice at the provider (see the
 * top of this file). Safe to call again on a run whose previous attempt
 * ended in any way.
 *
 * @returns the outcome; "released" also when the run was claimed again (this call then wrote nothing more).
 * @throws anything but a BillingError (a bug, a lost database): the run
 *   keeps its lease until it expires, as after a crash.
 */
export function issueRun(run: LeasedRun, options: IssueRunOptions): Promise<RunOutcome> {
  return new RunDriver(run, options).drive();
}

class RunDriver {
  private readonly lease: RunLease;
  /** The rail this run was planned on (its snapshot). */
  private readonly onShopify: boolean;
  private readonly gateway: BillingGateway | undefined;
  /** The step this attempt begins at: an earlier attempt may have made its call (at the draft step: created the invoice). */
  private readonly resumedAt: string | null;
  /** A stop found the invoice past the point of no return and adopted it: the run goes on as issued, not stopped again. */
  private pastNoReturn = false;

  constructor(
    run: LeasedRun,
    private readonly options: IssueRunOptions,
  ) {
    this.lease = new RunLease(run, options);
    this.resumedAt = run.step;
    this.onShopify = run.snapshot.rail === "shopify";
    this.gateway = this.onShopify ? options.shopifyGateway : options.gateway;
  }

  private get run(): LeasedRun {
    return this.lease.run;
  }

  async drive(): Promise<RunOutcome> {
    try {
      // On the Shopify rail the shop's own Admin API is the account; Stripe's connection and refusals do not apply.
      const account = this.onShopify ? this.run.shop.domain : this.run.shop.billingAccountId;
      const stopsNow = this.lease.stopReason() !== null && this.run.invoiceId === null; // no draft to delete: no need to reach the provider
      if (account === null) return (stopsNow && (await this.stop(null))) || (await this.waitForBilling());
      if (!this.gateway) return (stopsNow && (await this.stop(null))) || (await this.wait("shopify_unreachable", "This worker was started without the Shopify invoice rail; the invoice waits for a worker that has it."));
      const refused = this.onShopify ? null : await this.options.holds.refusalFor(account, this.lease.now());
      if (refused) return (stopsNow && (await this.stop(null))) || (await this.wait(refused.code, refused.message));
      // A total of zero or less, attempts all ended without an outcome, or a French e-invoice breaking a rule; a stopped run just stops.
      const counters = beginAttempt(this.run, this.run.step ?? "customer");
      const refusal = this.lease.stopReason() ? null : (refusalBeforeAttempt({ ...this.run, ...counters }, this.options.retry.maxAttempts) ?? (await einvoiceRefusal(this.run, this.lease.now())));
      if (refusal) return await this.fail(refusal.code, refusal.message);
      await this.startAttempt(counters);
      const request = invoiceRequestFor(this.run, account);
      for (;;) {
        if (this.options.shouldStop()) return await releaseRun(this.lease);
        const step = this.run.step ?? "customer";
        try {
          // Up to finalization (on the Shopify rail: up to the send), a run nobody wants any more stops (or, its invoice found finalized, adopts it and goes on).
          if ((step !== "send" || this.onShopify) && !this.pastNoReturn && this.lease.stopReason()) {
            const stopped = await this.stop(request);
            if (stopped) return stopped;
            continue;
          }
          const outcome = await this.perform(step, request);
          if (!this.onShopify) await this.options.holds.accepted(this.lease.now()); // Stripe took the call: a refusal of the key is over
          if (outcome) return outcome;
        } catch (error) {
          if (!(error instanceof BillingError)) throw error;
          const outcome = await this.onBillingError(step, error, request); // null: the draft was gone, the run goes on from the draft step
          if (outcome) return outcome;
        }
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.options.logger.warn({ runId: this.run.id }, "lease lost: the run was claimed again; leaving it to the new claim");
        return "released";
      }
      throw error;
    }
  }

  /** Performs one step and stores its result; returns the run's outcome once it has left the pipeline. */
  private async perform(step: PipelineStep, request: InvoiceRequest): Promise<RunOutcome | null> {
    const gateway = this.gateway!;
    const { lease } = this;
    const context = { idempotencyKey: idempotencyKey(this.run.id, step, this.run.keyGeneration), resumed: this.resumedAt === step };
    switch (step) {
      case "customer": {
        const { customerId } = await gateway.ensureCustomer(request, context);
        await lease.persist({ customerId, step: "draft" }, [lease.stepEvent("customer", { customerId })]);
        return null;
      }
      case "draft": {
        if (context.resumed) {
          const existing = await gateway.findInvoiceForRun(request);
          if (existing) return this.adopt(existing);
        }
        const customerId = this.run.customerId;
        if (customerId === null) throw new Error(`run ${this.run.id} reached the draft step without a customer`);
        // A signature is requested: the invoice prints the run's signing link (the same URL on every attempt).
        if (this.run.snapshot.signatureRequested) request.signingUrl = (await createSigningLink(this.run.id, { clock: this.options.clock })).url;
        const invoice = await gateway.createDraft(request, customerId, context);
        await lease.persist({ invoiceId: invoice.invoiceId, step: "lines" }, [lease.stepEvent("draft", { invoiceId: invoice.invoiceId })]);
        return null;
      }
      case "lines": {
        const invoice = await gateway.addLines(request, this.invoiceId(), context);
        if (gateway.totals === "provider") {
          // Shopify applies its own taxes: its total is the invoice's (the form showed the merchant both before saving).
          const detail = { total: invoice.total, expectedTotal: this.run.expectedTotal, difference: invoice.total - this.run.expectedTotal };
          await lease.persist({ invoicedTotal: invoice.total, step: "finalize" }, [lease.stepEvent("lines", detail)]);
          return null;
        }
        if (invoice.total !== this.run.expectedTotal) {
          throw new BillingError(
            "permanent",
            "total_mismatch",
            `The invoice total computed by the provider (${invoice.total}) differs from the expected ${this.run.expectedTotal} (minor units of ${this.run.currency}). Check the tax rates and discounts of this recurring invoice.`,
          );
        }
        await lease.persist({ invoicedTotal: invoice.total, step: "finalize" }, [lease.stepEvent("lines", { total: invoice.total })]);
        return null;
      }
      case "finalize": {
        const invoice = await gateway.finalize(request, this.invoiceId(), context);
        await lease.persist({ ...invoiceDetails(invoice, this.run), step: "send" }, [lease.stepEvent("finalize", { number: invoice.number ?? null })]);
        return null;
      }
      case "send": {
        await issueEInvoice(this.run, this.lease.now()); // a French e-invoice's Factur-X, once, from the run's snapshot
        // No key on Shopify's rail: each e-mail is claimed on the trail first (send-claim.server.ts).
        const claimSend = this.onShopify ? sendClaimFor(lease, this.invoiceId()) : undefined;
        const invoice = await gateway.send(request, this.invoiceId(), { ...context, ...(claimSend ? { claimSend } : {}) });
        await this.finish("sent", invoice, "run.sent", [], sentWarning(invoice));
        return "sent";
      }
    }
  }

  /** Stops the run nobody wants any more (stop-run.server.ts): "stopped"; or adopts its invoice found finalized (null: it goes on). */
  private async stop(request: InvoiceRequest | null): Promise<RunOutcome | null> {
    const reason = this.lease.stopReason();
    // A shop that uninstalled the app took the Shopify rail's access with it (its sessions are deleted): its draft cannot be deleted.
    const reachable = request && !(this.onShopify && this.run.standing.shopUninstalled) ? request : null;
    const result = reason && (await stopRun(this.lease, this.gateway!, reachable, reason, this.resumedAt === "draft"));
    if (!result) return null;
    if (result.stopped) return "stopped";
    this.pastNoReturn = true;
    return this.adopt(result.finalized);
  }

  /** An invoice made for this run already exists at the provider: continue from where it stands. */
  private async adopt(invoice: IssuedInvoice): Promise<RunOutcome | null> {
    const event = this.lease.event("run.invoice_adopted", { detail: { invoiceId: invoice.invoiceId, status: invoice.status } });
    switch (invoice.status) {
      case "draft":
        // Lines are added by the next step; the provider's addLines is
        // idempotent per key, so a draft that got them keeps one set.
        await this.lease.persist({ invoiceId: invoice.invoiceId, step: "lines" }, [event]);
        return null;
      case "open":
        await this.lease.persist({ ...invoiceDetails(invoice, this.run), invoicedTotal: invoice.total, step: "send" }, [event]);
        return null;
      default:
        // Already paid, void or uncollectible: it was issued; nothing left to do.
        await this.finish(invoice.status, invoice, "run.sent", [event]);
        return "closed";
    }
  }

  /** The run leaves the pipeline issued; a `warning` (run-notes.server.ts) stays on it and on its event, for the merchant. */
  private async finish(state: "sent" | "paid" | "void" | "uncollectible", invoice: IssuedInvoice, type: "run.sent", before: NewRunEvent[] = [], warning: RunNote | null = null): Promise<void> {
    await this.lease.persist(
      { ...invoiceDetails(invoice, this.run), state, step: null, lastErrorCode: warning?.code ?? null, lastErrorMessage: warning?.message ?? null, ...released(), nextAttemptAt: null },
      [...before, this.lease.event(type, { fromState: "issuing", toState: state, cause: warning?.code ?? null, detail: { invoiceId: invoice.invoiceId, number: invoice.number ?? null } })],
      { countIssued: true },
    );
  }

  private async onBillingError(step: PipelineStep, error: BillingError, request: InvoiceRequest): Promise<RunOutcome | null> {
    if (error.code === "stripe_resource_missing" && (step === "lines" || step === "finalize")) return restartAtDraft(this.lease, this.options, request).then((found) => found && this.adopt(found));
    if (error.kind === "permanent") return this.fail(error.code, error.message, step);
    if (error.kind === "blocked") return this.holdForRefusal(error);
    return retryLater(this.lease, step, error, this.options);
  }

  private fail(code: string, message: string, step?: PipelineStep): Promise<RunOutcome> {
    return failRun(this.lease, code, message, step);
  }

  /** The shop has no connected billing account: the run waits (not a failure) and looks again later. */
  private waitForBilling(): Promise<RunOutcome> {
    return this.wait("billing_not_connected", "Connect your Stripe account in Ritournelle's settings: this invoice is issued as soon as it is connected.");
  }

  /** Stripe refuses access (billing-hold.server.ts): recorded once, and the run held where it stands until resumed. */
  private async holdForRefusal(error: BillingError): Promise<RunOutcome> {
    const refusal = await this.options.holds.record(error, this.run.shop.billingAccountId ?? "", this.lease.now());
    return this.wait(refusal.code, refusal.message);
  }

  private wait(code: string, message: string): Promise<RunOutcome> {
    return waitRun(this.lease, code, message, this.options.billingRecheckMs);
  }

  /** Counters from beginAttempt (app/domain/attempts.ts): an interrupted attempt before this one is not counted. */
  private async startAttempt(counters: AttemptCounters): Promise<void> {
    const wasPlanned = this.run.state === "planned";
    // Started from planned, the run issues what this write leaves stored, not
    // what its claim read: an edit may have re-planned it since (its lease had
    // run out before it started); from `issuing` on, no edit changes it
    // (replanRuns). The invoice is made from the stored plan, the one its
    // total is checked against.
    await this.lease.persist(
      { state: "issuing", step: this.run.step ?? "customer", ...counters },
      wasPlanned ? [this.lease.event("run.started", { fromState: "planned", toState: "issuing" })] : [],
      { readPlan: wasPlanned },
    );
  }

  private invoiceId(): string {
    if (this.run.invoiceId === null) throw new Error(`run ${this.run.id} is past the draft step without an invoice id`);
    return this.run.invoiceId;
  }
}
