// The worker loop: every tick, plan due templates (scheduler.ts), then issue
// due runs (run-lanes.ts); the work on one template or run is a use case in
// app/services/invoicing/. Any number of workers may run against one
// database: they coordinate only through leases and unique keys in it.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { BillingGateway } from "~/domain/billing";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "~/domain/retry-policy";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { metrics } from "~/metrics.server";
import { forgetWorker, pruneWorkerHeartbeats, recordWorkerTick } from "~/models/worker-heartbeat.server";
import { HEARTBEAT_EVERY_MS } from "~/services/health/worker-liveness.server";
import { issueDueRuns, type IssueReport, type RunLanesOptions } from "./run-lanes";
import { planDueTemplates, sweepExpiredPlanningLeases, type PlanReport, type SchedulerOptions } from "./scheduler";

export type WorkerOptions = {
  /** The Stripe rail. */
  gateway: BillingGateway;
  /** The Shopify rail (draft orders), for templates that collect through Shopify. */
  shopifyGateway?: BillingGateway;
  /** Defaults to the system clock; tests and the demo inject a ManualClock. */
  clock?: Clock;
  /** Unique per process; recorded as lease owner and on the audit trail. Default: host:pid:random. */
  workerId?: string;
  /** Pause between two ticks that found no more work. Default 1 s. */
  tickMs?: number;
  /** Templates claimed per tick. Default 100. */
  templateBatchSize?: number;
  /**
   * Runs driven by one {@link Worker.runOnce} tick, at most. Default 100. The
   * running worker ({@link Worker.start}) is not bounded by it: its issuing
   * loop drives runs for as long as they are due.
   */
  runBatchSize?: number;
  /**
   * Runs driven at the same time. Default 10. An invoice is 5–6 Stripe calls:
   * at Stripe's usual latency one run at a time would issue about one
   * invoice per second whatever the rate limit allows.
   */
  concurrency?: number;
  /** Default 60 s; one planning transaction takes milliseconds. */
  templateLeaseMs?: number;
  /** Default 120 s, renewed at every step; must exceed the slowest provider call. */
  runLeaseMs?: number;
  /** Default: base 30 s, cap 1 h, 8 attempts. */
  retry?: Partial<RetryPolicy>;
  /** Catch-up policy `none`: lateness still issued. Default 1 h. */
  lateToleranceMs?: number;
  /** Default 50. */
  maxPeriodsPerTemplate?: number;
  /** Default 5 min. */
  billingRecheckMs?: number;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  logger?: Logger;
  /**
   * Follow-up work of paid or signed runs (write-back to Shopify, signature
   * stamps on Stripe), run after each tick. Its failures are logged and never
   * stop the scheduling itself.
   */
  afterTick?: () => Promise<void>;
};

export type TickReport = {
  templates: PlanReport;
  runs: IssueReport;
  /** A batch came back full: more work is probably due right now. */
  saturated: boolean;
};

export class Worker {
  readonly id: string;
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly logger: Logger;
  private readonly scheduler: SchedulerOptions;
  private readonly pipeline: RunLanesOptions;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly wake = new AbortController();
  /** The issuing lanes' wait for work, while they wait (wakeIssuingLanes ends it). */
  private issuingWaiter: (() => void) | null = null;
  /** The planner made runs while no lane was waiting: the next wait ends at once. */
  private wokenMeanwhile = false;
  private readonly afterTick: (() => Promise<void>) | undefined;
  private readonly startedAt: Date;
  private lastHeartbeat = -Infinity;
  private lastPrune = -Infinity;
  private lastSweep = -Infinity;
  /** When this worker's last tick ended (its clock), failed ticks included; null before the first. */
  lastTickAt: Date | null = null;

  constructor(options: WorkerOptions) {
    this.id = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.clock = options.clock ?? appClock;
    this.tickMs = options.tickMs ?? 1_000;
    this.logger = (options.logger ?? rootLogger).child({ worker: this.id });
    this.afterTick = options.afterTick;
    this.startedAt = this.clock.nowDate();
    const shouldStop = () => this.stopping;
    this.scheduler = {
      workerId: this.id,
      clock: this.clock,
      batchSize: options.templateBatchSize ?? 100,
      leaseMs: options.templateLeaseMs ?? 60_000,
      maxPeriodsPerTemplate: options.maxPeriodsPerTemplate ?? 50,
      lateToleranceMs: options.lateToleranceMs ?? 3_600_000,
      shouldStop,
      logger: this.logger,
    };
    this.pipeline = {
      workerId: this.id,
      clock: this.clock,
      gateway: options.gateway,
      ...(options.shopifyGateway ? { shopifyGateway: options.shopifyGateway } : {}),
      batchSize: options.runBatchSize ?? 100,
      concurrency: options.concurrency ?? 10,
      leaseMs: options.runLeaseMs ?? 120_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      billingRecheckMs: options.billingRecheckMs ?? 300_000,
      random: options.random ?? Math.random,
      shouldStop,
      logger: this.logger,
    };
  }

  /**
   * One tick: plan due templates, then issue due runs (one batch of each).
   * Safe to call any number of times; rejects on an unexpected error (a bug,
   * a lost database), leaving the run it was on leased until its lease expires.
   */
  async runOnce(): Promise<TickReport> {
    await this.sweepPlanningLeases();
    const templates = await planDueTemplates(this.scheduler);
    const runs = await issueDueRuns(this.pipeline);
    await this.afterTick?.().catch((error: unknown) => this.logger.error({ err: error }, "follow-up work failed; retried next tick"));
    return {
      templates,
      runs,
      saturated: templates.claimed >= this.scheduler.batchSize || runs.claimed >= this.pipeline.batchSize,
    };
  }

