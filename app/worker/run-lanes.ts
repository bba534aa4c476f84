// The issuing half of a worker tick: claim runs due for work, and drive each
// (app/services/invoicing/issue-run.server.ts) on a pool of lanes.
//
// Claim: as the due-template claim (scheduler.ts), under a fresh random
// token: on PostgreSQL one UPDATE of rows selected FOR UPDATE SKIP LOCKED, on
// SQLite select ids → one conditional UPDATE; then re-read what the token won. The token, not the worker id, fences
// every later write on the run: the lanes of one worker share its id, and a
// run whose lease expired may be claimed again by another lane of the same
// worker (or a process restarted with the same id) while the first lane is
// still waiting on the provider.
//
// Affinity: with several workers alive (their heartbeats), each claim takes
// the runs of the shops this worker is preferred for first, then the others'
// (app/domain/shop-affinity.ts): an account's lanes stay in one process.
//
// Holds: with each claimed batch the tick reads which of its accounts Stripe
// refuses (and whether it refuses the platform key); a run they hold is held
// without a call (app/services/invoicing/billing-hold.server.ts).
import { randomUUID } from "node:crypto";
import { metrics } from "~/metrics.server";
import { claimWorkableRunIds, expiredLeaseRunIds, findRunsLeasedBy, releaseRunLeases, type LeasedRun } from "~/models/invoice-run.server";
import { isTransientDatabaseError, type Tx } from "~/models/transaction.server";
import { liveWorkerIds } from "~/models/worker-heartbeat.server";
import { BillingHolds, credentialOf } from "~/services/invoicing/billing-hold.server";
import { issueRun, type IssueRunOptions } from "~/services/invoicing/issue-run.server";

/**
 * A worker whose heartbeat is older than this is not counted among the
 * workers alive when shops are shared out (app/domain/shop-affinity.ts):
 * the shops it was preferred for go to the others. Until then its shops'
 * runs are still claimed by every other worker, after their own.
 */
export const WORKER_ALIVE_MS = 30_000;

export type RunLanesOptions = Omit<IssueRunOptions, "holds"> & {
  /** Runs driven per tick, at most. */
  batchSize: number;
  /** Runs driven at the same time (each waits on its provider calls). */
  concurrency: number;
  /**
   * The running worker's issuing loop: when nothing more is due, the free
   * lanes wait for this (the next tick, or the planner's wake) and claim
   * again, instead of ending the tick — which would leave them idle until
   * the tick's slowest run finished. Without it (a single tick), the tick
   * ends once nothing more is due and its runs are done.
   */
  waitForWork?: () => Promise<void>;
};

export type IssueReport = {
  claimed: number;
  sent: number;
  failed: number;
  retryScheduled: number;
  /** Runs of shops without a connected billing account, or held because Stripe refuses access. */
  waiting: number;
  /** Runs stopped before finalization: their template or shop no longer wants them (skipped, draft deleted). */
  stopped: number;
  /** Leases given back before finishing (shutdown) or found lost. */
  released: number;
};

/**
 * One pipeline tick: drives up to `batchSize` runs due for work (runs between
 * two steps first, then new ones), `concurrency` at a time, each as far as it
 * goes. Runs are claimed in chunks as lanes free up, so a claimed run never
 * waits long behind others with its lease running. Idempotent and
 * convergent: safe to run any number of times, concurrently from any number
 * of processes, and to kill at any instant.
 *
 * Concurrency is what makes Stripe's latency affordable: one invoice is 5–6
 * calls of ~100 ms or more, so a run alone cannot use an account's rate; the
 * per-account limiter of the Stripe client keeps many lanes within it.
 */
