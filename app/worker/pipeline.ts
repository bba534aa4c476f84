// The run pipeline: drives each due run through the invoicing provider,
//   customer → draft → lines → finalize → send,
// persisting each step's result before the next one starts (brandur.org's
// "atomic phases" around foreign mutations).
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
// Failures: a transient BillingError is retried with exponential backoff and
// full jitter, until `maxAttempts`, then the run is `failed`; a permanent one
// fails the run at once with the provider's message for the merchant. A failed
// run blocks nothing: later periods are separate runs. Any other error is a
// bug or a lost database: it propagates like a crash, the run keeps its lease
// and is taken over when it expires.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { Clock } from "~/domain/clock";
import type { Logger } from "~/logger.server";
import {
  findRunsLeasedBy,
  leaseRuns,
  releaseRunLeases,
  selectWorkableRunIds,
  writeLeasedStep,
  type LeasedRun,
  type LeasedRunWrite,
  type PipelineStep,
} from "~/models/invoice-run.server";
import type { NewRunEvent } from "~/models/run-event.server";
import {
  BillingError,
  idempotencyKey,
  type BillingGateway,
  type InvoiceRequest,
  type IssuedInvoice,
} from "~/domain/billing";
import { createSigningLink } from "~/services/signing/create-signing-link.server";
import { toDate } from "~/domain/schedule-dates";

export type RetryPolicy = {
  /** Upper bound of the first retry's delay. */
  baseDelayMs: number;
  /** No delay exceeds this. */
  maxDelayMs: number;
  /** Attempts before a run that keeps failing transiently (or keeps dying mid-step) is `failed`. */
  maxAttempts: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 };

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * "full jitter", uniformly random in [0, min(maxDelayMs, baseDelayMs × 2^(attempt−1))).
 * Jitter spreads the retries of many runs hit by one outage.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export type PipelineOptions = {
  workerId: string;
  clock: Clock;
  gateway: BillingGateway;
  /** Runs driven per tick, at most. */
  batchSize: number;
  /** Runs driven at the same time (each waits on its provider calls). */
  concurrency: number;
  /** How long a claim holds a run; longer than the slowest provider call. Renewed at every step. */
  leaseMs: number;
  retry: RetryPolicy;
  /** How often a run of a shop without a connected billing account looks again. */
  billingRecheckMs: number;
  /** Source of jitter, in [0, 1). */
  random: () => number;
  /** Checked before every step: true once a graceful shutdown began. */
  shouldStop: () => boolean;
  logger: Logger;
};

export type IssueReport = {
  claimed: number;
  sent: number;
  failed: number;
  retryScheduled: number;
  /** Runs of shops without a connected billing account. */
  waiting: number;
  /** Leases given back before finishing (shutdown) or found lost. */
  released: number;
};

type RunOutcome = "sent" | "closed" | "failed" | "retry_scheduled" | "waiting" | "released";

/**
 * One pipeline tick: drives up to `batchSize` runs due for work (runs between
 * two steps first, then new ones), `concurrency` at a time, each as far as it
 * goes. Runs are claimed in chunks as lanes free up, so a claimed run never
 * waits long behind others with its lease running. Idempotent and
 * convergent: safe to run any number of times, concurrently from any number
 * of processes, and to kill at any instant.
 *
 * Concurrency is what makes Stripe's latency affordable: one invoice is ~9
 * calls of ~100 ms or more, so a run alone cannot use an account's rate; the
 * per-account limiter of the Stripe client keeps many lanes within it.
 */
