// Stripe issuing throughput: 2,000 due runs across 20 connected accounts,
// against the stand-in (in a process of its own, as Stripe is another
// machine), which answers every call after ~100 ms and enforces 25 requests
// per second per account (429 beyond).
//
// Stripe's limit is per account, so nothing issues invoices faster than
//   bound = accounts × rate ÷ calls per invoice.
// Two measurements against that bound, each with zero duplicates (one Stripe
// invoice per run) and zero failures expected, each with a target ≥ 85 %:
// - "gateway": the Stripe gateway's steps in the pipeline's order, several
//   runs per account at a time, with its mappings in the database: how close
//   the integration (limiter, retries, calls per invoice) gets to the bound.
// - "worker": the same runs planned and issued by the engine's worker end to
//   end (claims, leases, one transaction per step, the audit trail), one
//   worker in one process driving several runs per account at a time. The
//   difference between the two is the engine's own cost.
//
//   node --import tsx bench/stripe.ts        (or `npm run bench`: bench/index.ts)
//   BENCH_STRIPE_CPU_PROF=/tmp/prof …        (a V8 CPU profile of the worker pass alone, worker.cpuprofile)
import { startStandInProcess, type StandInProcess } from "./stripe-standin-process";
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Shop } from "@prisma/client";
import { Temporal } from "temporal-polyfill";
import { DEFAULT_SECRET_KEY, type RequestLogEntry } from "../sandbox/stripe/server";
import { migrateDatabase } from "../server/migrate";
import type { Clock } from "../app/domain/clock";
import type { BillingGateway } from "../app/domain/billing";
import { atLeast, atMost, exactly, percent, ratio, type Check } from "./targets";

export type StripeBenchOptions = {
  accounts?: number;
  runsPerAccount?: number;
  /** Stand-in latency per request. */
  latencyMs?: number;
  /** Stand-in limit per account, and Ritournelle's limiter's. */
  requestsPerSecond?: number;
  /**
   * Runs in flight per account, in both measurements (the worker's
   * concurrency is this × accounts). At ~100 ms a call, one run makes ~8
   * calls a second: it takes several per account to use its 25.
   */
  concurrencyPerAccount?: number;
};

export type Measurement = {
  invoices: number;
  seconds: number;
  invoicesPerSecond: number;
  callsPerInvoice: number;
  boundPerSecond: number;
  ratio: number;
  duplicates: number;
  failures: number;
  /** Most requests one account received in one second of the stand-in's clock. */
  maxRequestsPerAccountSecond: number;
  rateLimited: number;
  /** CPU time of this process per invoice. */
  cpuMsPerInvoice: number;
  /** Calls per invoice by endpoint (`POST /v1/invoices/:id/add_lines`…). */
  callsByEndpoint: Record<string, number>;
};

/** gateway and worker: every invoice a new customer's; the returning pass: the same customers' next invoice. */
export type StripeBenchResult = { gateway: Measurement; "gateway, returning customers": Measurement; worker: Measurement };

/** Real time, starting from a chosen instant: leases and retries expire as they would in production. */
class FlowingClock implements Clock {
  private origin = performance.now();
  constructor(private base: number) {}
  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochMilliseconds(Math.floor(this.base + performance.now() - this.origin));
  }

  nowDate(): Date {
    return new Date(this.now().epochMilliseconds);
  }
  set(iso: string): void {
    this.base = Date.parse(iso);
    this.origin = performance.now();
  }
}


