// Invoice runs (one period of one template): every Prisma query on InvoiceRun.
//
// Tenant sealing: functions that take a run id a client could have sent also
// take the shop id. The worker's functions take ids it claimed itself.
import { z } from "zod";
import type { InvoiceRun, Prisma, PrismaClient } from "@prisma/client";
import prisma, { databaseDialect } from "~/db.server";
import { runBatch, runQuery, type BatchStatement } from "~/direct-sql.server";
import { BILLING_STEPS, type BillingStep } from "~/domain/billing";
import { PRODUCT_VARIANT_GID } from "~/domain/order-snapshot";
import { RUN_STATES, type RunStanding, type RunState, type SkipReason } from "~/domain/run-state";
import { preferredWorker } from "~/domain/shop-affinity";
import {
  claimWorkableRunsPostgresSql,
  incrementIssuedCountSql,
  leasedStepPostgresSql,
  leaseHeldSql,
  runPlanSql,
  runStandingOf,
  runStandingSql,
  updateLeasedRunSql,
  updatedAtNow,
  type ClaimAffinity,
  type ClaimLease,
  type LeasedRunWrite,
  type LeasedStepRow,
  type RunPlanRow,
  type RunStandingRow,
} from "./hot-sql.server";
import { runEventsInsertIf, type NewRunEvent } from "./run-event.server";
import { customerSnapshotSchema } from "./template.server";

type Db = Prisma.TransactionClient;

// The run states and skip reasons live in the domain (labels and badges are keyed by them); re-exported for the model's callers.
export { RUN_STATES, SKIP_REASONS, type RunState, type SkipReason } from "~/domain/run-state";

/** The pipeline's steps are the provider port's, in order. */
export type PipelineStep = BillingStep;

const billingLineSnapshotSchema = z.object({
  description: z.string(),
  /**
   * The template line's Shopify variant, for the write-back only (the invoice
   * does not show it). Absent for custom lines and in runs planned before
   * lines recorded their variant.
   */
  variantId: z.string().regex(PRODUCT_VARIANT_GID).optional(),
  /** The shipping line; absent in runs planned before it was marked (their shipping is a custom line on the Shopify rail). */
  shipping: z.literal(true).optional(),
  quantity: z.number().int(),
  unitAmount: z.number().int(),
  discountAmount: z.number().int(),
  taxes: z.array(z.object({ title: z.string(), ratePercent: z.string(), inclusive: z.boolean() })),
});