export async function issueDueRuns(options: PipelineOptions): Promise<IssueReport> {
  const owner = options.workerId;
  const lanes = Math.max(1, Math.min(options.concurrency, options.batchSize));
  const report: IssueReport = { claimed: 0, sent: 0, failed: 0, retryScheduled: 0, waiting: 0, released: 0 };
  const queue: LeasedRun[] = [];
  let budget = options.batchSize;
  let exhausted = false;
  const crashes: unknown[] = [];
  let claiming: Promise<void> | null = null;

  const refill = async () => {
    // Twice the lanes: the next runs are ready when lanes free up, and few enough that their leases stay fresh.
    const want = Math.min(budget, 2 * lanes);
    const runs = await claimWorkableRuns({ now: toDate(options.clock.now()), owner, batchSize: want, leaseMs: options.leaseMs });
    budget -= runs.length;
    report.claimed += runs.length;
    // Fewer than asked: nothing more is due now (or other workers won it); the next tick looks again.
    if (runs.length < want || budget === 0) exhausted = true;
    queue.push(...runs);
  };
  // Runs in flight per billing account. Stripe limits each account
  // separately: a lane that picks, among the runs claimed, one of the least
  // busy account keeps several accounts progressing at once instead of
  // queueing every lane behind one account's limit.
  const inFlight = new Map<string | null, number>();
  const takeLeastBusy = (): LeasedRun | undefined => {
    let chosen = -1;
    let lowest = Infinity;
    for (const [index, run] of queue.entries()) {
      const busy = inFlight.get(run.shop.billingAccountId) ?? 0;
      if (busy < lowest) [chosen, lowest] = [index, busy];
      if (busy === 0) break; // the oldest run of an idle account
    }
    if (chosen < 0) return undefined;
    const [run] = queue.splice(chosen, 1);
    // Counted as soon as it is taken, before any other lane chooses.
    inFlight.set(run!.shop.billingAccountId, lowest + 1);
    return run;
  };
  const nextRun = async (): Promise<LeasedRun | undefined> => {
    for (;;) {
      if (crashes.length > 0 || options.shouldStop()) return undefined;
      const run = takeLeastBusy();
      if (run) return run;
      if (exhausted) return undefined;
      // One claim at a time for the whole pool: lanes waiting for runs share it.
      claiming ??= refill().finally(() => (claiming = null));
      await claiming;
    }
  };
  const lane = async () => {
    try {
      for (let run = await nextRun(); run; run = await nextRun()) {
        const account = run.shop.billingAccountId;
        const outcome = await new RunDriver(run, options).drive().finally(() => inFlight.set(account, inFlight.get(account)! - 1));
        if (outcome === "sent" || outcome === "closed") report.sent += 1;
        else if (outcome === "failed") report.failed += 1;
        else if (outcome === "retry_scheduled") report.retryScheduled += 1;
        else if (outcome === "waiting") report.waiting += 1;
        else report.released += 1;
      }
    } catch (error) {
      // A bug or a lost database: the other lanes finish their run and stop;
      // the run this lane was on keeps its lease, as after a crash.
      crashes.push(error);
    }
  };

  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    // Runs claimed but not reached (shutdown, or a crash-like error) go back at once.
    const untouched = queue.splice(0).map((run) => run.id);
    report.released += untouched.length;
    await releaseRunLeases(untouched, owner, toDate(options.clock.now()));
  }
  if (crashes.length > 0) throw crashes[0];
  return report;
}

/**
 * The work claim: up to `batchSize` runs due for work — runs between two
 * steps first, then runs not started — whose lease `owner` now holds.
 * Same three portable steps as the due-template claim (select ids, one
 * conditional UPDATE, re-read what was won).
 */
export async function claimWorkableRuns(
  claim: { now: Date; owner: string; batchSize: number; leaseMs: number },
  db: Prisma.TransactionClient = prisma,
): Promise<LeasedRun[]> {
  const inFlight = await selectWorkableRunIds("issuing", claim.now, claim.batchSize, db);
  const fresh = await selectWorkableRunIds("planned", claim.now, claim.batchSize - inFlight.length, db);
  const candidates = [...inFlight, ...fresh];
  const until = new Date(claim.now.getTime() + claim.leaseMs);
  await leaseRuns(candidates, claim.owner, claim.now, until, db);
  return findRunsLeasedBy(candidates, claim.owner, until, db);
}

/** The lease was taken over by another worker: stop touching the run. */
class LeaseLostError extends Error {}

class RunDriver {
  private run: LeasedRun;
  private readonly actor: string;
  /** An earlier attempt stopped at the draft step: it may have created the invoice. */
  private readonly resumedAtDraft: boolean;

  constructor(
    run: LeasedRun,
    private readonly options: PipelineOptions,
  ) {
    this.run = run;
    this.actor = `worker:${options.workerId}`;
    this.resumedAtDraft = run.step === "draft";
  }

  async drive(): Promise<RunOutcome> {
    try {
      const account = this.run.shop.billingAccountId;
      if (account === null) return await this.waitForBilling();
      if (this.run.attempt >= this.options.retry.maxAttempts) {
        // Every earlier attempt ended without an outcome (the worker died mid-step).
        return await this.fail(
          "attempts_exhausted",
          `Issuing this invoice was interrupted ${this.run.attempt} times. Retry it; if it keeps failing, contact support.`,
        );
      }
      await this.startAttempt();
      const request = this.requestFor(account);
      for (;;) {
        if (this.options.shouldStop()) return await this.release();
        const step = this.run.step ?? "customer";
        try {
          const outcome = await this.perform(step, request);
          if (outcome) return outcome;
        } catch (error) {
          if (error instanceof BillingError) return await this.onBillingError(step, error);
          throw error;
        }
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.options.logger.warn({ runId: this.run.id }, "lease lost to another worker; leaving the run to it");
        return "released";
      }
      throw error;
    }
  }

