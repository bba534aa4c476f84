// A BillingGateway for tests that behaves like a careful provider and keeps
// a ledger of every call, so tests can count invoices per period.
//
// - Idempotency keys are honoured: a repeated key returns the first result
//   without a second effect (until forgetIdempotencyKeys(), which plays
//   Stripe's 24 h key expiry).
// - findInvoiceForRun finds an invoice by its run id (Stripe: metadata.run_id).
// - addLines sets the draft's lines (a repeat cannot double them); finalize
//   refuses a total that differs from expectedTotal, as the contract says.
// - discardDraft deletes a draft (the invoice is gone from invoices(); the
//   call ledger keeps "discard:deleted"); a second delete finds nothing and
//   counts as done; an invoice no longer a draft is refused and returned.
// - Faults can be scheduled per step: transient or permanent BillingErrors
//   (before the effect, or after it: "unknown outcome"), and crashes: a
//   CrashError thrown before or after the effect is committed, standing for
//   the worker process dying at that instant.
//
// State lives in SQLite through better-sqlite3: ":memory:" by default, or a
// file that several worker processes share (the idempotency table has
// UNIQUE(idempotency_key)); what a SIGKILLed process committed survives.
import fs from "node:fs";
import Database from "better-sqlite3";
import type {
  BillingGateway,
  BillingLine,
  BillingStep,
  InvoiceRequest,
  IssuedInvoice,
  StepContext,
} from "~/domain/billing";
import { BillingError } from "~/domain/billing";

/** The worker "died" here. Not a BillingError: the pipeline lets it through like a crash. */
export class CrashError extends Error {
  constructor(readonly step: BillingStep, readonly effectCommitted: boolean) {
    super(`simulated crash at ${step} (${effectCommitted ? "after" : "before"} the effect was committed)`);
    this.name = "CrashError";
  }
}

export type FaultKind =
  | "transient" // refused before any effect (429, 503)
  | "transient_after_effect" // the effect happened but the answer was lost (timeout)
  | "permanent" // bad data: refused, no effect
  | "crash_before" // the worker dies before the request leaves
  | "crash_after" // the worker dies after the provider committed the effect
  | "interleave"; // runs `during` while the call is in flight, then answers normally

export type Fault = {
  step: BillingStep;
  kind: FaultKind;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only calls for this period. */
  periodIndex?: number;
  code?: string;
  message?: string;
  /** For "interleave": what happens elsewhere while this call is in flight. */
  during?: () => Promise<void>;
};

export type LedgerEntry = {
  seq: number;
  step: BillingStep | "find" | "discard";
  idempotencyKey: string | null;
  runId: string;
  outcome: "created" | "replayed" | "failed" | "crashed" | "found" | "not_found" | "deleted" | "refused";
  pid: number;
};

export type StoredInvoice = {
  id: string;
  runId: string;
  templateId: string;
  periodIndex: number;
  customerId: string;
  status: IssuedInvoice["status"];
  total: number;
  number: string | null;
  sentCount: number;
};

export type MemoryGatewayOptions = {
  /** SQLite file shared by processes; default in memory. */
  file?: string;
  /** Simulated network time per call. */
  latencyMs?: number;
  /** Kill this process with SIGKILL right after the `nth` effect committed at `step` (multi-process tests). */
  killAfter?: { step: BillingStep; nth: number };
  /**
   * Hold this process's first call at `step`, before its effect, until the
   * file `untilFile` exists (multi-process tests: the test decides when the
   * call "answers", whatever happens meanwhile).
   */
  holdAt?: { step: BillingStep; untilFile: string };
};

type InvoiceRow = {
  id: string;
  run_id: string;
  template_id: string;
  period_index: number;
  customer_id: string;
  status: IssuedInvoice["status"];
  total: number;
  number: string | null;
  sent_count: number;
};

export class MemoryGateway implements BillingGateway {
  private readonly db: Database.Database;
  private readonly faults: Fault[] = [];
  private readonly committedByStep = new Map<BillingStep, number>();
  private held = false;