/** What a run issues, frozen when it is planned (or re-planned by an edit before it starts). */
export const runSnapshotSchema = z.object({
  customer: customerSnapshotSchema,
  lines: z.array(billingLineSnapshotSchema),
  daysUntilDue: z.number().int(),
  memo: z.string().optional(),
  signatureRequested: z.boolean(),
  /** The rail the run issues on (the template's when planned); absent: Stripe. */
  rail: z.literal("shopify").optional(),
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

export type Run = Omit<InvoiceRun, "snapshot" | "state" | "step"> & {
  state: RunState;
  step: PipelineStep | null;
  snapshot: RunSnapshot;
};

/** @throws ZodError when a stored column does not parse. */
export function parseRun(row: InvoiceRun): Run {
  return {
    ...row,
    state: z.enum(RUN_STATES).parse(row.state),
    step: row.step === null ? null : z.enum(BILLING_STEPS).parse(row.step),
    snapshot: runSnapshotSchema.parse(JSON.parse(row.snapshot)),
  };
}

// ---------------------------------------------------------------------------
// Merchant-facing queries (scoped by shop)
// ---------------------------------------------------------------------------

/** The run if it belongs to the shop; null for an unknown id or another shop's. */
export async function findRunForShop(shopId: string, runId: string, db: Db = prisma): Promise<Run | null> {
  const row = await db.invoiceRun.findFirst({ where: { id: runId, shopId } });
  return row && parseRun(row);
}

/** Every run of the shop's template, by period. Empty for another shop's template. */
export async function listRunsOfTemplate(shopId: string, templateId: string, db: Db = prisma): Promise<Run[]> {
  const rows = await db.invoiceRun.findMany({ where: { shopId, templateId }, orderBy: { periodIndex: "asc" } });
  return rows.map(parseRun);
}

/**
 * Takes the run's row for writing before anything else in the transaction
 * (see lockTemplateForShop in template.server.ts for why); false if the shop
 * has no such run in one of `states`.
 */
export async function lockRunForShop(shopId: string, runId: string, states: readonly RunState[], tx: Db): Promise<boolean> {
  const { count } = await tx.invoiceRun.updateMany({
    where: { id: runId, shopId, state: { in: [...states] } },
    data: { updatedAt: updatedAtNow() },
  });
  return count === 1;
}

export async function updateRun(runId: string, data: Prisma.InvoiceRunUncheckedUpdateInput, tx: Db): Promise<Run> {
  return parseRun(await tx.invoiceRun.update({ where: { id: runId }, data }));
}

// ---------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------

export type NewRun = {
  shopId: string;
  templateId: string;
  periodIndex: number;
  periodDate: string;
  scheduledAt: Date;
  state: "planned" | "skipped";
  skipReason: SkipReason | null;
  /** When the pipeline may pick it up; null for a skipped run. */
  nextAttemptAt: Date | null;
  currency: string;
  expectedTotal: number;
  snapshot: RunSnapshot;
};

/** Which of the template's periods from `fromIndex` to `toIndex` (inclusive) already have a run. */
export async function takenPeriodIndexes(templateId: string, fromIndex: number, toIndex: number, tx: Db): Promise<Set<number>> {
  const rows = await tx.invoiceRun.findMany({
    where: { templateId, periodIndex: { gte: fromIndex, lte: toIndex } },
    select: { periodIndex: true },
  });
  return new Set(rows.map((row) => row.periodIndex));
}

/** The template's run with the highest period index, or null before its first run. */
export async function latestRunOfTemplate(templateId: string, tx: Db): Promise<Run | null> {
  const row = await tx.invoiceRun.findFirst({ where: { templateId }, orderBy: { periodIndex: "desc" } });
  return row && parseRun(row);
}

/** Inserts runs; UNIQUE(templateId, periodIndex) refuses a second run for a period. */
export async function insertRuns(runs: NewRun[], tx: Db): Promise<Run[]> {
  if (runs.length === 0) return [];
  const rows = await tx.invoiceRun.createManyAndReturn({
    data: runs.map((run) => ({ ...run, snapshot: JSON.stringify(run.snapshot) })),
  });
  return rows.map(parseRun).sort((a, b) => a.periodIndex - b.periodIndex);
}

function liveLease(now: Date): Prisma.InvoiceRunWhereInput {
  return { leaseOwner: { not: null }, leaseExpiresAt: { gte: now } };
}

/**
 * Runs of the template that have not started: planned, and not taken by a
 * worker right now (a worker holding the lease is about to start it, and
 * then it counts as started).
 */
export async function notStartedRunsOfTemplate(templateId: string, now: Date, tx: Db): Promise<Run[]> {
  const rows = await tx.invoiceRun.findMany({
    where: { templateId, state: "planned", NOT: liveLease(now) },
    orderBy: { periodIndex: "asc" },
  });
  return rows.map(parseRun);
}

/**
 * Runs a merchant's edit may still change: not started (see
 * {@link notStartedRunsOfTemplate}), or failed before any invoice could exist
 * at the provider (at the customer step).
 */
export async function replannableRunsOfTemplate(templateId: string, now: Date, tx: Db): Promise<Run[]> {
  const rows = await tx.invoiceRun.findMany({
    where: { templateId, ...replannable(now) },
    orderBy: { periodIndex: "asc" },
  });
  return rows.map(parseRun);
}

function replannable(now: Date): Prisma.InvoiceRunWhereInput {
  return {
    OR: [
      { state: "planned", NOT: liveLease(now) },
      // Failed before the draft step: no invoice was ever requested.
      { state: "failed", OR: [{ step: null }, { step: "customer" }] },
    ],
  };
}

/** Marks runs skipped (they never reach the provider). */
export async function skipRuns(runIds: string[], reason: SkipReason, tx: Db): Promise<void> {
  if (runIds.length === 0) return;
  await tx.invoiceRun.updateMany({
    where: { id: { in: runIds } },
    data: { state: "skipped", skipReason: reason, step: null, nextAttemptAt: null, leaseOwner: null, leaseExpiresAt: null, leaseToken: null },
  });
}

/**
 * Makes the runs being issued that no worker holds right now (between two
 * attempts: a retry scheduled after a 429, a wait for billing) due at once,
 * so that a worker sees a stop (cancel, pause, uninstall, erasure) at its
 * next tick instead of at the retry time. Runs a worker holds see it before
 * their next provider call anyway (see issue-run.server.ts); this only makes
 * it sooner. `where` is a template or a whole shop.
 */
export async function wakeRunsInFlight(where: { templateId: string } | { shopId: string }, now: Date, tx: Db): Promise<void> {
  await tx.invoiceRun.updateMany({
    where: { ...where, state: "issuing", leaseOwner: null, nextAttemptAt: { gt: now } },
    data: { nextAttemptAt: now },
  });
}

/**
 * Gives runs a new snapshot and total (a merchant's edit before they
 * started), each only if it is still replannable as the update finds it, and
 * returns the ids it changed. The check is in the update itself: on
 * PostgreSQL a worker's claim may commit between the edit's read of the
 * replannable runs and this write (READ COMMITTED), and a run it leased is
 * being issued from the snapshot the claim read: changing it now would have
 * the invoice issued from one snapshot, checked against another's total
 * (found by the chaos campaign, seed 1, full size: a run failed
 * total_mismatch after an edit).
 */
export async function replanRuns(runIds: string[], snapshot: RunSnapshot, currency: string, expectedTotal: number, now: Date, tx: Db): Promise<string[]> {
  if (runIds.length === 0) return [];
  const changed = await tx.invoiceRun.updateManyAndReturn({
    where: { id: { in: runIds }, ...replannable(now) },
    data: { snapshot: JSON.stringify(snapshot), currency, expectedTotal },
    select: { id: true },
  });
  return changed.map((run) => run.id);
}

function runPlanOf(row: RunPlanRow): RunPlan {
  return { snapshot: runSnapshotSchema.parse(JSON.parse(row.snapshot)), currency: row.currency, expectedTotal: Number(row.expectedTotal) };
}

/** The shop's runs whose snapshot belongs to one of `templateIds` (customers/redact). */
export async function runsOfTemplates(shopId: string, templateIds: string[], tx: Db): Promise<Run[]> {
  if (templateIds.length === 0) return [];
  const rows = await tx.invoiceRun.findMany({
    where: { shopId, templateId: { in: templateIds } },
    orderBy: [{ templateId: "asc" }, { periodIndex: "asc" }],
  });
  return rows.map(parseRun);
}

export async function replaceRunSnapshot(runId: string, snapshot: RunSnapshot, tx: Db): Promise<void> {
  await tx.invoiceRun.update({ where: { id: runId }, data: { snapshot: JSON.stringify(snapshot) } });
}

// ---------------------------------------------------------------------------
// Pipeline: the work claim
// ---------------------------------------------------------------------------

/** Runs the pipeline works on: not yet started, or between two steps. */
export type WorkableState = Extract<RunState, "planned" | "issuing">;

/**
 * How many of the oldest workable runs a claim of `limit` ranks by shop (see
 * {@link claimOrder}): enough that a shop with a long backlog does not fill
 * every claim while other shops' runs wait behind it, few enough that the
 * claim stays one bounded range scan whatever the backlog. A shop more than
 * this many runs ahead of the others still goes first until it is not.
 */
export function claimWindow(limit: number): number {
  return Math.max(1_000, 50 * limit);
}

/**
 * The order a claim takes workable runs in: shops take turns, each shop's
 * oldest first, then each one's second oldest, and so on (ties by age). One
 * merchant's thousand invoices due at 09:00 then share the lanes with the
 * other shops' instead of holding them for minutes (bench `lag`: 10,000
 * invoices due in one minute, each second's due runs from one shop, went out
 * at 8 to 10 a second instead of the accounts' 80). PostgreSQL ranks the same way
 * in its claim (hot-sql.server.ts). With an `affinity` (the claiming worker
 * and the workers alive with it, app/domain/shop-affinity.ts), the shops the
 * claiming worker is preferred for take their turns first, then the others'.
 */
export function claimOrder<Run extends { id: string; shopId: string }>(oldestFirst: Run[], affinity?: ClaimAffinity): Run[] {
  const turns = new Map<string, number>();
  const away = new Map<string, number>();
  const ranked = oldestFirst.map((run, age) => {
    const turn = (turns.get(run.shopId) ?? 0) + 1;
    turns.set(run.shopId, turn);
    if (affinity && !away.has(run.shopId)) away.set(run.shopId, preferredWorker(run.shopId, affinity.workers) === affinity.me ? 0 : 1);
    return { run, turn, age, away: away.get(run.shopId) ?? 0 };
  });
  return ranked.sort((a, b) => a.away - b.away || a.turn - b.turn || a.age - b.age).map(({ run }) => run);
}


/**
 * Step 1 of the work claim: ids of up to `limit` runs in `state` whose
 * `nextAttemptAt` has come, in {@link claimOrder} among the
 * {@link claimWindow} oldest. One range scan of the (state, nextAttemptAt)
 * index, already in age order, stopping after the window. Leased runs are not
 * in the range: a lease pushes `nextAttemptAt` to the lease's expiry.
 */
export async function selectWorkableRunIds(state: WorkableState, now: Date, limit: number, db: Db = prisma, affinity?: ClaimAffinity): Promise<string[]> {
  if (limit <= 0) return [];
  const oldest = await db.invoiceRun.findMany({
    where: { state, nextAttemptAt: { lte: now } },
    orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
    take: claimWindow(limit),
    select: { id: true, shopId: true },
  });
  return claimOrder(oldest, affinity)
    .slice(0, limit)
    .map((row) => row.id);
}

/** Every state but the two the pipeline works on. */
const NOT_WORKABLE = RUN_STATES.filter((state) => state !== "planned" && state !== "issuing");

/** Who takes a lease: the worker (for the trail and the pages) and the claim's fencing token (for every write under it). */
export type LeaseClaim = { owner: string; token: string };

/**
 * Step 2: takes the lease on those of `ids` still workable and free, in one
 * conditional UPDATE, under the claim's token: fresh for every claim (the
 * caller makes it random), so a run claimed again — by another lane or a
 * process with the same worker id — gets a token the previous holder's
 * writes no longer match. `nextAttemptAt` moves to the lease's expiry,
 * which is when another worker may take the run over if this one dies.
 *
 * The state is checked as NOT IN the other states on purpose: an equality or
 * IN on `state` lets SQLite's planner serve the UPDATE from the
 * (state, nextAttemptAt) index and walk the whole backlog of due runs instead
 * of looking up `ids` by primary key.
 */
export async function leaseRuns(ids: string[], claim: LeaseClaim, now: Date, until: Date, db: Db = prisma): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await db.invoiceRun.updateMany({
    where: {
      id: { in: ids },
      state: { notIn: NOT_WORKABLE },
      nextAttemptAt: { lte: now },
      OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }],
    },
    data: { leaseOwner: claim.owner, leaseToken: claim.token, leaseExpiresAt: until, nextAttemptAt: until },
  });
  return count;
}