  /** Performs one step and stores its result; returns the run's outcome once it has left the pipeline. */
  private async perform(step: PipelineStep, request: InvoiceRequest): Promise<RunOutcome | null> {
    const { gateway } = this.options;
    const context = { idempotencyKey: idempotencyKey(this.run.id, step, this.run.keyGeneration) };
    switch (step) {
      case "customer": {
        const { customerId } = await gateway.ensureCustomer(request, context);
        await this.persist({ customerId, step: "draft" }, [this.stepEvent("customer", { customerId })]);
        return null;
      }
      case "draft": {
        if (this.resumedAtDraft) {
          const existing = await gateway.findInvoiceForRun(request);
          if (existing) return this.adopt(existing);
        }
        const customerId = this.run.customerId;
        if (customerId === null) throw new Error(`run ${this.run.id} reached the draft step without a customer`);
        // A signature is requested: the invoice prints the run's signing link (the same URL on every attempt).
        if (this.run.snapshot.signatureRequested) request.signingUrl = (await createSigningLink(this.run.id, { clock: this.options.clock })).url;
        const invoice = await gateway.createDraft(request, customerId, context);
        await this.persist({ invoiceId: invoice.invoiceId, step: "lines" }, [this.stepEvent("draft", { invoiceId: invoice.invoiceId })]);
        return null;
      }
      case "lines": {
        const invoice = await gateway.addLines(request, this.invoiceId(), context);
        if (invoice.total !== this.run.expectedTotal) {
          throw new BillingError(
            "permanent",
            "total_mismatch",
            `The invoice total computed by the provider (${invoice.total}) differs from the expected ${this.run.expectedTotal} (minor units of ${this.run.currency}). Check the tax rates and discounts of this recurring invoice.`,
          );
        }
        await this.persist({ invoicedTotal: invoice.total, step: "finalize" }, [this.stepEvent("lines", { total: invoice.total })]);
        return null;
      }
      case "finalize": {
        const invoice = await gateway.finalize(request, this.invoiceId(), context);
        await this.persist({ ...invoiceDetails(invoice, this.run), step: "send" }, [this.stepEvent("finalize", { number: invoice.number ?? null })]);
        return null;
      }
      case "send": {
        const invoice = await gateway.send(request, this.invoiceId(), context);
        await this.finish("sent", invoice, "run.sent");
        return "sent";
      }
    }
  }

  /** An invoice made for this run already exists at the provider: continue from where it stands. */
  private async adopt(invoice: IssuedInvoice): Promise<RunOutcome | null> {
    const event = this.event("run.invoice_adopted", { detail: { invoiceId: invoice.invoiceId, status: invoice.status } });
    switch (invoice.status) {
      case "draft":
        // Lines are added by the next step; the provider's addLines is
        // idempotent per key, so a draft that got them keeps one set.
        await this.persist({ invoiceId: invoice.invoiceId, step: "lines" }, [event]);
        return null;
      case "open":
        await this.persist({ ...invoiceDetails(invoice, this.run), invoicedTotal: invoice.total, step: "send" }, [event]);
        return null;
      default:
        // Already paid, void or uncollectible: it was issued; nothing left to do.
        await this.finish(invoice.status, invoice, "run.sent", [event]);
        return "closed";
    }
  }

  private async finish(state: "sent" | "paid" | "void" | "uncollectible", invoice: IssuedInvoice, type: "run.sent", before: NewRunEvent[] = []): Promise<void> {
    await this.persist(
      { ...invoiceDetails(invoice, this.run), state, step: null, lastErrorCode: null, lastErrorMessage: null, ...released(), nextAttemptAt: null },
      [...before, this.event(type, { fromState: "issuing", toState: state, detail: { invoiceId: invoice.invoiceId, number: invoice.number ?? null } })],
      { countIssued: true },
    );
  }

  private async onBillingError(step: PipelineStep, error: BillingError): Promise<RunOutcome> {
    const { retry, logger } = this.options;
    if (error.kind === "permanent") return this.fail(error.code, error.message, step);
    if (this.run.attempt >= retry.maxAttempts) {
      return this.fail(
        error.code,
        `${error.message} Ritournelle gave up after ${this.run.attempt} attempts: use Retry once the problem is solved.`,
        step,
      );
    }
    const delayMs = backoffDelayMs(this.run.attempt, retry, this.options.random);
    const nextAttemptAt = new Date(this.now().getTime() + delayMs);
    logger.info({ runId: this.run.id, step, code: error.code, attempt: this.run.attempt, delayMs }, "transient provider failure; retry scheduled");
    await this.persist({ lastErrorCode: error.code, lastErrorMessage: error.message, ...released(), nextAttemptAt }, [
      this.event("run.retry_scheduled", { cause: error.code, detail: { step, attempt: this.run.attempt, delayMs, message: error.message } }),
    ]);
    return "retry_scheduled";
  }