  constructor(private readonly options: MemoryGatewayOptions = {}) {
    this.db = new Database(options.file ?? ":memory:", { timeout: 10_000 });
    this.db.pragma("journal_mode = WAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency (idempotency_key TEXT NOT NULL UNIQUE, result TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS calls (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, step TEXT NOT NULL, idempotency_key TEXT,
        run_id TEXT NOT NULL, outcome TEXT NOT NULL, pid INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS customers (mapping TEXT PRIMARY KEY, id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS invoices (
        id TEXT PRIMARY KEY, run_id TEXT NOT NULL, template_id TEXT NOT NULL, period_index INTEGER NOT NULL,
        customer_id TEXT NOT NULL, status TEXT NOT NULL, lines TEXT NOT NULL, total INTEGER NOT NULL,
        number TEXT, sent_count INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
  }

  /** Makes the next matching call(s) fail or crash. */
  failAt(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Plays the provider forgetting every idempotency key (Stripe keeps them 24 h). */
  forgetIdempotencyKeys(): void {
    this.db.exec("DELETE FROM idempotency");
  }

  ledger(): LedgerEntry[] {
    return (this.db.prepare("SELECT seq, step, idempotency_key, run_id, outcome, pid FROM calls ORDER BY seq").all() as {
      seq: number;
      step: LedgerEntry["step"];
      idempotency_key: string | null;
      run_id: string;
      outcome: LedgerEntry["outcome"];
      pid: number;
    }[]).map((row) => ({ seq: row.seq, step: row.step, idempotencyKey: row.idempotency_key, runId: row.run_id, outcome: row.outcome, pid: row.pid }));
  }

  invoices(): StoredInvoice[] {
    return (this.db.prepare("SELECT * FROM invoices ORDER BY rowid").all() as InvoiceRow[]).map(toStored);
  }

  /** Invoices created per period, keyed "templateId#periodIndex": exactly-once means every value is 1. */
  invoiceCountsByPeriod(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const invoice of this.invoices()) {
      const key = `${invoice.templateId}#${invoice.periodIndex}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  close(): void {
    this.db.close();
  }

  // --- BillingGateway -------------------------------------------------------

  ensureCustomer(request: InvoiceRequest, context: StepContext): Promise<{ customerId: string }> {
    return this.call("customer", request, context, () => {
      const mapping = `${request.account}|${request.customer.shopifyCustomerId ?? request.customer.email.toLowerCase()}`;
      const existing = this.db.prepare("SELECT id FROM customers WHERE mapping = ?").get(mapping) as { id: string } | undefined;
      if (existing) return { customerId: existing.id };
      const customerId = `cus_${this.next("customer")}`;
      this.db.prepare("INSERT INTO customers (mapping, id) VALUES (?, ?)").run(mapping, customerId);
      return { customerId };
    });
  }

  createDraft(request: InvoiceRequest, customerId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.call("draft", request, context, () => {
      const id = `in_${this.next("invoice")}`;
      this.db
        .prepare(
          "INSERT INTO invoices (id, run_id, template_id, period_index, customer_id, status, lines, total) VALUES (?, ?, ?, ?, ?, 'draft', '[]', 0)",
        )
        .run(id, request.runId, request.templateId, request.periodIndex, customerId);
      return this.issued(id);
    });
  }

  addLines(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.call("lines", request, context, () => {
      this.requireStatus(invoiceId, "draft");
      this.db
        .prepare("UPDATE invoices SET lines = ?, total = ? WHERE id = ?")
        .run(JSON.stringify(request.lines), providerTotal(request.lines), invoiceId);
      return this.issued(invoiceId);
    });
  }

  finalize(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.call("finalize", request, context, () => {
      const invoice = this.requireStatus(invoiceId, "draft");
      if (invoice.total !== request.expectedTotal) {
        throw new BillingError("permanent", "total_mismatch", `Invoice total ${invoice.total} differs from the expected ${request.expectedTotal}.`);
      }
      const number = `RIT-${String(this.next("number")).padStart(4, "0")}`;
      this.db.prepare("UPDATE invoices SET status = 'open', number = ? WHERE id = ?").run(number, invoiceId);
      return this.issued(invoiceId);
    });
  }

  send(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.call("send", request, context, () => {
      this.requireStatus(invoiceId, "open");
      this.db.prepare("UPDATE invoices SET sent_count = sent_count + 1 WHERE id = ?").run(invoiceId);
      return this.issued(invoiceId);
    });
  }

  async discardDraft(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice | null> {
    await this.networkDelay();
    const row = this.db.prepare("SELECT status FROM invoices WHERE id = ?").get(invoiceId) as { status: IssuedInvoice["status"] } | undefined;
    if (!row) {
      this.record("discard", null, request.runId, "not_found");
      return null;
    }
    if (row.status !== "draft") {
      this.record("discard", null, request.runId, "refused");
      return this.issued(invoiceId);
    }
    this.db.prepare("DELETE FROM invoices WHERE id = ?").run(invoiceId);
    this.record("discard", null, request.runId, "deleted");
    return null;
  }

  async findInvoiceForRun(request: InvoiceRequest): Promise<IssuedInvoice | null> {
    await this.networkDelay();
    const row = this.db.prepare("SELECT id FROM invoices WHERE run_id = ? ORDER BY rowid LIMIT 1").get(request.runId) as { id: string } | undefined;
    this.record("find", null, request.runId, row ? "found" : "not_found");
    return row ? this.issued(row.id) : null;
  }

  // --- internals --------------------------------------------------------------

  private async call<T>(step: BillingStep, request: InvoiceRequest, context: StepContext, effect: () => T): Promise<T> {
    await this.networkDelay();
    await this.holdIfAsked(step);
    const fault = this.takeFault(step, request);
    const key = context.idempotencyKey;
    if (fault?.kind === "interleave") await fault.during?.();
    if (fault?.kind === "crash_before") {
      this.record(step, key, request.runId, "crashed");
      throw new CrashError(step, false);
    }
    if (fault?.kind === "transient" || fault?.kind === "permanent") {
      this.record(step, key, request.runId, "failed");
      throw new BillingError(fault.kind, fault.code ?? (fault.kind === "transient" ? "rate_limited" : "invalid_request"), fault.message ?? `simulated ${fault.kind} failure at ${step}`);
    }
    const result = this.db
      .transaction((): { value: T; replayed: boolean } => {
        const stored = this.db.prepare("SELECT result FROM idempotency WHERE idempotency_key = ?").get(key) as { result: string } | undefined;
        if (stored) {
          this.record(step, key, request.runId, "replayed");
          return { value: JSON.parse(stored.result) as T, replayed: true };
        }
        const value = effect();
        this.db.prepare("INSERT INTO idempotency (idempotency_key, result) VALUES (?, ?)").run(key, JSON.stringify(value));
        this.record(step, key, request.runId, "created");
        return { value, replayed: false };
      })
      .immediate();
    if (!result.replayed) this.afterCommit(step);
    if (fault?.kind === "crash_after") throw new CrashError(step, true);
    if (fault?.kind === "transient_after_effect") {
      throw new BillingError("transient", fault.code ?? "timeout", fault.message ?? `simulated timeout after ${step} took effect`);
    }
    return result.value;
  }

  private afterCommit(step: BillingStep): void {
    const committed = (this.committedByStep.get(step) ?? 0) + 1;
    this.committedByStep.set(step, committed);
    const kill = this.options.killAfter;
    if (kill && kill.step === step && kill.nth === committed) process.kill(process.pid, "SIGKILL");
  }

  private takeFault(step: BillingStep, request: InvoiceRequest): Fault | null {
    const index = this.faults.findIndex(
      (fault) => fault.step === step && (fault.periodIndex === undefined || fault.periodIndex === request.periodIndex),
    );
    if (index < 0) return null;
    const fault = this.faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private record(step: LedgerEntry["step"], key: string | null, runId: string, outcome: LedgerEntry["outcome"]): void {
    this.db.prepare("INSERT INTO calls (step, idempotency_key, run_id, outcome, pid) VALUES (?, ?, ?, ?, ?)").run(step, key, runId, outcome, process.pid);
  }

  private next(counter: string): number {
    const row = this.db
      .prepare("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value")
      .get(counter) as { value: number };
    return row.value;
  }

  private requireStatus(invoiceId: string, status: IssuedInvoice["status"]): StoredInvoice {
    const row = this.db.prepare("SELECT * FROM invoices WHERE id = ?").get(invoiceId) as InvoiceRow | undefined;
    if (!row) throw new BillingError("permanent", "resource_missing", `No such invoice: ${invoiceId}`);
    if (row.status !== status) throw new BillingError("permanent", "invoice_not_editable", `Invoice ${invoiceId} is ${row.status}, not ${status}.`);
    return toStored(row);
  }

  private issued(invoiceId: string): IssuedInvoice {
    const row = this.db.prepare("SELECT * FROM invoices WHERE id = ?").get(invoiceId) as InvoiceRow;
    const invoice: IssuedInvoice = { invoiceId: row.id, status: row.status, total: row.total };
    if (row.number) {
      invoice.number = row.number;
      invoice.hostedInvoiceUrl = `https://invoice.example/${row.id}`;
      invoice.invoicePdfUrl = `https://invoice.example/${row.id}.pdf`;
    }
    return invoice;
  }

  private async holdIfAsked(step: BillingStep): Promise<void> {
    const hold = this.options.holdAt;
    if (!hold || hold.step !== step || this.held) return;
    this.held = true;
    while (!fs.existsSync(hold.untilFile)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async networkDelay(): Promise<void> {
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
  }
}

function toStored(row: InvoiceRow): StoredInvoice {
  return {
    id: row.id,
    runId: row.run_id,
    templateId: row.template_id,
    periodIndex: row.period_index,
    customerId: row.customer_id,
    status: row.status,
    total: row.total,
    number: row.number,
    sentCount: row.sent_count,
  };
}

/**
 * The invoice total as the provider computes it, written independently of
 * app/domain/invoice-draft.ts so the two cross-check: per line, the net
 * amount (inclusive taxes are inside it) plus each exclusive tax rounded half up.
 */
function providerTotal(lines: BillingLine[]): number {
  let total = 0n;
  for (const line of lines) {
    const net = BigInt(line.unitAmount) * BigInt(line.quantity) - BigInt(line.discountAmount);
    total += net;
    for (const tax of line.taxes.filter((t) => !t.inclusive)) {
      const [whole = "0", decimals = ""] = tax.ratePercent.split(".");
      total += roundHalfUp(net * BigInt(whole + decimals), 100n * 10n ** BigInt(decimals.length));
    }
  }
  return Number(total);
}

function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}
