// Due→sent lag when 10,000 invoices fall due in the same minute (issue 13,
// bench 3): 20 connected accounts, the Stripe stand-in in a process of its
// own (~100 ms a call, 25 requests per second per account, 429 beyond), the
// engine's worker issuing them end to end.
//
// Nothing can send an account's last invoice sooner than
//   lower bound = invoices per account × calls per invoice ÷ rate
// after they fell due (each account's calls leave one by one under its
// limit). The figures: p50 and p99 of each invoice's lag (its `run.sent`
// instant − its due instant), as ratios of that bound. A perfect engine's
// p99 is ~0.99× the bound and its p50 ~0.5×; target p99 ≤ 1.2×.
//
//   npm run bench -- lag                       (BENCH_LAG_INVOICES=1000 for a quick run)
//   node --import tsx bench/lag.ts             alone
import { startStandInProcess } from "./stripe-standin-process";
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Temporal } from "temporal-polyfill";
import type { Clock } from "../app/domain/clock";
import { DEFAULT_SECRET_KEY, type RequestLogEntry } from "../sandbox/stripe/server";
import { migrateDatabase } from "../server/migrate";
import { atMost, exactly, LAG_P99_TARGET, ratio, type Check } from "./targets";



const INVOICES = Number(process.env.BENCH_LAG_INVOICES ?? 10_000);
const ACCOUNTS = Number(process.env.BENCH_LAG_ACCOUNTS ?? 20);
const RATE = 25;
const LATENCY_MS = 100;
/** Runs in flight per account: at ~100 ms a call, one run makes under 10 calls a second; a few keep the account's 25 busy. */
const LANES_PER_ACCOUNT = 6;
const DUE = "2026-01-15T08:00:00Z";