/**
 * The work claim for runs in `state`: leases up to `limit` runs whose
 * `nextAttemptAt` has come and whose lease is free, oldest first, under
 * `lease` (owner, fresh token, expiry). Returns the ids the claim may have
 * won: exactly those on PostgreSQL (one UPDATE of rows selected FOR UPDATE
 * SKIP LOCKED, hot-sql.server.ts: concurrent workers split the work instead
 * of colliding on it); on SQLite the candidates it tried (select, then
 * {@link leaseRuns}), some possibly won by another worker in between.
 * Either way, {@link findRunsLeasedBy} with the token reads what was won.
 */
export async function claimWorkableRunIds(state: WorkableState, now: Date, limit: number, lease: ClaimLease, db: Db = prisma, affinity?: ClaimAffinity): Promise<string[]> {
  if (limit <= 0) return [];
  if (databaseDialect === "postgres") {
    const rows = await db.$queryRaw<{ id: string }[]>(claimWorkableRunsPostgresSql(state, now, limit, claimWindow(limit), lease, affinity));
    return rows.map((row) => row.id);
  }
  const candidates = await selectWorkableRunIds(state, now, limit, db, affinity);
  await leaseRuns(candidates, lease, now, lease.until, db);
  return candidates;
}

/**
 * A run as its lease holder sees it: its lease's token, what the pipeline
 * needs of its shop, and where its template and shop stood when it was
 * claimed (read again at every step write).
 */