  /**
   * At most once per template lease duration of this worker's clock (and at
   * its first tick: a restarted worker cleans up after the one it replaces),
   * the sweep of expired planning leases (scheduler.ts). Its bound: a
   * planning lease is given back at most one lease duration after it
   * expired, while any worker runs.
   */
  private async sweepPlanningLeases(): Promise<void> {
    const now = this.clock.nowDate();
    if (now.getTime() - this.lastSweep < this.scheduler.leaseMs) return;
    await sweepExpiredPlanningLeases(now, this.logger);
    // After it succeeded: a sweep the database refused is tried again at the next tick.
    this.lastSweep = now.getTime();
  }

  /** Runs the planning and issuing loops until {@link stop} (see runLoop). */
  start(): void {
    if (this.loop) return;
    this.loop = this.runLoop();
  }

  /**
   * Graceful shutdown: the step in progress finishes and is stored, every
   * lease this worker holds is given back, then the loop ends. Idempotent;
   * a stopped worker stays stopped (make a new one to start again).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.loop;
    // Stopped on purpose: not a worker that died (a killed one's heartbeat stays and ages).
    if (this.lastHeartbeat > -Infinity) await forgetWorker(this.id).catch((error: unknown) => this.logger.warn({ err: error }, "could not remove the heartbeat"));
  }

  /**
   * After each tick of the loop: counted, and written to the worker's
   * heartbeat at most every HEARTBEAT_EVERY_MS (what /healthz reports);
   * heartbeats a day old (workers killed long ago) are pruned once an hour.
   * A failed write is logged, never fatal: the heartbeat reports, it decides nothing.
   */
  private async heartbeat(result: "ok" | "failed" | "started"): Promise<void> {
    const now = this.clock.nowDate();
    if (result !== "started") {
      this.lastTickAt = now;
      metrics().workerTicks.inc({ result });
    }
    if (now.getTime() - this.lastHeartbeat < HEARTBEAT_EVERY_MS) return;
    this.lastHeartbeat = now.getTime();
    try {
      await recordWorkerTick(this.id, this.startedAt, now);
      if (now.getTime() - this.lastPrune >= 3_600_000) {
        this.lastPrune = now.getTime();
        await pruneWorkerHeartbeats(new Date(now.getTime() - 86_400_000));
      }
    } catch (error) {
      this.logger.warn({ err: error }, "could not record the heartbeat");
    }
  }

  /**
   * Two loops until {@link stop}: planning (due templates, the follow-up
   * work, the heartbeat), and issuing, whose lanes take the next runs as
   * they free up and, when nothing is due, wait for the next tick or for the
   * planner, which wakes them when it made runs. Issuing in bounded batches,
   * one per tick after the planning, left lanes idle at each batch's end
   * while its last runs finished (bench/stripe.ts, 2,000 runs, two runs back
   * to back on one machine: 83.7 % of the rate-limit bound in batches of
   * 1,000, 88.5 % in one go).
   */
  private async runLoop(): Promise<void> {
    this.logger.info("worker started");
    // Seen alive from the start: a first tick that drives a full batch may take a while.
    await this.heartbeat("started");
    await Promise.all([this.planningLoop(), this.issuingLoop()]);
    this.logger.info("worker stopped");
  }

  private async planningLoop(): Promise<void> {
    while (!this.stopping) {
      let saturated = false;
      let result: "ok" | "failed" = "ok";
      try {
        await this.sweepPlanningLeases();
        const templates = await planDueTemplates(this.scheduler);
        if (templates.planned > 0) this.wakeIssuingLanes();
        await this.afterTick?.().catch((error: unknown) => this.logger.error({ err: error }, "follow-up work failed; retried next tick"));
        saturated = templates.claimed >= this.scheduler.batchSize;
      } catch (error) {
        result = "failed";
        this.logger.error({ err: error }, "planning tick failed; continuing after the pause");
      }
      await this.heartbeat(result);
      if (!saturated) await this.pause();
    }
  }

  /** Drives runs until {@link stop}; after a crash-like error (a bug, a lost database), starts again after the pause. */
  private async issuingLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await issueDueRuns({ ...this.pipeline, batchSize: Number.POSITIVE_INFINITY, waitForWork: () => this.waitForIssuingWork() });
      } catch (error) {
        this.logger.error({ err: error }, "issuing failed; continuing after the pause");
        await this.heartbeat("failed");
        await this.pause();
      }
    }
  }

  /** Resolves at the next tick, or sooner: the planner made runs (or did since the lanes last looked), or the worker stops. */
  private waitForIssuingWork(): Promise<void> {
    if (this.wokenMeanwhile || this.stopping) {
      this.wokenMeanwhile = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.issuingWaiter = resolve;
      void this.pause().then(() => {
        if (this.issuingWaiter === resolve) this.issuingWaiter = null;
        resolve();
      });
    });
  }

  private wakeIssuingLanes(): void {
    const waiter = this.issuingWaiter;
    this.issuingWaiter = null;
    if (waiter) waiter();
    else this.wokenMeanwhile = true;
  }

  /** Sleeps `tickMs`, less when the worker is stopped. */
  private async pause(): Promise<void> {
    if (this.stopping) return;
    await sleep(this.tickMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
  }
}