/** Real time from a chosen instant (leases and retries expire as in production). */
class FlowingClock implements Clock {
  private readonly origin = performance.now();
  constructor(private readonly base: number) {}
  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochMilliseconds(Math.floor(this.base + performance.now() - this.origin));
  }
  nowDate(): Date {
    return new Date(this.now().epochMilliseconds);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function measureLag(): Promise<Check[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-bench-lag-"));
  const databaseUrl = `file:${path.join(dir, "bench.sqlite")}`;
  await migrateDatabase(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  process.env.LOG_LEVEL ??= "warn";
  const accountIds = Array.from({ length: ACCOUNTS }, (_, index) => `acct_1Lag${String(index).padStart(2, "0")}`);
  const standIn = await startStandInProcess(accountIds.map((id, index) => ({ id, businessName: `Lag ${index}`, country: "FR", defaultCurrency: "eur" })));
  const { default: prisma, configureDatabase } = await import("../app/db.server");
  try {
    const { StripeClient } = await import("../app/gateways/stripe/client.server");
    const { createStripeRail } = await import("../app/services/invoicing/stripe-rail.server");
    const { Worker } = await import("../app/worker/worker");
    await configureDatabase(prisma);
    for (const [index, account] of accountIds.entries()) {
      await prisma.shop.create({ data: { id: `shop${index}`, domain: `lag-${index}.myshopify.com`, timeZone: "UTC", currency: "EUR", billingAccountId: account } });
    }
    // 10,000 runs planned, all due within one minute, round robin over the accounts; each its own template and customer.
    const due = Date.parse(DUE);
    const created = new Date(due - 86_400_000);
    for (let from = 0; from < INVOICES; from += 1_000) {
      const indexes = Array.from({ length: Math.min(1_000, INVOICES - from) }, (_, offset) => from + offset);
      await prisma.recurringTemplate.createMany({ data: indexes.map((index) => templateRow(index, created)) });
      await prisma.invoiceRun.createMany({ data: indexes.map((index) => runRow(index, new Date(due + (index % 60) * 1_000), created)) });
    }
    for (const account of accountIds) await standIn.control("POST", "/faults", { account, latency: { fixedMs: LATENCY_MS }, rateLimit: { requestsPerSecond: RATE } });

    // The clock starts at the minute they fall due; one worker, as the one embedded in the web process.
    const clock = new FlowingClock(due);
    const gateway = createStripeRail(new StripeClient({ secretKey: DEFAULT_SECRET_KEY, apiUrl: standIn.url, requestsPerSecond: RATE }));
    const worker = new Worker({ gateway, clock, workerId: "bench-lag", concurrency: LANES_PER_ACCOUNT * ACCOUNTS, runBatchSize: 1_000, tickMs: 100 });
    worker.start();
    const deadline = performance.now() + 30 * 60_000;
    let done = 0;
    while (done < INVOICES && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      done = await prisma.invoiceRun.count({ where: { state: { in: ["sent", "failed"] } } });
    }
    await worker.stop();

    const runs = await prisma.invoiceRun.findMany({ where: { state: "sent" }, select: { id: true, scheduledAt: true } });
    const sentEvents = await prisma.runEvent.findMany({ where: { type: "run.sent" }, select: { runId: true, at: true } });
    const sentAt = new Map(sentEvents.map((event) => [event.runId, event.at.getTime()]));
    const lags = runs.map((run) => ((sentAt.get(run.id) ?? NaN) - run.scheduledAt.getTime()) / 1000).sort((a, b) => a - b);
    const log = ((await standIn.control("GET", "/requests")) as RequestLogEntry[]).filter((entry) => entry.path.startsWith("/v1/"));
    const callsPerInvoice = log.length / Math.max(runs.length, 1);
    const bound = ((INVOICES / ACCOUNTS) * callsPerInvoice) / RATE;
    const [p50, p99] = [percentile(lags, 0.5), percentile(lags, 0.99)];
    const perRun = new Map<string, number>();
    for (const invoice of (await standIn.control("GET", "/ledger")) as { metadata: Record<string, string> | null }[]) {
      const runId = invoice.metadata?.run_id ?? "";
      perRun.set(runId, (perRun.get(runId) ?? 0) + 1);
    }
    const duplicates = [...perRun.values()].filter((count) => count > 1).length;

    console.log(`${INVOICES.toLocaleString("en")} invoices due within one minute over ${ACCOUNTS} accounts (${LATENCY_MS} ms a call, ${RATE} req/s each)`);
    console.log(`  sent                ${runs.length} (${INVOICES - runs.length} not sent)`);
    console.log(`  calls per invoice   ${callsPerInvoice.toFixed(2)}`);
    console.log(`  lower bound         ${bound.toFixed(1)} s  (${INVOICES / ACCOUNTS} per account × ${callsPerInvoice.toFixed(2)} ÷ ${RATE})`);
    console.log(`  lag p50             ${p50.toFixed(1)} s  = ${ratio(p50 / bound)} the bound`);
    console.log(`  lag p99             ${p99.toFixed(1)} s  = ${ratio(p99 / bound)} the bound (target ≤ ${ratio(LAG_P99_TARGET)})`);
    console.log(`  429s                ${log.filter((entry) => entry.status === 429).length}`);
    return [
      atMost("lag", "due→sent p99 ÷ rate-limit lower bound", p99 / bound, LAG_P99_TARGET, ratio),
      { section: "lag", figure: "due→sent p50 ÷ rate-limit lower bound", measured: ratio(p50 / bound), target: "reported", ok: Number.isFinite(p50), value: p50 / bound },
      exactly("lag", "invoices not sent", INVOICES - runs.length, 0),
      exactly("lag", "duplicate invoices", duplicates, 0),
    ];
  } finally {
    await prisma.$disconnect();
    standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SNAPSHOT = (index: number) =>
  JSON.stringify({
    customer: { name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" },
    lines: [{ description: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxes: [{ title: "TVA", ratePercent: "20", inclusive: true }] }],
    daysUntilDue: 14,
    signatureRequested: false,
  });

function templateRow(index: number, created: Date) {
  return {
    id: `tpl${index}`,
    shopId: `shop${index % ACCOUNTS}`,
    customer: JSON.stringify({ name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" }),
    customerEmail: `client${index}@example.fr`,
    currency: "EUR",
    lines: JSON.stringify([{ title: "Abonnement", quantity: 1, unitAmount: 1000, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }]),
    taxesIncluded: true,
    periodTotal: 1000,
    scheduleEvery: 1,
    scheduleUnit: "month",
    scheduleAnchor: "2026-01-15",
    scheduleTimeOfDay: "08:00",
    scheduleTimeZone: "UTC",
    // Planned already: the templates are not due again before next month.
    nextRunAt: new Date("2026-02-15T08:00:00Z"),
    nextPeriodIndex: 1,
    activeSince: created,
    status: "active",
    daysUntilDue: 14,
    signatureRequested: false,
  };
}

function runRow(index: number, scheduledAt: Date, created: Date) {
  return {
    id: `run${index}`,
    shopId: `shop${index % ACCOUNTS}`,
    templateId: `tpl${index}`,
    periodIndex: 0,
    periodDate: "2026-01-15",
    scheduledAt,
    state: "planned",
    nextAttemptAt: scheduledAt,
    currency: "EUR",
    expectedTotal: 1000,
    snapshot: SNAPSHOT(index),
    createdAt: created,
  };
}

/** The bench section: this file in a child process (the app's modules bind to the bench's database when first imported). */
export async function benchLag(): Promise<Check[]> {
  console.log("\n## Due→sent lag: 10,000 invoices due in the same minute\n");
  const child = fork(fileURLToPath(import.meta.url), { execArgv: ["--import", "tsx"] });
  let checks: Check[] | undefined;
  child.on("message", (message) => (checks = message as Check[]));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (checks && code === 0) return checks;
  return [...(checks ?? []), { section: "lag", figure: "bench process", measured: `exit ${code}`, target: "exit 0", ok: false, value: code ?? -1 }];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const checks = await measureLag();
  if (process.send) await new Promise<void>((resolve) => process.send!(checks, () => resolve()));
  process.exitCode = checks.every((check) => check.ok) ? 0 : 1;
}