export type LeasedRun = Run & { leaseToken: string; shop: { domain: string; billingAccountId: string | null; locale?: string }; standing: RunStanding };

/**
 * Step 3: the runs among `ids` whose lease the claim of `token` took, in the
 * order of `ids` (the claim's, oldest first: once leased, every run's
 * `nextAttemptAt` is the lease's expiry and no longer tells them apart).
 */
export async function findRunsLeasedBy(ids: string[], token: string, db: Db = prisma): Promise<LeasedRun[]> {
  if (ids.length === 0) return [];
  const found = await db.invoiceRun.findMany({
    where: { id: { in: ids }, leaseToken: token },
    include: {
      shop: { select: { domain: true, billingAccountId: true, locale: true, uninstalledAt: true } },
      template: { select: { status: true, customerRedactedAt: true } },
    },
  });
  const position = new Map(ids.map((id, index) => [id, index]));
  const rows = found.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  return rows.map(({ shop, template, ...row }) => ({
    ...parseRun(row),
    leaseToken: token,
    shop: { domain: shop.domain, billingAccountId: shop.billingAccountId, locale: shop.locale },
    standing: { templateStatus: template.status, customerRedacted: template.customerRedactedAt !== null, shopUninstalled: shop.uninstalledAt !== null },
  }));
}

