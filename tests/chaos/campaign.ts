// The chaos campaign (issue 13): 4 worker processes and the web process on
// one database, the Stripe stand-in with latency, real 429s, 5xx and
// committed-then-dropped connections, Stripe webhooks duplicated and out of
// order, Shopify webhooks over HTTP, merchant actions at random, workers
// SIGKILLed and restarted, the clock moved across 6 periods (two DST changes,
// a month end). Then the promise is checked from the stand-in's own ledger,
// request log and e-mail log (checks.ts).
//
// The Shopify invoice rail too (issue 16): about 30 % of the templates, drawn
// from the seed, are issued as Shopify draft orders through the Shopify
// stand-in started here, to which every process routes its Admin API calls
// (the workers from CHAOS_SHOPIFY_URL); each chaos shop holds an offline token
// with the rail's scope there and its templates' customers. A few percent of
// the Admin requests lose their answer before Shopify applies them, and as
// many after (no idempotency key covers that); its throttling is Shopify's.
// The merchants' actions are the same services on both rails; the customer
// pays a Shopify invoice at the stand-in's checkout. The rail's promise is
// checked from the stand-in's own drafts and invoice e-mails.
//
// This process is the web process: the app's real HTTP server (production
// build) receives the webhooks; merchant actions go through the services.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Shop } from "@prisma/client";
import { setAppClock } from "~/clock.server";
import { resetConfigForTests } from "~/config.server";
import prisma, { configureDatabase } from "~/db.server";
import { resendInvoice } from "~/services/invoicing/send-again.server";
import { cancelTemplate } from "~/services/templates/cancel.server";
import { createTemplate } from "~/services/templates/create.server";
import { editTemplate } from "~/services/templates/edit.server";
import { pauseTemplate } from "~/services/templates/pause.server";
import { resumeTemplate } from "~/services/templates/resume.server";
import { skipNextPeriod } from "~/services/templates/skip-next.server";
import { routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { DEFAULT_SECRET_KEY, startStripeStandIn, type StripeStandIn } from "../../sandbox/stripe/server";
import { startApp } from "../helpers/app-server";
import { storeOfflineSession, webhookRequest } from "../helpers/shopify";
import { SHOPIFY_RAIL_SCOPES } from "../helpers/shopify-rail";
import { checkPromise, type Actions, type CheckResult } from "./checks";
import { FileClock } from "./clock-file";
import { CAMPAIGN_START, Dice, planTemplate, railDiceOf, SIZES, STEP_MS, STEPS, type CampaignSize, type PlannedTemplate } from "./plan";
import { chaosShopDomain, chaosShopifySeed, chaosShopToken, injectShopifyAnswerFaults, shopifyLedger, type ShopifyFaultCounts } from "./shopify-rail";
import { bundleWorkerEntry } from "./worker-bundle";

export type CampaignOptions = { seed: number; size: CampaignSize; log?: (line: string) => void };

export type CampaignReport = CheckResult & {
  seed: number;
  size: CampaignSize;
  database: "postgresql" | "sqlite";
  kills: number;
  restarts: number;
  /** Wall time from a worker's spawn to its worker running (machine load shows here), median and max. */
  workerStartMs: { median: number; max: number };
  merchantActions: Record<string, number>;
  shopifyWebhooks: { sent: number; duplicates: number };
  stripeWebhooks: { deliveries: number; duplicates: number };
  faults: Record<string, number>;
  /** Answers the Shopify stand-in lost, before or after applying the request. */
  shopifyFaults: ShopifyFaultCounts;
  durationMs: number;
};

const WEBHOOK_SECRET = "whsec_chaos_campaign";
/** The workers' planning lease, and so the bound of their sweep of expired ones (checked at the end). */
const TEMPLATE_LEASE_MS = 6_000;
/** Shares of the Shopify stand-in's Admin requests whose answer is lost, before and after Shopify applies them. */
const SHOPIFY_ANSWER_LOSS = { before: 0.05, after: 0.05 };

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const size = SIZES[options.size];
  const dice = new Dice(options.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-chaos-"));
  const bundle = await bundleWorkerEntry();
  const clock = FileClock.create(path.join(dir, "clock"), CAMPAIGN_START);
  setAppClock(clock);
  await configureDatabase(prisma);
  const database = (process.env.DATABASE_URL ?? "").startsWith("postgres") ? "postgresql" : "sqlite";

  // --- Stripe stand-in: one connected account per shop, the real SDK's faults.
  const accounts = Array.from({ length: size.shops }, (_, index) => `acct_1Chaos${String(index).padStart(2, "0")}`);
  const standIn: StripeStandIn = await startStripeStandIn({
    seed: options.seed,
    clock: { now: () => clock.nowMs() },
    accounts: accounts.map((id, index) => ({ id, businessName: `Chaos ${index}`, country: "FR", defaultCurrency: "eur", invoicePrefix: `CH${index}` })),
  });
  process.env.STRIPE_SECRET_KEY = DEFAULT_SECRET_KEY;
  process.env.STRIPE_CLIENT_ID = "ca_chaos";
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_API_URL = standIn.url;
  process.env.STRIPE_REQUESTS_PER_SECOND = "25";
  resetConfigForTests();

  // --- Shopify stand-in (same time line), every process's Admin API calls routed to it: a shop per chaos shop, made from the plan.
  const planned: (PlannedTemplate & { id: string })[] = [];
  const railDice = railDiceOf(options.seed);
  const plans = Array.from({ length: size.templates }, (_, index) => planTemplate(dice, index, size.shops, railDice));
  const shopify: ShopifyStandIn = await startShopifyStandIn({ seed: chaosShopifySeed(size.shops, plans), clock: { now: () => clock.nowMs() } });
  const unrouteShopify = routeShopifyAdminTo(shopify.url);
  const shopifyFaults = injectShopifyAnswerFaults(shopify, options.seed, SHOPIFY_ANSWER_LOSS);

  // --- The web process (this one): the app's HTTP server, Stripe's and Shopify's webhooks pointed at it.
  const app = await startApp();
  shopify.control.setWebhookUrl(`${app.url}/webhooks`);
  standIn.control.setWebhookEndpoints([{ url: `${app.url}/webhooks/stripe`, secret: WEBHOOK_SECRET, scope: "connect" }]);
  standIn.control.configureWebhooks({ duplicate: 0.3, reorderWindow: 6, retryDelaysMs: [200, 500, 1_000], maxAttempts: 10, paused: false });

  const workers: { slot: number; child: ChildProcess | null; exited: Promise<void>; running: Promise<void> }[] = [];
  const startTimes: number[] = [];
  let kills = 0;
  let restarts = 0;
  const spawnWorker = (slot: number) => {
    const spawnedAt = Date.now();
    const child = spawn(
      process.execPath,
      [bundle.file, "--worker-id", `chaos-${slot}-${restarts}`, "--tick-ms", "100", "--concurrency", "12", "--run-batch", "60", "--run-lease-ms", "6000", "--template-lease-ms", String(TEMPLATE_LEASE_MS)],
      { env: { ...process.env, CHAOS_CLOCK_FILE: path.join(dir, "clock"), CHAOS_SHOPIFY_URL: shopify.url, LOG_LEVEL: "warn", WORKER_METRICS_PORT: "" }, stdio: ["ignore", "ignore", "pipe", "ipc"] },
    );
    let errors = "";
    child.stderr!.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const running = new Promise<void>((resolve) =>
      child.once("message", () => {
        startTimes.push(Date.now() - spawnedAt);
        resolve();
      }),
    );
    workers[slot] = { slot, child, exited, running };
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) log(`worker ${slot} exited ${code ?? signal}: ${errors.trim().split("\n").slice(-40).join(" | ")}`);
    });
  };

  const actions: Actions = { cancelled: new Map(), paused: new Map(), skipped: new Set(), edited: new Set(), resends: new Map(), resendsTried: new Map(), paid: new Map() };
  const merchantActions: Record<string, number> = { pause: 0, resume: 0, cancel: 0, skip_next: 0, edit_lines: 0, resend: 0, customer_pays: 0 };
  const shopifyWebhooks = { sent: 0, duplicates: 0 };

  try {
    // --- Shops and templates.
    const shops: Shop[] = [];
    for (const [index, account] of accounts.entries()) {
      const domain = chaosShopDomain(index);
      // On Pro: the campaign makes more recurring invoices per shop than the Free plan allows (the limit has its own tests).
      shops.push(await prisma.shop.create({ data: { domain, timeZone: "Europe/Paris", currency: "EUR", billingAccountId: account, settings: "{}", plan: "pro" } }));
      // The offline session of the shop's token in the Shopify stand-in, with the rail's optional scope granted.
      await storeOfflineSession(domain, chaosShopToken(index));
      await prisma.session.update({ where: { id: `offline_${domain}` }, data: { scope: SHOPIFY_RAIL_SCOPES } });
    }
    for (const plan of plans) {
      const template = await createTemplate(shops[plan.shopIndex]!, plan.input, { clock });
      planned.push({ ...plan, id: template.id });
    }
    // About a third of the templates are the merchants' playground; the others are left alone (and must miss nothing).
    const touchable = planned.filter(() => dice.chance(0.35));
    log(`${planned.length} templates over ${shops.length} shops (${planned.filter((template) => template.rail === "shopify").length} on the Shopify rail); ${touchable.length} open to merchant actions; database ${database}`);

    // --- Faults on every account: 100 ms, 25 req/s, 5 % 5xx, 5 % committed-then-dropped.
    standIn.control.setFaults("*", { latency: { fixedMs: 100 }, rateLimit: { requestsPerSecond: 25 }, serverErrorRatio: 0.05, dropRatio: 0.05 });

    for (let slot = 0; slot < size.workers; slot++) spawnWorker(slot);

    // Kills every few seconds of the workers' running time: each interval starts once the last
    // restarted worker runs, so that a slow start (a loaded machine) does not turn the campaign into
    // workers that are always starting and never work.
    const untilRunning = (slot: number) => Promise.race([workers[slot]!.running, workers[slot]!.exited]);
    let stopKills = false;
    const killer = (async () => {
      await Promise.all(workers.map((worker) => untilRunning(worker.slot)));
      while (!stopKills) {
        await sleep(dice.int(...size.killEveryMs));
        if (stopKills) break;
        const victim = workers[dice.int(0, workers.length - 1)]!;
        victim.child?.kill("SIGKILL");
        kills += 1;
        await victim.exited;
        restarts += 1;
        spawnWorker(victim.slot);
        await untilRunning(victim.slot);
      }
    })();

    const merchant = async (until: () => boolean) => {
      while (!until()) {
        await sleep(dice.int(150, 600));
        if (until()) break;
        await merchantAction(dice, touchable, shops, actions, merchantActions, clock, standIn, shopify).catch((error: unknown) => log(`merchant action refused: ${String(error)}`));
        if (dice.chance(0.15)) {
          await shopifyWebhook(app.url, dice, shops);
          shopifyWebhooks.sent += 2;
          shopifyWebhooks.duplicates += 1;
        }
      }
    };

    // --- The time line: each step moves every process's clock forward, then the backlog is worked off under chaos.
    for (let step = 1; step <= STEPS; step++) {
      clock.advance(STEP_MS);
      let settled = false;
      const deadline = Date.now() + size.stepSettleMs;
      const acting = merchant(() => settled);
      while (!settled && Date.now() < deadline) {
        await sleep(500);
        settled = await backlogSettled(clock.nowDate());
      }
      const stepSettled = settled;
      settled = true;
      await acting;
      log(`step ${step}/${STEPS}: ${clock.nowDate().toISOString()} — ${await prisma.invoiceRun.count()} runs, ${kills} kills, ${Math.round((Date.now() - started) / 1000)} s${stepSettled ? "" : " (not settled: moving on)"}`);
    }

    // --- Settle: the kills stop, the faults stop, the clock moves past every retry (backoff cap 1 h), twice.
    stopKills = true;
    await killer;
    standIn.control.setFaults("*", { serverErrorRatio: 0, dropRatio: 0 });
    shopifyFaults.stop();
    for (let round = 0; round < 3; round++) {
      clock.advance(2 * 3_600_000);
      const deadline = Date.now() + size.stepSettleMs;
      while (Date.now() < deadline && !(await backlogSettled(clock.nowDate()))) await sleep(500);
    }
    for (const worker of workers) worker.child?.kill("SIGTERM");
    await Promise.all(workers.map((worker) => worker.exited));
    await drainWebhooks(standIn, 3 * size.stepSettleMs, log);
    await shopify.control.webhooksSettled();
    await sleep(500);

    const result = await checkPromise({ standIn, planned, actions, now: clock.nowDate(), templateLeaseMs: TEMPLATE_LEASE_MS, shopify: shopifyLedger(shopify, size.shops, planned) });
    const requests = standIn.control.requests();
    const faults: Record<string, number> = {};
    for (const entry of requests) if (entry.fault) faults[entry.fault] = (faults[entry.fault] ?? 0) + 1;
    const deliveries = standIn.control.deliveries();
    return {
      ...result,
      seed: options.seed,
      size: options.size,
      database,
      kills,
      restarts,
      workerStartMs: { median: median(startTimes), max: Math.max(0, ...startTimes) },
      merchantActions,
      shopifyWebhooks,
      stripeWebhooks: { deliveries: deliveries.length, duplicates: deliveries.filter((delivery) => delivery.duplicate).length },
      faults,
      shopifyFaults: shopifyFaults.counts,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const worker of workers) if (worker.child && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await app.close();
    await standIn.close();
    unrouteShopify();
    await shopify.close();
    setAppClock(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    bundle.dispose();
  }
}

/**
 * Waits until the stand-in has delivered every Stripe webhook, for as long as deliveries keep
 * completing: at the full size over ten thousand are queued when the kills stop (the stand-in
 * delivers one at a time per endpoint, as a loaded machine's web process answers them: about 17 a
 * second at load 20, so 10–15 minutes). It fails when a whole minute completes none (the web
 * process stopped answering: a real failure), or after `capMs` in all.
 */
async function drainWebhooks(standIn: StripeStandIn, capMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + capMs;
  let done = -1;
  let stalledSince = Date.now();
  for (;;) {
    try {
      await standIn.control.waitForWebhooks(30_000);
      return;
    } catch (error) {
      const deliveries = standIn.control.deliveries();
      const now = deliveries.filter((delivery) => delivery.status === "succeeded" || delivery.status === "failed").length;
      if (now > done) stalledSince = Date.now();
      if (Date.now() - stalledSince >= 60_000 || Date.now() > deadline) throw error;
      log(`Stripe webhooks: ${deliveries.length - now} still to deliver (${now} done); waiting while they move`);
      done = now;
    }
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Nothing due is waiting: every run due now is done, failed, skipped, or scheduled for a later retry; no template is due. */
async function backlogSettled(now: Date): Promise<boolean> {
  const [runs, templates] = await Promise.all([
    prisma.invoiceRun.count({ where: { state: { in: ["planned", "issuing"] }, OR: [{ nextAttemptAt: { lte: now } }, { leaseOwner: { not: null } }] } }),
    prisma.recurringTemplate.count({ where: { status: "active", nextRunAt: { lte: now } } }),
  ]);
  return runs === 0 && templates === 0;
}

async function merchantAction(
  dice: Dice,
  touchable: (PlannedTemplate & { id: string })[],
  shops: Shop[],
  actions: Actions,
  counts: Record<string, number>,
  clock: FileClock,
  standIn: StripeStandIn,
  shopify: ShopifyStandIn,
): Promise<void> {
  if (touchable.length === 0) return;
  let template = dice.pick(touchable);
  if (actions.cancelled.has(template.id)) return;
  const drawn = dice.pick(["pause", "resume", "cancel", "skip_next", "edit_lines", "edit_lines", "resend", "customer_pays", "customer_pays", "pause_send_in_doubt"] as const);
  let kind: Exclude<typeof drawn, "pause_send_in_doubt"> = drawn === "pause_send_in_doubt" ? "pause" : drawn;
  if (drawn === "pause_send_in_doubt") {
    // The merchant pauses a Shopify invoice whose send is in doubt (its answer was lost; the run asks again once Shopify has
    // settled): that retry must stop and e-mail nothing, the send being the rail's point of no return (issue-run.server.ts).
    const candidates = touchable.filter((candidate) => candidate.rail === "shopify" && !actions.cancelled.has(candidate.id) && !actions.paused.get(candidate.id)?.some((interval) => interval.to === null));
    const run = candidates.length === 0 ? null : await prisma.invoiceRun.findFirst({ where: { templateId: { in: candidates.map((candidate) => candidate.id) }, step: "send", lastErrorCode: "shopify_send_in_doubt", leaseOwner: null }, orderBy: { id: "asc" } });
    if (!run) return;
    template = candidates.find((candidate) => candidate.id === run.templateId)!;
    kind = "pause";
    counts[drawn] = (counts[drawn] ?? 0) + 1;
  }
  const shop = shops[template.shopIndex]!;
  const now = () => clock.nowDate();
  switch (kind) {
    case "pause": {
      if (actions.paused.get(template.id)?.some((interval) => interval.to === null)) return;
      await pauseTemplate(shop, template.id, { clock });
      const at = now(); // committed by now: from here on nothing may be finalized
      (actions.paused.get(template.id) ?? actions.paused.set(template.id, []).get(template.id)!).push({ from: at, to: null });
      break;
    }
    case "resume": {
      const open = actions.paused.get(template.id)?.find((interval) => interval.to === null);
      if (!open) return;
      open.to = now(); // before the resume commits: up to here nothing may be finalized
      await resumeTemplate(shop, template.id, { clock });
      break;
    }
    case "cancel": {
      if (dice.chance(0.6)) return; // rarer than the others: a cancelled template is out of the game
      await cancelTemplate(shop, template.id, { clock });
      actions.cancelled.set(template.id, now());
      const open = actions.paused.get(template.id)?.find((interval) => interval.to === null);
      if (open) open.to = now();
      break;
    }
    case "skip_next": {
      await skipNextPeriod(shop, template.id, { clock });
      actions.skipped.add(template.id);
      break;
    }
    case "edit_lines": {
      // New periods only: what was already planned keeps its snapshot (checked: each invoice totals its run's snapshot).
      const input = { ...template.input, lines: template.input.lines.map((line) => ({ ...line, quantity: line.quantity + 1 })) };
      const { currency: _currency, sourceOrderId: _source, ...editable } = input;
      await editTemplate(shop, template.id, editable, { clock });
      template.input = input;
      actions.edited.add(template.id);
      break;
    }
    case "resend": {
      const run = await prisma.invoiceRun.findFirst({ where: { templateId: template.id, state: "sent" }, orderBy: { periodIndex: "desc" } });
      if (!run) return;
      actions.resendsTried.set(run.id, (actions.resendsTried.get(run.id) ?? 0) + 1);
      await resendInvoice(shop, run.id, { clock, requestId: `resend-${run.id}-${counts.resend}` });
      actions.resends.set(run.id, (actions.resends.get(run.id) ?? 0) + 1);
      break;
    }
    case "customer_pays": {
      const run = await prisma.invoiceRun.findFirst({ where: { templateId: template.id, state: "sent", invoiceId: { not: null } } });
      if (!run?.invoiceId) return;
      // On the Shopify rail the customer pays at Shopify's checkout (the draft becomes a paid order; orders/paid reaches the app).
      if (template.rail === "shopify") await shopify.control.payInvoice(shop.domain, run.invoiceId);
      else standIn.control.customerPay(run.invoiceId);
      actions.paid.set(run.id, run.invoiceId);
      break;
    }
  }
  counts[kind] = (counts[kind] ?? 0) + 1;
  if (template.rail === "shopify") counts[`${kind} (Shopify)`] = (counts[`${kind} (Shopify)`] ?? 0) + 1;
}

/** A signed Shopify webhook over HTTP, delivered twice under one id (Shopify retries; the second must change nothing). */
async function shopifyWebhook(appUrl: string, dice: Dice, shops: Shop[]): Promise<void> {
  const shop = dice.pick(shops);
  const payload = { shop_id: 1, shop_domain: shop.domain, orders_requested: [], customer: { id: dice.int(1, 999), email: "nobody@example.test", phone: null }, data_request: { id: dice.int(1, 1e9) } };
  const webhookId = `chaos-${dice.int(1, 1e9)}`;
  for (let copy = 0; copy < 2; copy++) {
    const request = webhookRequest("customers/data_request", shop.domain, payload, { webhookId });
    const response = await fetch(new URL(new URL(request.url).pathname, appUrl), { method: "POST", headers: request.headers, body: await request.text() });
    if (response.status !== 200) throw new Error(`Shopify webhook answered ${response.status}`);
  }
}
