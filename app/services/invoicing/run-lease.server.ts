// A worker's hold on one run while it issues it: the "atomic phases" of
// brandur.org's idempotency keys. Every change to the run (a step's result,
// a new state, a retry time) is stored with its audit events in one
// transaction, and only while this worker still holds the run's lease; each
// stored phase is a recovery point another worker resumes from after a
// crash.
import type { IssuedInvoice } from "~/domain/billing";
import type { Clock } from "~/domain/clock";
import { writeLeasedStep, type LeasedRun, type LeasedRunWrite, type PipelineStep } from "~/models/invoice-run.server";
import type { NewRunEvent } from "~/models/run-event.server";

/** The lease was taken over by another worker: stop touching the run. */
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
   * events, in one transaction, only while this worker holds the lease.
   * @throws LeaseLostError when another worker took the run over.
   */
  async persist(data: LeasedRunWrite, events: NewRunEvent[], options: { countIssued?: boolean } = {}): Promise<void> {
    const now = this.now();
    const renewal = new Date(now.getTime() + this.holder.leaseMs);
    const write = "leaseOwner" in data ? data : { leaseExpiresAt: renewal, nextAttemptAt: renewal, ...data };
    const stored = await writeLeasedStep({
      runId: this.current.id,
      templateId: this.current.templateId,
      owner: this.holder.workerId,
      data: write,
      events: events.map((event) => ({ ...event, at: now })),
      countIssued: options.countIssued,
    });
    if (!stored) throw new LeaseLostError();
    this.current = { ...this.current, ...(write as Partial<LeasedRun>) };
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
  return { leaseOwner: null, leaseExpiresAt: null };
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