export type { LeasedRunWrite } from "./hot-sql.server";

export type LeasedStep = {
  runId: string;
  templateId: string;
  shopId: string;
  /** The token of the lease this write is made under. */
  leaseToken: string;
  data: LeasedRunWrite;
  events: NewRunEvent[];
  countIssued?: boolean;
  /** Also read where the run's template and shop stand, as of this write or later (the run goes on to a provider call). */
  readStanding?: boolean;
  /** Also read the run's plan (snapshot, currency, expected total) as this write left it. */
  readPlan?: boolean;
};

/** What writeLeasedStep stored and read. */
export type LeasedStepResult = { stored: boolean; standing: RunStanding | null; plan: RunPlan | null };

/** What a run's invoice is made from. */
export type RunPlan = Pick<Run, "snapshot" | "currency" | "expectedTotal">;

/**
 * One step of the pipeline, stored at once: `events` appended, the template's
 * issued count incremented when `countIssued`, and `data` written on the run
 * (stamping `updatedAt`, see updatedAtNow), all in one transaction and only
 * while the run's lease is still the one of `leaseToken`. `stored` is false
 * (and nothing was written) when the run was claimed again since. With
 * `readStanding`, `standing` is where the template and shop stand as of
 * this write or later (null if they are gone), for the check before the
 * next call.
 *
 * The pipeline's hottest write (once per step of every invoice), so it is
 * hand-written SQL (app/models/hot-sql.server.ts) sent straight to the
 * connection (app/direct-sql.server.ts): no query to compile. On SQLite, a
 * batch in one transaction, each statement checking the lease itself, the
 * run's update after the others (it may give the lease back); on
 * PostgreSQL, one statement (leasedStepPostgresSql), then the standing read
 * on its own: a round trip costs more there than a statement (the workers
 * bench: five per step were most of a worker's time on its sockets).
 */