export async function runStripeBench(options: StripeBenchOptions = {}): Promise<StripeBenchResult> {
  const accounts = options.accounts ?? 20;
  const runsPerAccount = options.runsPerAccount ?? 100;
  const rate = options.requestsPerSecond ?? 25;
  const total = accounts * runsPerAccount;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-bench-stripe-"));
  const databaseUrl = `file:${path.join(dir, "bench.sqlite")}`;
  await migrateDatabase(databaseUrl);
  // The app's modules read these when first imported, below.
  process.env.DATABASE_URL = databaseUrl;
  process.env.LOG_LEVEL ??= "warn";

  const accountIds = Array.from({ length: accounts }, (_, index) => `acct_1Bench${String(index).padStart(2, "0")}`);
  const standIn = await startStandInProcess(accountIds.map((id, index) => ({ id, businessName: `Bench ${index}`, country: "FR", defaultCurrency: "eur" })));
  const { default: prisma, configureDatabase } = await import("../app/db.server");
  try {
    const { StripeClient } = await import("../app/gateways/stripe/client.server");
    const { createStripeRail } = await import("../app/services/invoicing/stripe-rail.server");
    const { idempotencyKey } = await import("../app/domain/billing");
    const { createTemplate } = await import("../app/services/templates/create.server");
    const { planDueTemplates } = await import("../app/worker/scheduler");
    const { Worker } = await import("../app/worker/worker");
    const { logger } = await import("../app/logger.server");
    await configureDatabase(prisma);
    const shops: Shop[] = [];
    for (const [index, account] of accountIds.entries()) {
      // Pro: the benchmark makes as many recurring invoices per shop as it measures.
      shops.push(await prisma.shop.create({ data: { domain: `bench-${index}.myshopify.com`, timeZone: "Europe/Paris", currency: "EUR", billingAccountId: account, plan: "pro" } }));
    }
    // One client per measurement, as one per process: its limiter holds each account to `rate`.
    const newGateway = () => createStripeRail(new StripeClient({ secretKey: DEFAULT_SECRET_KEY, apiUrl: standIn.url, requestsPerSecond: rate }));

    // --- gateway: the pipeline's steps, `concurrency` runs per account at a
    // time: first every customer's first invoice (a new customer: its Stripe
    // customer is created), then its second (a returning one: reused).
    await resetStandIn(standIn, accountIds, rate, options.latencyMs ?? 100);
    const gateway = newGateway();
    const concurrency = options.concurrencyPerAccount ?? 6;
    const gatewayPass = (period: number) =>
      measure(standIn, accounts, rate, total, async () => {
        let failures = 0;
        await Promise.all(
          shops.flatMap((shop, account) =>
            Array.from({ length: concurrency }, async (_, lane) => {
              for (let index = lane; index < runsPerAccount; index += concurrency) {
                const request = invoiceRequest(shop.domain, accountIds[account]!, account * runsPerAccount + index, period);
                const step = (name: Parameters<typeof idempotencyKey>[1]) => ({ idempotencyKey: idempotencyKey(request.runId, name) });
                try {
                  const { customerId } = await gateway.ensureCustomer(request, step("customer"));
                  const draft = await gateway.createDraft(request, customerId, step("draft"));
                  await gateway.addLines(request, draft.invoiceId, step("lines"));
                  await gateway.finalize(request, draft.invoiceId, step("finalize"));
                  await gateway.send(request, draft.invoiceId, step("send"));
                } catch (error) {
                  failures += 1;
                  logger.error({ err: error, runId: request.runId }, "bench: gateway run failed");
                }
              }
            }),
          ),
        );
        return total - failures;
      });
    // Warm-up, not measured: the gateway's code is compiled and its connections opened before its CPU is counted, as the
    // worker's are by the time it is measured (otherwise the comparison of the two flatters the worker).
    await warmUp(gateway, shops, accountIds, idempotencyKey);
    await standIn.control("DELETE", "/requests");
    const gatewayRun = await gatewayPass(0);
    await standIn.control("DELETE", "/requests");
    const returningRun = await gatewayPass(1);

    // --- worker: templates made through the engine, planned, issued by its workers.
    const clock = new FlowingClock(Date.parse("2026-01-10T10:00:00Z"));
    // Round robin over the shops, so that the oldest due runs are spread over every account.
    for (let index = 0; index < total; index++) {
      await createTemplate(shops[index % accounts]!, templateInput(index), { clock });
    }
    clock.set("2026-01-15T08:00:00Z");
    const planner = { workerId: "bench-planner", clock, batchSize: 500, leaseMs: 60_000, maxPeriodsPerTemplate: 1, lateToleranceMs: 3_600_000, shouldStop: () => false, logger };
    while ((await planDueTemplates(planner)).claimed > 0);
    await resetStandIn(standIn, accountIds, rate, options.latencyMs ?? 100);
    // The stand-in forgot the tax rates the gateway passes made: so does the database, as a fresh account would have none.
    await prisma.stripeTaxRate.deleteMany();
    const workerGateway = newGateway();
    // One worker, as one embedded in the app's process: its lanes share the
    // per-account limiter and take the next runs as they free up.
    const workers = [new Worker({ gateway: workerGateway, clock, workerId: "bench", concurrency: concurrency * accounts, tickMs: 200 })];
    const profile = await startCpuProfile(process.env.BENCH_STRIPE_CPU_PROF);
    const workerRun = await measure(standIn, accounts, rate, total, async () => {
      for (const worker of workers) worker.start();
      const deadline = performance.now() + 150_000;
      let done = 0;
      while (done < total && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        done = await prisma.invoiceRun.count({ where: { state: { in: ["sent", "failed"] } } });
      }
      await Promise.all(workers.map((worker) => worker.stop()));
      return prisma.invoiceRun.count({ where: { state: "sent" } });
    });
    await profile.stop("worker");
    return { gateway: gatewayRun, "gateway, returning customers": returningRun, worker: workerRun };
  } finally {
    await prisma.$disconnect();
    standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A few invoices per account through the gateway, for customers no measured pass uses. */
async function warmUp(
  gateway: BillingGateway,
  shops: Shop[],
  accountIds: string[],
  idempotencyKey: (runId: string, step: "customer" | "draft" | "lines" | "finalize" | "send") => string,
): Promise<void> {
  await Promise.all(
    shops.map(async (shop, account) => {
      for (let index = 0; index < 5; index++) {
        const request = invoiceRequest(shop.domain, accountIds[account]!, 900_000 + account * 10 + index, 0);
        const step = (name: "customer" | "draft" | "lines" | "finalize" | "send") => ({ idempotencyKey: idempotencyKey(request.runId, name) });
        const { customerId } = await gateway.ensureCustomer(request, step("customer"));
        const draft = await gateway.createDraft(request, customerId, step("draft"));
        await gateway.addLines(request, draft.invoiceId, step("lines"));
        await gateway.finalize(request, draft.invoiceId, step("finalize"));
        await gateway.send(request, draft.invoiceId, step("send"));
      }
    }),
  );
}

/**
 * A V8 CPU profile of this process from now until `stop(name)`, written to
 * `dir/name.cpuprofile` (open it in Chrome's DevTools); nothing without `dir`.
 * Through the inspector, so that it covers one pass, not the whole bench.
 */
async function startCpuProfile(dir: string | undefined): Promise<{ stop(name: string): Promise<void> }> {
  if (!dir) return { stop: async () => {} };
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(name) {
      const { profile } = await session.post("Profiler.stop");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Times `issue` (which returns how many runs it issued) and reads the stand-in's ledger and request log. */
async function measure(standIn: StandInProcess, accounts: number, rate: number, total: number, issue: () => Promise<number>): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const invoices = await issue();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);

  const perRun = new Map<string, number>();
  for (const invoice of (await standIn.control("GET", "/ledger")) as { metadata: Record<string, string> | null }[]) {
    const runId = invoice.metadata?.run_id ?? "";
    perRun.set(runId, (perRun.get(runId) ?? 0) + 1);
  }
  const log = ((await standIn.control("GET", "/requests")) as RequestLogEntry[]).filter((entry) => entry.path.startsWith("/v1/"));
  const perAccountSecond = new Map<string, number>();
  for (const entry of log) {
    const key = `${entry.account}@${Math.floor(entry.time / 1000)}`;
    perAccountSecond.set(key, (perAccountSecond.get(key) ?? 0) + 1);
  }
  const callsPerInvoice = log.length / Math.max(invoices, 1);
  const byEndpoint: Record<string, number> = {};
  for (const entry of log) {
    const endpoint = `${entry.method} ${entry.path.replace(/\/(in|cus|txr|ii|il)_[A-Za-z0-9]+/g, "/:id")}`;
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
  }
  const boundPerSecond = (accounts * rate) / callsPerInvoice;
  const invoicesPerSecond = invoices / seconds;
  return {
    invoices,
    seconds,
    invoicesPerSecond,
    callsPerInvoice,
    boundPerSecond,
    ratio: invoicesPerSecond / boundPerSecond,
    duplicates: [...perRun.values()].filter((count) => count > 1).length,
    failures: total - invoices,
    maxRequestsPerAccountSecond: Math.max(...perAccountSecond.values()),
    rateLimited: log.filter((entry) => entry.status === 429).length,
    cpuMsPerInvoice: (user + system) / 1000 / Math.max(invoices, 1),
    callsByEndpoint: Object.fromEntries(Object.entries(byEndpoint).map(([endpoint, count]) => [endpoint, count / Math.max(invoices, 1)])),
  };
}

/** Forgets every object and log line, then sets each account's latency and rate limit. */
async function resetStandIn(standIn: StandInProcess, accountIds: string[], rate: number, latencyMs: number): Promise<void> {
  await standIn.control("POST", "/reset", {});
  // Per account: a "*" rate limit would be one bucket shared by every account.
  for (const account of accountIds) {
    await standIn.control("POST", "/faults", { account, latency: { fixedMs: latencyMs }, rateLimit: { requestsPerSecond: rate } });
  }
}

const LINE = { title: "Abonnement café", quantity: 2, unitAmount: 2490, taxLines: [{ title: "TVA", ratePercent: "20" }] };
const SHIPPING = { title: "Colissimo", amount: 490, taxLines: [{ title: "TVA", ratePercent: "20" }] };

/** One product line and shipping, VAT 20 % included; each template has its own customer. */
function templateInput(index: number) {
  return {
    currency: "EUR",
    customer: { shopifyCustomerId: `gid://shopify/Customer/${100_000 + index}`, name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" },
    lines: [LINE],
    taxesIncluded: true,
    shipping: SHIPPING,
    schedule: { every: 1, unit: "month", anchor: "2026-01-15", timeOfDay: "09:00", timeZone: "Europe/Paris" },
  };
}

/** The same invoice as a request for the gateway measurement (54.70 EUR, VAT included); customer `index`'s period `period`. */
function invoiceRequest(shopDomain: string, account: string, index: number, period: number) {
  const vat = [{ title: "TVA", ratePercent: "20", inclusive: true }];
  return {
    runId: `bench_run_${index}_${period}`,
    templateId: `bench_template_${index}`,
    shopDomain,
    account,
    periodIndex: period,
    periodDate: `2026-0${1 + period}-15`,
    currency: "EUR",
    customer: { shopifyCustomerId: `gid://shopify/Customer/${200_000 + index}`, name: `Client ${index}`, email: `client${index}@example.fr`, locale: "fr" },
    lines: [
      { description: LINE.title, quantity: LINE.quantity, unitAmount: LINE.unitAmount, discountAmount: 0, taxes: vat },
      { description: SHIPPING.title, quantity: 1, unitAmount: SHIPPING.amount, discountAmount: 0, taxes: vat },
    ],
    daysUntilDue: 14,
    expectedTotal: 2 * 2490 + 490,
  };
}

/**
 * The bench section: runs this file in a child process (the app's modules
 * bind to the bench's database when first imported, so they get a process of
 * their own, as the other sections' probes do).
 */
export async function benchStripe(): Promise<Check[]> {
  console.log("\n## Stripe issuing throughput vs Stripe's per-account rate limit\n");
  const child = fork(fileURLToPath(import.meta.url), { execArgv: ["--import", "tsx"] });
  let checks: Check[] | undefined;
  child.on("message", (message) => (checks = message as Check[]));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (checks && code === 0) return checks;
  // A crashed child is a missed target, never a silent pass.
  return [...(checks ?? []), { section: "stripe", figure: "bench process", measured: `exit ${code}`, target: "exit 0", ok: false, value: code ?? -1 }];
}

/** The Stripe section's figures and their targets. */
export const STRIPE_RATIO_TARGET = 0.85;
/** The engine's own cost must leave the worker within 10 % of what the rate limit allows. */
export const WORKER_RATIO_TARGET = 0.9;
/** The worker process's CPU per invoice, at most this multiple of the gateway path's in the same run. */
export const WORKER_CPU_LIMIT = 1.3;
/** Stripe calls per invoice: a returning customer's (the customer reused), and a new one's (created). */
export const CALLS_RETURNING_LIMIT = 5;
export const CALLS_NEW_LIMIT = 6;

/**
 * Calls per invoice without the account's one-off setup: its tax rates and
 * coupons are looked up or created once per account, then reused by every
 * invoice (0.02 calls per invoice here, 2 calls per account).
 */
function perInvoice(m: Measurement): number {
  const setup = Object.entries(m.callsByEndpoint)
    .filter(([endpoint]) => /\/v1\/(tax_rates|coupons)/.test(endpoint))
    .reduce((total, [, calls]) => total + calls, 0);
  return m.callsPerInvoice - setup;
}

/** Prints the result and returns its checks. */
async function printStripeBench(): Promise<Check[]> {
  const options: StripeBenchOptions = {
    accounts: Number(process.env.BENCH_STRIPE_ACCOUNTS_COUNT ?? 20),
    runsPerAccount: Number(process.env.BENCH_STRIPE_RUNS_PER_ACCOUNT ?? 100),
  };
  const rate = 25;
  const result = await runStripeBench(options);
  const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
  console.log(`Stripe issuing — ${options.accounts! * options.runsPerAccount!} runs per pass, ${options.accounts} accounts, 100 ms latency, ${rate} req/s per account`);
  for (const [name, m] of Object.entries(result)) {
    console.log(`  ${name}`);
    console.log(`    issued              ${m.invoices} invoices in ${m.seconds.toFixed(1)} s`);
    console.log(`    calls per invoice   ${m.callsPerInvoice.toFixed(2)}: ${Object.entries(m.callsByEndpoint).map(([endpoint, n]) => `${endpoint} ${n.toFixed(2)}`).join(", ")}`);
    console.log(`    invoices/s          ${m.invoicesPerSecond.toFixed(1)} (bound ${m.boundPerSecond.toFixed(1)} = ${options.accounts} × ${rate} ÷ ${m.callsPerInvoice.toFixed(2)})`);
    console.log(`    per account         ${(m.invoicesPerSecond / options.accounts!).toFixed(2)} invoices/s (bound ${(rate / m.callsPerInvoice).toFixed(2)} = ${rate} ÷ ${m.callsPerInvoice.toFixed(2)})`);
    console.log(`    ratio               ${pct(m.ratio)} (target ≥ ${pct(name === "worker" ? WORKER_RATIO_TARGET : STRIPE_RATIO_TARGET)})`);
    console.log(`    duplicates          ${m.duplicates}`);
    console.log(`    failures            ${m.failures}`);
    console.log(`    max req/s, 1 acct   ${m.maxRequestsPerAccountSecond} (429s: ${m.rateLimited})`);
    console.log(`    CPU per invoice     ${m.cpuMsPerInvoice.toFixed(1)} ms (this process)`);
  }
  const cpuRatio = result.worker.cpuMsPerInvoice / result.gateway.cpuMsPerInvoice;
  console.log(`  worker CPU per invoice ÷ gateway's: ${ratio(cpuRatio)} (target ≤ ${ratio(WORKER_CPU_LIMIT)})`);
  return [
    ...Object.entries(result).flatMap(([name, m]) => [
      atLeast("stripe", `${name}: invoices/s ÷ rate-limit bound`, m.ratio, name === "worker" ? WORKER_RATIO_TARGET : STRIPE_RATIO_TARGET, percent),
      exactly("stripe", `${name}: duplicate invoices`, m.duplicates, 0),
      exactly("stripe", `${name}: failed runs`, m.failures, 0),
      atMost("stripe", `${name}: most requests one account got in a second`, m.maxRequestsPerAccountSecond, rate, String),
    ]),
    atMost("stripe", "calls per invoice, new customer (worker; account setup aside)", perInvoice(result.worker), CALLS_NEW_LIMIT, (n) => n.toFixed(2)),
    atMost("stripe", "calls per invoice, returning customer (account setup aside)", perInvoice(result["gateway, returning customers"]), CALLS_RETURNING_LIMIT, (n) => n.toFixed(2)),
    atMost("stripe", "worker CPU per invoice ÷ gateway's", cpuRatio, WORKER_CPU_LIMIT, ratio),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const checks = await printStripeBench();
  // Run by benchStripe: hand the checks to the parent. Run alone: exit 1 on a miss.
  if (process.send) await new Promise<void>((resolve) => process.send!(checks, () => resolve()));
  process.exitCode = checks.every((check) => check.ok) ? 0 : 1;
}