  private async fail(code: string, message: string, step?: PipelineStep): Promise<RunOutcome> {
    await this.persist({ state: "failed", lastErrorCode: code, lastErrorMessage: message, ...released(), nextAttemptAt: null }, [
      this.event("run.failed", { fromState: this.run.state, toState: "failed", cause: code, detail: { step: step ?? this.run.step, message } }),
    ]);
    return "failed";
  }

  /** The shop has no connected billing account: the run waits (not a failure) and looks again later. */
  private async waitForBilling(): Promise<RunOutcome> {
    const code = "billing_not_connected";
    const events = this.run.lastErrorCode === code ? [] : [this.event("run.waiting", { cause: code })];
    await this.persist(
      {
        lastErrorCode: code,
        lastErrorMessage: "Connect your Stripe account in Ritournelle's settings: this invoice is issued as soon as it is connected.",
        ...released(),
        nextAttemptAt: new Date(this.now().getTime() + this.options.billingRecheckMs),
      },
      events,
    );
    return "waiting";
  }

  private async startAttempt(): Promise<void> {
    const wasPlanned = this.run.state === "planned";
    await this.persist(
      { state: "issuing", step: this.run.step ?? "customer", attempt: this.run.attempt + 1 },
      wasPlanned ? [this.event("run.started", { fromState: "planned", toState: "issuing" })] : [],
    );
  }

  /** Graceful shutdown: the step in progress is finished; the run is free for any worker at once. */
  private async release(): Promise<RunOutcome> {
    await this.persist({ ...released(), nextAttemptAt: this.now() }, []);
    return "released";
  }

  /**
   * Stores `data` (and renews the lease, unless `data` releases it) with its
   * events, in one transaction, only while this worker holds the lease.
   * @throws LeaseLostError when another worker took the run over.
   */
  private async persist(data: LeasedRunWrite, events: NewRunEvent[], options: { countIssued?: boolean } = {}): Promise<void> {
    const now = this.now();
    const renewal = new Date(now.getTime() + this.options.leaseMs);
    const write = "leaseOwner" in data ? data : { leaseExpiresAt: renewal, nextAttemptAt: renewal, ...data };
    const stored = await writeLeasedStep({
      runId: this.run.id,
      templateId: this.run.templateId,
      owner: this.options.workerId,
      data: write,
      events: events.map((event) => ({ ...event, at: now })),
      countIssued: options.countIssued,
      now,
    });
    if (!stored) throw new LeaseLostError();
    this.run = { ...this.run, ...(write as Partial<LeasedRun>) };
  }

  private requestFor(account: string): InvoiceRequest {
    const { run } = this;
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
    return request;
  }

  private invoiceId(): string {
    if (this.run.invoiceId === null) throw new Error(`run ${this.run.id} is past the draft step without an invoice id`);
    return this.run.invoiceId;
  }

  private now(): Date {
    return toDate(this.options.clock.now());
  }

  private stepEvent(step: PipelineStep, detail: Record<string, unknown>): NewRunEvent {
    return this.event("run.step_completed", { cause: step, detail: { step, ...detail } });
  }

  private event(type: NewRunEvent["type"], extras: Pick<NewRunEvent, "fromState" | "toState" | "cause" | "detail"> = {}): NewRunEvent {
    const { run } = this;
    return { shopId: run.shopId, templateId: run.templateId, runId: run.id, type, actor: this.actor, at: this.now(), ...extras };
  }
}

function released() {
  return { leaseOwner: null, leaseExpiresAt: null };
}

/** The invoice's identifiers; a detail the provider did not return this time keeps its stored value. */
function invoiceDetails(invoice: IssuedInvoice, stored: Pick<LeasedRun, "invoiceNumber" | "hostedInvoiceUrl" | "invoicePdfUrl">) {
  return {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number ?? stored.invoiceNumber,
    hostedInvoiceUrl: invoice.hostedInvoiceUrl ?? stored.hostedInvoiceUrl,
    invoicePdfUrl: invoice.invoicePdfUrl ?? stored.invoicePdfUrl,
  };
}