export async function writeLeasedStep(step: LeasedStep, db: PrismaClient = prisma): Promise<LeasedStepResult> {
  const updatedAt = updatedAtNow();
  if (databaseDialect === "postgres") return writeLeasedStepPostgres(step, updatedAt, db);
  const leaseHeld = leaseHeldSql(step.runId, step.leaseToken);
  const statements: BatchStatement[] = [
    ...(step.events.length > 0 ? [{ kind: "execute" as const, sql: runEventsInsertIf(step.events, leaseHeld) }] : []),
    ...(step.countIssued ? [{ kind: "execute" as const, sql: incrementIssuedCountSql(step.templateId, updatedAt, leaseHeld) }] : []),
  ];
  const update = statements.push({ kind: "execute", sql: updateLeasedRunSql(step.runId, step.leaseToken, step.data, updatedAt) }) - 1;
  const plan = step.readPlan ? statements.push({ kind: "query", sql: runPlanSql(step.runId) }) - 1 : -1;
  const standing = step.readStanding ? statements.push({ kind: "query", sql: runStandingSql(step.templateId, step.shopId) }) - 1 : -1;
  const results = await runBatch(db, statements);
  const stored = results[update] === 1;
  if (!stored) return { stored, standing: null, plan: null };
  return {
    stored,
    standing: standing < 0 ? null : runStandingOf(results[standing] as RunStandingRow[]),
    plan: plan < 0 ? null : runPlanOf((results[plan] as RunPlanRow[])[0]!),
  };
}

/**
 * writeLeasedStep on PostgreSQL: the write in one statement, committed on
 * its own; then, when it was stored and the run goes on, the standing read
 * in a statement of its own. Read after the write committed, it sees at
 * least what a read inside the write's transaction would have (READ
 * COMMITTED: each statement sees what was committed before it began).
 */
async function writeLeasedStepPostgres(step: LeasedStep, updatedAt: Date, db: PrismaClient): Promise<LeasedStepResult> {
  const alsoIfStored = [
    ...(step.events.length > 0 ? [(stored: Prisma.Sql) => runEventsInsertIf(step.events, stored)] : []),
    ...(step.countIssued ? [(stored: Prisma.Sql) => incrementIssuedCountSql(step.templateId, updatedAt, stored)] : []),
  ];
  const update = updateLeasedRunSql(step.runId, step.leaseToken, step.data, updatedAt);
  const [row] = (await runQuery(db, leasedStepPostgresSql(update, alsoIfStored, { plan: step.readPlan }))) as LeasedStepRow[];
  const stored = Number(row?.stored) === 1;
  if (!stored) return { stored, standing: null, plan: null };
  const plan = step.readPlan ? runPlanOf(row as RunPlanRow) : null;
  if (!step.readStanding) return { stored, standing: null, plan };
  return { stored, standing: runStandingOf((await runQuery(db, runStandingSql(step.templateId, step.shopId))) as RunStandingRow[]), plan };
}

/** Gives back the leases of `leases` (each still the one of its token); the runs are workable again at `now`. */
export async function releaseRunLeases(leases: readonly Pick<LeasedRun, "id" | "leaseToken">[], now: Date, db: Db = prisma): Promise<void> {
  if (leases.length === 0) return;
  await db.invoiceRun.updateMany({
    where: { OR: leases.map((lease) => ({ id: lease.id, leaseToken: lease.leaseToken })) },
    data: { leaseOwner: null, leaseExpiresAt: null, leaseToken: null, nextAttemptAt: now },
  });
}

// ---------------------------------------------------------------------------
// moved from merchant-views: read-only query behind the merchant's home
// ---------------------------------------------------------------------------

