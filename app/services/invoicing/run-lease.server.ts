// A worker's hold on one run while it issues it: the "atomic phases" of
// brandur.org's idempotency keys. Every change to the run (a step's result,
// a new state, a retry time) is stored with its audit events in one
// transaction, and only while the run's lease is still the one this lane's
// claim took (its fencing token, not the worker id: another lane of the same
// worker may have claimed the run again after the lease expired); each
// stored phase is a recovery point another worker resumes from after a
// crash. A write that keeps the lease also reads, in its transaction, where
// the run's template and shop stand: what the run checks before its next
// provider call (stop means stop).
import type { BillingGateway, InvoiceRequest, IssuedInvoice } from "~/domain/billing";
import { ATTEMPT_ENDED } from "~/domain/attempts";
import { detailWithoutPersonalData, withoutPersonalData } from "~/domain/personal-text";
import type { Clock } from "~/domain/clock";
import { stopReasonOf, type StopReason } from "~/domain/run-state";
import { writeLeasedStep, type LeasedRun, type LeasedRunWrite, type PipelineStep } from "~/models/invoice-run.server";
import type { NewRunEvent } from "~/models/run-event.server";
import type { Logger } from "~/logger.server";

/** The run was claimed again since this lease was taken (its lease expired): stop touching it. */
export class LeaseLostError extends Error {}

export type LeaseHolder = {
  workerId: string;
  clock: Clock;
  /** How long each stored phase extends the lease. */
  leaseMs: number;
};

export class RunLease {
  private current: LeasedRun;
  private readonly actor: string;

  constructor(
    run: LeasedRun,
    private readonly holder: LeaseHolder,
  ) {
    this.current = run;
    this.actor = `worker:${holder.workerId}`;
  }

  /** The run as last stored through this lease. */
  get run(): LeasedRun {
    return this.current;
  }

  now(): Date {
    return this.holder.clock.nowDate();
  }

  /**
   * Stores `data` (and renews the lease, unless `data` releases it) with its
   * events, in one transaction, only while the lease is still this one
   * (checked by its token). A write that keeps the lease also reads where
   * the template and shop stand (see {@link stopReason}).
   * @throws LeaseLostError when the run was claimed again since: nothing was written.
   */
  async persist(data: LeasedRunWrite, events: NewRunEvent[], options: { countIssued?: boolean; readPlan?: boolean } = {}): Promise<void> {
    const now = this.now();
    const renewal = new Date(now.getTime() + this.holder.leaseMs);
    const keepsLease = !("leaseOwner" in data);
    // A write that gives the lease back ends the attempt (app/domain/attempts.ts).
    const write = keepsLease ? { leaseExpiresAt: renewal, nextAttemptAt: renewal, ...data } : { ...ATTEMPT_ENDED, ...data };
    // Error text and audit details are stored without the customer's data
    // (app/domain/personal-text.ts): pages fill it in from the live snapshot.
    const customer = this.current.snapshot.customer;
    if (typeof write.lastErrorMessage === "string") write.lastErrorMessage = withoutPersonalData(write.lastErrorMessage, customer);
    const { stored, standing, plan } = await writeLeasedStep({
      runId: this.current.id,
      templateId: this.current.templateId,
      shopId: this.current.shopId,
      leaseToken: this.current.leaseToken,
      data: write,
      events: events.map((event) => ({ ...event, detail: detailWithoutPersonalData(event.detail, customer), at: now })),
      countIssued: options.countIssued,
      readStanding: keepsLease,
      readPlan: options.readPlan,
    });
    if (!stored) throw new LeaseLostError();
    const { leaseToken } = this.current;
    this.current = { ...this.current, ...(write as Partial<LeasedRun>), leaseToken, ...(standing ? { standing } : {}), ...(plan ?? {}) };
  }

  /**
   * Why the run must not make its next provider call — its template was
   * cancelled or paused, its shop uninstalled the app, its customer was
   * erased — as of the claim or the last write that kept the lease (read in
   * that write, or right after it on PostgreSQL); null when it goes on.
   */
  stopReason(): StopReason | null {
    return stopReasonOf(this.current.standing);
  }

  stepEvent(step: PipelineStep, detail: Record<string, unknown>): NewRunEvent {
    return this.event("run.step_completed", { cause: step, detail: { step, ...detail } });
  }

  event(type: NewRunEvent["type"], extras: Pick<NewRunEvent, "fromState" | "toState" | "cause" | "detail"> = {}): NewRunEvent {
    const run = this.current;
    return { shopId: run.shopId, templateId: run.templateId, runId: run.id, type, actor: this.actor, at: this.now(), ...extras };
  }
}

/** The columns of a write that gives the lease back (with `nextAttemptAt`: when any worker may take the run again). */
export function released() {
  return { leaseOwner: null, leaseExpiresAt: null, leaseToken: null };
}

/** The invoice's identifiers; a detail the provider did not return this time keeps its stored value. */
export function invoiceDetails(invoice: IssuedInvoice, stored: Pick<LeasedRun, "invoiceNumber" | "hostedInvoiceUrl" | "invoicePdfUrl">) {
  return {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number ?? stored.invoiceNumber,
    hostedInvoiceUrl: invoice.hostedInvoiceUrl ?? stored.hostedInvoiceUrl,
    invoicePdfUrl: invoice.invoicePdfUrl ?? stored.invoicePdfUrl,
  };
}

/** What the provider is asked to issue for `run`, in the merchant's billing `account`: the run's frozen snapshot. */
export function invoiceRequestFor(run: LeasedRun, account: string): InvoiceRequest {
  const request: InvoiceRequest = {
    runId: run.id,
    templateId: run.templateId,
    shopDomain: run.shop.domain,
    account,
    periodIndex: run.periodIndex,
    periodDate: run.periodDate,
    currency: run.currency,
    customer: run.snapshot.customer,
    lines: run.snapshot.lines,
    daysUntilDue: run.snapshot.daysUntilDue,
    expectedTotal: run.expectedTotal,
  };
  if (run.snapshot.memo) request.memo = run.snapshot.memo;
  if (run.shop.locale) request.shopLocale = run.shop.locale;
  return request;
}

// ---------------------------------------------------------------------------
// A run whose draft no longer exists at the provider (found by the chaos
// campaign, tests/chaos): a stop deleted the draft (stop-run.server.ts) and
// its worker died, or lost its lease, before the run was stored skipped; the
// template was resumed since, and the run went on with the deleted draft's id
// ("No such invoice" at the lines step: a failed run, a missed period).
// ---------------------------------------------------------------------------

/**
 * An invoice of the run found at the provider under another id (the caller
 * adopts it), or null once the run is stored back at the draft step under a
 * new key generation — the old draft key would replay the deleted draft — so
 * that it makes a new draft. Idempotent: a crash before the write leaves the
 * run where it was, and the next attempt finds the draft gone again.
 */
export async function restartAtDraft(lease: RunLease, options: { gateway: BillingGateway; logger: Logger }, request: InvoiceRequest): Promise<IssuedInvoice | null> {
  const run = lease.run;
  const existing = await options.gateway.findInvoiceForRun(request);
  if (existing && existing.invoiceId !== run.invoiceId) return existing;
  options.logger.warn({ runId: run.id, invoiceId: run.invoiceId }, "the run's draft is gone at the provider; making a new one");
  await lease.persist({ invoiceId: null, invoicedTotal: null, step: "draft", keyGeneration: run.keyGeneration + 1 }, []);
  return null;
}