export async function issueDueRuns(options: RunLanesOptions): Promise<IssueReport> {
  const owner = options.workerId;
  const lanes = Math.max(1, Math.min(options.concurrency, options.batchSize));
  const report: IssueReport = { claimed: 0, sent: 0, failed: 0, retryScheduled: 0, waiting: 0, stopped: 0, released: 0 };
  const queue: LeasedRun[] = [];
  let budget = options.batchSize;
  let exhausted = false;
  const crashes: unknown[] = [];
  let claiming: Promise<void> | null = null;
  let idling: Promise<void> | null = null;
  const holds = new BillingHolds({
    credential: credentialOf(options.gateway),
    probeEveryMs: options.billingRecheckMs,
    logger: options.logger,
    actor: `worker:${owner}`,
  });

  const refill = async () => {
    // Twice the lanes: the next runs are ready when lanes free up, and few enough that their leases stay fresh.
    const want = Math.min(budget, 2 * lanes);
    const now = options.clock.nowDate();
    // The workers alive now, this one included (its first heartbeat may be still to come): each takes its own shops' runs first.
    const workers = [...new Set([owner, ...(await liveWorkerIds(new Date(now.getTime() - WORKER_ALIVE_MS)))])];
    const runs = await claimWorkableRuns({ now, owner, batchSize: want, leaseMs: options.leaseMs, workers });
    budget -= runs.length;
    report.claimed += runs.length;
    // Fewer than asked: nothing more is due now (or other workers won it); the next tick looks again.
    if (runs.length < want || budget === 0) exhausted = true;
    // Queued before anything else can throw: a claimed run that is not in the
    // queue is given back by no one and waits out its whole lease.
    queue.push(...runs);
    // Read after the claim: a reconnection that made these runs workable is seen.
    if (runs.length > 0) await holds.refresh(runs.map((run) => run.shop.billingAccountId));
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
      if (exhausted) {
        if (!options.waitForWork) return undefined;
        // The free lanes wait together, then claim again.
        idling ??= options.waitForWork().finally(() => {
          exhausted = false;
          idling = null;
        });
        await idling;
        continue;
      }
      // One claim at a time for the whole pool: lanes waiting for runs share it.
      claiming ??= refill().finally(() => (claiming = null));
      await claiming;
    }
  };
  const lane = async () => {
    try {
      for (let run = await nextRun(); run; run = await nextRun()) {
        const account = run.shop.billingAccountId;
        const outcome = await issueRun(run, { ...options, holds })
          .catch((error: unknown) => giveBackAfterDatabaseError(run, error, options))
          .finally(() => inFlight.set(account, inFlight.get(account)! - 1));
        metrics().runOutcomes.inc({ outcome });
        if (outcome === "sent") metrics().dueToSentLag.observe(Math.max(0, options.clock.nowDate().getTime() - run.scheduledAt.getTime()) / 1000);
        if (outcome === "sent" || outcome === "closed") report.sent += 1;
        else if (outcome === "failed") report.failed += 1;
        else if (outcome === "retry_scheduled") report.retryScheduled += 1;
        else if (outcome === "waiting") report.waiting += 1;
        else if (outcome === "stopped") report.stopped += 1;
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
    const untouched = queue.splice(0);
    report.released += untouched.length;
    await releaseRunLeases(untouched, options.clock.nowDate());
  }
  if (crashes.length > 0) throw crashes[0];
  return report;
}

/**
 * A lane's run met a database too busy to answer in time (P2028: a
 * transaction waited more than Prisma's 2 s to start). Nothing of the
 * failed write was stored, and the run is still this claim's: its lease is
 * given back at once, where it stands, instead of holding the run for the
 * whole lease (70–120 s stalls), and the lane goes on. Any other error — and
 * a database that cannot even take the release — stays a crash: the run
 * keeps its lease until it expires.
 *
 * Found with the workers bench on PostgreSQL (30 lanes on a pool of 10);
 * that cause is gone, the pool being sized with the lanes
 * (app/db-pool.server.ts). Kept as a safety net for what sizing cannot
 * rule out: SQLite's one connection per process, which every lane (and
 * the web requests beside an embedded worker) takes in turn; a web
 * process's requests, unbounded, sharing its pool with the embedded
 * worker; and a database slowed by locks, a slow disk or a failover.
 */
async function giveBackAfterDatabaseError(run: LeasedRun, error: unknown, options: RunLanesOptions): Promise<"released"> {
  if (!isTransientDatabaseError(error)) throw error;
  options.logger.warn({ err: error, runId: run.id }, "database busy; the run is given back to be taken again");
  await releaseRunLeases([run], options.clock.nowDate());
  return "released";
}

/**
 * The work claim: up to `batchSize` runs due for work — runs between two
 * steps first, then runs not started — whose lease this claim took for
 * `owner`, under a token no earlier claim had.
 */
export async function claimWorkableRuns(
  /** `workers`: the workers alive, `owner` among them; the runs of the shops `owner` is preferred for come first (app/domain/shop-affinity.ts). */
  claim: { now: Date; owner: string; batchSize: number; leaseMs: number; workers?: readonly string[] },
  /** Default: the app's client (the bench passes a logging one). */
  db?: Tx,
): Promise<LeasedRun[]> {
  // For the takeover counter only (/metrics): runs still held by a lease that expired (their worker died).
  const abandoned = await expiredLeaseRunIds(claim.now, claim.batchSize, db);
  const lease = { owner: claim.owner, token: randomUUID(), until: new Date(claim.now.getTime() + claim.leaseMs) };
  const leased: string[] = [];
  let won: LeasedRun[];
  try {
    const affinity = claim.workers ? { me: claim.owner, workers: claim.workers } : undefined;
    leased.push(...(await claimWorkableRunIds("issuing", claim.now, claim.batchSize, lease, db, affinity)));
    leased.push(...(await claimWorkableRunIds("planned", claim.now, claim.batchSize - leased.length, lease, db, affinity)));
    won = await findRunsLeasedBy(leased, lease.token, db);
  } catch (error) {
    // Runs leased by a statement before the one that failed: nobody would
    // drive them; given back (best effort) rather than stranded for the lease.
    await releaseRunLeases(leased.map((id) => ({ id, leaseToken: lease.token })), claim.now, db).catch(() => undefined);
    throw error;
  }
  const takenOver = won.filter((run) => abandoned.has(run.id)).length;
  if (takenOver > 0) metrics().leaseTakeovers.inc(takenOver);
  return won;
}