/** The shop's runs in `states`, most recently changed first (at most `take`). */
export async function runsInStates(shopId: string, states: readonly RunState[], take: number, db: Db = prisma): Promise<Run[]> {
  const rows = await db.invoiceRun.findMany({
    where: { shopId, state: { in: [...states] } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take,
  });
  return rows.map(parseRun);
}

/** Whether the shop has at least one run in `states` (the home page's setup guide: "first invoice sent"). */
export async function shopHasRunInStates(shopId: string, states: readonly RunState[], db: Db = prisma): Promise<boolean> {
  const row = await db.invoiceRun.findFirst({ where: { shopId, state: { in: [...states] } }, select: { id: true } });
  return row !== null;
}

// ---------------------------------------------------------------------------
// The Shopify invoice rail's webhooks (app/services/shopify/invoice-status.server.ts)
// ---------------------------------------------------------------------------

export type ShopifyRailRun = { id: string; shopId: string; templateId: string; state: RunState; invoiceId: string | null; invoiceNumber: string | null };

/**
 * The run of the shop (by domain) whose draft order is `invoiceId`, or whose
 * id is `runId` (an order carries its run's tag): never another shop's.
 */
export async function findShopifyRailRun(shopDomain: string, by: { invoiceId: string } | { runId: string }, db: Db = prisma): Promise<ShopifyRailRun | null> {
  const row = await db.invoiceRun.findFirst({
    where: { shop: { domain: shopDomain }, ...("invoiceId" in by ? { invoiceId: by.invoiceId } : { id: by.runId }) },
    select: { id: true, shopId: true, templateId: true, state: true, invoiceId: true, invoiceNumber: true },
  });
  return row && { ...row, state: z.enum(RUN_STATES).parse(row.state) };
}

/**
 * customers/redact on the Shopify rail: the run's `customerId` is the
 * customer's Shopify GID (the Stripe rail's is the merchant's own Stripe
 * record, kept); it becomes the rail's "no customer" marker.
 */
export async function eraseShopifyCustomerOfRun(runId: string, tx: Db): Promise<void> {
  await tx.invoiceRun.updateMany({ where: { id: runId, customerId: { startsWith: "gid://shopify/Customer/" } }, data: { customerId: "shopify:none" } });
}

// ---------------------------------------------------------------------------
// Operations: what /metrics reports (app/services/health/collect-metrics.server.ts)
// ---------------------------------------------------------------------------

/** How many runs are in each state (states without runs are absent). */
export async function countRunsByState(db: Db = prisma): Promise<Map<string, number>> {
  const rows = await db.invoiceRun.groupBy({ by: ["state"], _count: { _all: true } });
  return new Map(rows.map((row) => [row.state, row._count._all]));
}

/** Runs due for work now and not held by a live lease: the workers' backlog. */
export async function countRunsAwaitingWork(now: Date, db: Db = prisma): Promise<number> {
  return db.invoiceRun.count({ where: { state: { in: ["planned", "issuing"] }, nextAttemptAt: { lte: now } } });
}

/**
 * Up to `limit` runs due for work still held by a lease that expired before
 * `now` (their worker died or stalled mid-run): the next claim takes them over.
 * Read before a claim, for the takeover counter of /metrics.
 */
export async function expiredLeaseRunIds(now: Date, limit: number, db: Db = prisma): Promise<Set<string>> {
  const rows = await db.invoiceRun.findMany({
    where: { state: { in: ["planned", "issuing"] }, nextAttemptAt: { lte: now }, leaseOwner: { not: null }, leaseExpiresAt: { lt: now } },
    select: { id: true },
    take: limit,
  });
  return new Set(rows.map((row) => row.id));
}

/** Runs still leased whose lease expired before `now` (a stuck or dead worker's). */
export async function countExpiredLeasesOverall(now: Date, db: Db = prisma): Promise<number> {
  return db.invoiceRun.count({ where: { leaseOwner: { not: null }, leaseExpiresAt: { lt: now } } });
}
