// The hand-written SQL of the worker's hottest statements, in one place: the
// pipeline's step write (writeLeasedStep in invoice-run.server.ts, once per
// step of every invoice) with the read of where its template and shop stand,
// the audit trail's insert (run-event.server.ts), the claims, the Stripe
// request slots, and the reads and writes each invoice makes once by key
// (its plan, its template's e-invoice settings, its Stripe customer mapping).
//
// Fencing: a write under a run's lease names the lease's token
// (InvoiceRun.leaseToken, fresh at every claim), never the worker's id. All
// lanes of a process share that id, and so does a process restarted with
// the same --worker-id: a check on the id would let a holder whose lease
// expired and was claimed again keep writing beside the new holder.
//
// Dialects: the statements are portable SQL except where SQLite and
// PostgreSQL differ, and there each builder takes the dialect (db.server.ts's
// databaseDialect) and returns that dialect's text:
// - PostgreSQL types a bound parameter from its context, and a parameter in a
//   derived table's VALUES has none (it becomes text: 42804 on a timestamp
//   column), so the conditional insert casts its DateTime values there;
// - the claims take their rows with one `UPDATE … WHERE id IN (SELECT … FOR
//   UPDATE SKIP LOCKED)` on PostgreSQL: concurrent workers skip each other's
//   rows instead of queueing behind them or winning nothing. SQLite has one
//   writer at a time and no row locks, so its claim stays select → conditional
//   UPDATE → re-read by token (app/models/template.server.ts, invoice-run.server.ts).
//
// Why hand-written: Prisma 6's query compiler spends ~0.5 ms of CPU compiling
// each model query (plan caching arrives in Prisma 7.4, prisma/orm#29038); a
// raw statement skips it, and a batch of them runs without an interactive
// transaction. Portable SQL (quoted identifiers, one multi-row VALUES), for
// SQLite and PostgreSQL alike; every value is a bound parameter.
//
// Tied to the schema: no identifier is spelled by hand. Table names come from
// Prisma.ModelName and column names from Prisma's generated field enums
// (Prisma.InvoiceRunScalarFieldEnum…), so a renamed column is a type error
// here. HOT_SQL_COLUMNS lists every column these statements name, and
// tests/integration/hot-sql.test.ts checks each exists in the database the
// migrations build (a migration that renames one fails there).
import { Prisma, type InvoiceRun, type RunEvent } from "@prisma/client";
import type { DatabaseKind } from "~/db-url";
import type { RunStanding } from "~/domain/run-state";

/** The SQL dialect a statement is built for. */
export type SqlDialect = DatabaseKind;

const RUN = Prisma.InvoiceRunScalarFieldEnum;
const EVENT = Prisma.RunEventScalarFieldEnum;
const TEMPLATE = Prisma.RecurringTemplateScalarFieldEnum;
const SHOP = Prisma.ShopScalarFieldEnum;
const SLOT = Prisma.StripeRequestSlotScalarFieldEnum;
const CUSTOMER = Prisma.StripeCustomerScalarFieldEnum;

/** The columns the pipeline writes on a run it holds: its step's result, its state, its lease. */
export const LEASED_RUN_COLUMNS = [
  RUN.state,
  RUN.skipReason,
  RUN.step,
  RUN.attempt,
  RUN.customerId,
  RUN.invoiceId,
  RUN.invoiceNumber,
  RUN.hostedInvoiceUrl,
  RUN.invoicePdfUrl,
  RUN.invoicedTotal,
  RUN.lastErrorCode,
  RUN.lastErrorMessage,
  RUN.leaseOwner,
  RUN.leaseExpiresAt,
  RUN.leaseToken,
  RUN.nextAttemptAt,
  RUN.keyGeneration,
  RUN.attemptStep,
  RUN.interruptions,
] as const satisfies readonly (keyof InvoiceRun)[];

export type LeasedRunWrite = Partial<Pick<InvoiceRun, (typeof LEASED_RUN_COLUMNS)[number]>>;

/** One audit-trail row as inserted: every column of RunEvent, as Prisma's model type has them. */
export type RunEventRow = RunEvent;

/** RunEvent's columns in the order of Prisma's enum; the insert names all of them. */
const RUN_EVENT_COLUMNS = Object.values(EVENT) satisfies (keyof RunEventRow)[];

/** Every column each table's hot statements name (what the schema test checks against the migrated database). */
export const HOT_SQL_COLUMNS = {
  [Prisma.ModelName.InvoiceRun]: [RUN.id, RUN.shopId, RUN.updatedAt, RUN.snapshot, RUN.currency, RUN.expectedTotal, ...LEASED_RUN_COLUMNS],
  [Prisma.ModelName.RecurringTemplate]: [
    TEMPLATE.id,
    TEMPLATE.issuedCount,
    TEMPLATE.updatedAt,
    TEMPLATE.status,
    TEMPLATE.customerRedactedAt,
    TEMPLATE.nextRunAt,
    TEMPLATE.leaseOwner,
    TEMPLATE.leaseToken,
    TEMPLATE.leaseExpiresAt,
    TEMPLATE.shopId,
    TEMPLATE.einvoice,
    TEMPLATE.scheduleEvery,
    TEMPLATE.scheduleUnit,
  ],
  [Prisma.ModelName.Shop]: [SHOP.id, SHOP.uninstalledAt, SHOP.domain],
  [Prisma.ModelName.RunEvent]: RUN_EVENT_COLUMNS,
  [Prisma.ModelName.StripeRequestSlot]: [SLOT.account, SLOT.nextSlotAt],
  [Prisma.ModelName.StripeCustomer]: Object.values(CUSTOMER),
} as const satisfies Partial<Record<Prisma.ModelName, readonly string[]>>;

type HotTable = keyof typeof HOT_SQL_COLUMNS;
type HotColumn<Table extends HotTable> = (typeof HOT_SQL_COLUMNS)[Table][number];

/** A quoted identifier. Only names from Prisma's enums reach here (the types say so), never input. */
function quoted(identifier: string): Prisma.Sql {
  return Prisma.raw(`"${identifier}"`);
}

function table(name: HotTable): Prisma.Sql {
  return quoted(name);
}

function column<Table extends HotTable>(_table: Table, name: HotColumn<Table>): Prisma.Sql {
  return quoted(name);
}

/** `"Table"."column"`, for a statement that reads two tables. */
function qualified<Table extends HotTable>(name: Table, columnName: HotColumn<Table>): Prisma.Sql {
  return Prisma.sql`${table(name)}.${column(name, columnName)}`;
}

const WRITABLE_COLUMNS = new Set<string>(LEASED_RUN_COLUMNS);

/**
 * The `updatedAt` a hand-written statement stores: what Prisma's @updatedAt
 * stamps on every other update of these tables, i.e. the machine's time and
 * not the app's clock (a test's or the demo's). Stamped one way everywhere,
 * the column compares across writers (the home page lists runs by it).
 */
export function updatedAtNow(): Date {
  return new Date();
}

/** SQL boolean: the lease of run `runId` is still the one whose token is `leaseToken` (nobody claimed the run since). */
export function leaseHeldSql(runId: string, leaseToken: string): Prisma.Sql {
  const run = Prisma.ModelName.InvoiceRun;
  return Prisma.sql`EXISTS (SELECT 1 FROM ${table(run)} WHERE ${column(run, RUN.id)} = ${runId} AND ${column(run, RUN.leaseToken)} = ${leaseToken})`;
}

/**
 * UPDATE of run `runId` with `data`, only while its lease is the one of
 * `leaseToken`, stamping `updatedAt` (see updatedAtNow). Only
 * LeasedRunWrite's columns can be named: checked here at run time too, as
 * `data` may come from a spread of a wider object.
 * @throws Error naming a column outside LEASED_RUN_COLUMNS.
 */
export function updateLeasedRunSql(runId: string, leaseToken: string, data: LeasedRunWrite, updatedAt: Date): Prisma.Sql {
  const run = Prisma.ModelName.InvoiceRun;
  const assignments = Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      if (!WRITABLE_COLUMNS.has(name)) throw new Error(`writeLeasedStep cannot write InvoiceRun.${name}`);
      return Prisma.sql`${column(run, name as (typeof LEASED_RUN_COLUMNS)[number])} = ${value}`;
    });
  assignments.push(Prisma.sql`${column(run, RUN.updatedAt)} = ${updatedAt}`);
  return Prisma.sql`UPDATE ${table(run)} SET ${Prisma.join(assignments)} WHERE ${column(run, RUN.id)} = ${runId} AND ${column(run, RUN.leaseToken)} = ${leaseToken}`;
}

/**
 * What leasedStepPostgresSql returns: one row, `stored` 1 when the run's
 * update took (its lease was still the one named), else 0; with `plan`, the
 * run's plan as that update left it (null when it did not take).
 */
export type LeasedStepRow = { stored: unknown } & Partial<RunPlanRow>;

/**
 * PostgreSQL's step write, one statement (one round trip instead of BEGIN,
 * each statement, COMMIT — five on a busy step): `runUpdate`
 * (updateLeasedRunSql) in a data-modifying WITH, and each of `alsoIfStored`
 * built with the condition "the run's update took", so nothing else is
 * written under a lease that was lost. One statement is one transaction;
 * every part sees the same snapshot and the run's row is locked by its
 * update. Returns {@link LeasedStepRow}.
 */
export function leasedStepPostgresSql(runUpdate: Prisma.Sql, alsoIfStored: ((stored: Prisma.Sql) => Prisma.Sql)[], options: { plan?: boolean } = {}): Prisma.Sql {
  const run = Prisma.ModelName.InvoiceRun;
  const stored = Prisma.sql`EXISTS (SELECT 1 FROM "stored")`;
  const planColumns = [RUN.snapshot, RUN.currency, RUN.expectedTotal].map((name) => column(run, name));
  const parts = [
    Prisma.sql`"stored" AS (${runUpdate} RETURNING ${options.plan ? Prisma.join(planColumns) : Prisma.sql`1`})`,
    ...alsoIfStored.map((build, index) => Prisma.sql`${quoted(`also${index + 1}`)} AS (${build(stored)})`),
  ];
  // The plan as the update left it: the row's newest version, locked by the update (no read after it to race with an edit).
  const plan = options.plan ? Prisma.sql`, ${Prisma.join(planColumns.map((name) => Prisma.sql`max(${name}) AS ${name}`))}` : Prisma.empty;
  return Prisma.sql`WITH ${Prisma.join(parts)} SELECT CAST(count(*) AS INTEGER) AS "stored"${plan} FROM "stored"`;
}

/** What runStandingSql returns: one row, with the raw values of the columns it names. */
export type RunStandingRow = { status: string; customerRedactedAt: unknown; uninstalledAt: unknown };

/**
 * SELECT of where a run's template and shop stand now (status, customer
 * erased, shop uninstalled): batched with the step write, in its
 * transaction, so the run sees the state as of the write that renewed its
 * lease (see writeLeasedStep).
 */
export function runStandingSql(templateId: string, shopId: string): Prisma.Sql {
  const template = Prisma.ModelName.RecurringTemplate;
  const shop = Prisma.ModelName.Shop;
  return Prisma.sql`SELECT ${qualified(template, TEMPLATE.status)}, ${qualified(template, TEMPLATE.customerRedactedAt)}, ${qualified(shop, SHOP.uninstalledAt)} FROM ${table(template)}, ${table(shop)} WHERE ${qualified(template, TEMPLATE.id)} = ${templateId} AND ${qualified(shop, SHOP.id)} = ${shopId}`;
}

/** The standing of runStandingSql's rows; null when the template or shop is gone (shop/redact). */
export function runStandingOf(rows: RunStandingRow[]): RunStanding | null {
  const [row] = rows;
  if (!row) return null;
  return { templateStatus: row.status, customerRedacted: row.customerRedactedAt !== null, shopUninstalled: row.uninstalledAt !== null };
}

/** What runPlanSql returns: at most one row. */
export type RunPlanRow = { snapshot: string; currency: string; expectedTotal: number };

/** SELECT of the plan a run's invoice is made from (its snapshot, currency and expected total), by the run's id. */
export function runPlanSql(runId: string): Prisma.Sql {
  const run = Prisma.ModelName.InvoiceRun;
  return Prisma.sql`SELECT ${column(run, RUN.snapshot)}, ${column(run, RUN.currency)}, ${column(run, RUN.expectedTotal)} FROM ${table(run)} WHERE ${column(run, RUN.id)} = ${runId}`;
}

/** What templateEInvoiceSql returns: at most one row. */
export type TemplateEInvoiceRow = { shopId: string; einvoice: string | null; scheduleEvery: number; scheduleUnit: string };

/**
 * SELECT of a template's e-invoice settings (the JSON column) and schedule,
 * by the template's id (its primary key: one row read, however many
 * templates the database holds).
 */
export function templateEInvoiceSql(templateId: string): Prisma.Sql {
  const template = Prisma.ModelName.RecurringTemplate;
  const columns = [TEMPLATE.shopId, TEMPLATE.einvoice, TEMPLATE.scheduleEvery, TEMPLATE.scheduleUnit].map((name) => column(template, name));
  return Prisma.sql`SELECT ${Prisma.join(columns)} FROM ${table(template)} WHERE ${column(template, TEMPLATE.id)} = ${templateId}`;
}

/** Which customer mapping: the shop (by its domain), the connected account, the customer's key. */
export type StripeCustomerMappingKey = { shopDomain: string; account: string; customerKey: string };
/** What stripeCustomerSql returns: at most one row. */
export type StripeCustomerMappingRow = { stripeCustomerId: string; fingerprint: string };

/** SELECT of the Stripe customer mapped to `key` (once per invoice: the customer step looks it up). */
export function stripeCustomerSql(key: StripeCustomerMappingKey): Prisma.Sql {
  const customer = Prisma.ModelName.StripeCustomer;
  const shop = Prisma.ModelName.Shop;
  return Prisma.sql`SELECT ${qualified(customer, CUSTOMER.stripeCustomerId)}, ${qualified(customer, CUSTOMER.fingerprint)} FROM ${table(customer)}, ${table(shop)} WHERE ${qualified(shop, SHOP.domain)} = ${key.shopDomain} AND ${qualified(customer, CUSTOMER.shopId)} = ${qualified(shop, SHOP.id)} AND ${qualified(customer, CUSTOMER.account)} = ${key.account} AND ${qualified(customer, CUSTOMER.customerKey)} = ${key.customerKey}`;
}

export type StripeCustomerMapping = { stripeCustomerId: string; fingerprint: string; customerEmail: string; shopifyCustomerId: string | null };

/**
 * INSERT of the mapping of `key`, or UPDATE of the one stored (its unique
 * key: shop, account, customer key), in one statement: two workers saving
 * the same customer at once both succeed, the last one's values stay. The
 * shop is found by its domain inside it: an unknown shop saves nothing.
 * `id` is the new row's (sortableId), `at` its createdAt and updatedAt.
 */
export function saveStripeCustomerSql(key: StripeCustomerMappingKey, mapping: StripeCustomerMapping, id: string, at: Date): Prisma.Sql {
  const customer = Prisma.ModelName.StripeCustomer;
  const shop = Prisma.ModelName.Shop;
  // No cast on PostgreSQL: an INSERT types the parameters of its own SELECT from the target columns (unlike a derived table's VALUES).
  const values: [keyof typeof CUSTOMER, Prisma.Sql][] = [
    [CUSTOMER.id, Prisma.sql`${id}`],
    [CUSTOMER.shopId, qualified(shop, SHOP.id)],
    [CUSTOMER.account, Prisma.sql`${key.account}`],
    [CUSTOMER.customerKey, Prisma.sql`${key.customerKey}`],
    [CUSTOMER.shopifyCustomerId, Prisma.sql`${mapping.shopifyCustomerId}`],
    [CUSTOMER.customerEmail, Prisma.sql`${mapping.customerEmail}`],
    [CUSTOMER.stripeCustomerId, Prisma.sql`${mapping.stripeCustomerId}`],
    [CUSTOMER.fingerprint, Prisma.sql`${mapping.fingerprint}`],
    [CUSTOMER.createdAt, Prisma.sql`${at}`],
    [CUSTOMER.updatedAt, Prisma.sql`${at}`],
  ];
  const updated = [CUSTOMER.stripeCustomerId, CUSTOMER.fingerprint, CUSTOMER.customerEmail, CUSTOMER.shopifyCustomerId, CUSTOMER.updatedAt].map(
    (name) => Prisma.sql`${column(customer, name)} = excluded.${column(customer, name)}`,
  );
  const conflict = [CUSTOMER.shopId, CUSTOMER.account, CUSTOMER.customerKey].map((name) => column(customer, name));
  return Prisma.sql`INSERT INTO ${table(customer)} (${Prisma.join(values.map(([name]) => column(customer, name)))}) SELECT ${Prisma.join(values.map(([, value]) => value))} FROM ${table(shop)} WHERE ${qualified(shop, SHOP.domain)} = ${key.shopDomain} ON CONFLICT (${Prisma.join(conflict)}) DO UPDATE SET ${Prisma.join(updated)}`;
}

/** UPDATE adding one to the template's issued count, only while `condition` holds. */
export function incrementIssuedCountSql(templateId: string, updatedAt: Date, condition: Prisma.Sql): Prisma.Sql {
  const template = Prisma.ModelName.RecurringTemplate;
  const issued = column(template, TEMPLATE.issuedCount);
  return Prisma.sql`UPDATE ${table(template)} SET ${issued} = ${issued} + 1, ${column(template, TEMPLATE.updatedAt)} = ${updatedAt} WHERE ${column(template, TEMPLATE.id)} = ${templateId} AND ${condition}`;
}

/**
 * INSERT of `rows` (at least one) into the audit trail, in order; with
 * `condition` (an SQL boolean, e.g. leaseHeldSql), only while it holds: for
 * writes batched in one transaction without a round trip to check first.
 */
export function insertRunEventsSql(dialect: SqlDialect, rows: RunEventRow[], condition?: Prisma.Sql): Prisma.Sql {
  if (rows.length === 0) throw new Error("insertRunEventsSql needs at least one row");
  const events = Prisma.ModelName.RunEvent;
  const columns = Prisma.sql`(${Prisma.join(RUN_EVENT_COLUMNS.map((name) => column(events, name)))})`;
  // PostgreSQL: a parameter in VALUES of a derived table has no type to take but text (see the top of this file).
  const value = (row: RunEventRow, name: (typeof RUN_EVENT_COLUMNS)[number]) =>
    dialect === "postgres" && name === EVENT.at ? Prisma.sql`CAST(${row[name]} AS TIMESTAMP(3))` : Prisma.sql`${row[name]}`;
  const values = Prisma.join(rows.map((row) => Prisma.sql`(${Prisma.join(RUN_EVENT_COLUMNS.map((name) => value(row, name)))})`));
  return condition
    ? Prisma.sql`INSERT INTO ${table(events)} ${columns} SELECT * FROM (VALUES ${values}) AS "event" WHERE ${condition}`
    : Prisma.sql`INSERT INTO ${table(events)} ${columns} VALUES ${values}`;
}

/** The claiming worker and the workers alive with it: its shops' runs come first in its claim (app/domain/shop-affinity.ts, claimOrder). */
export type ClaimAffinity = { me: string; workers: readonly string[] };

/** A claim's lease: who takes it (for the trail and the pages), its fencing token, until when. */
export type ClaimLease = { owner: string; token: string; until: Date };

/**
 * PostgreSQL's due claim, one statement: leases up to `limit` active
 * templates due at `now` whose lease is free or expired, oldest due first,
 * skipping rows another claim has locked right now (FOR UPDATE SKIP LOCKED);
 * returns their ids, oldest due first. Served by the (status, nextRunAt)
 * index, a range scan that stops after `limit` rows. The update reaches the
 * rows picked by primary key (`= ANY (ARRAY (…))`): written as `IN (…)`, the
 * planner — its statistics taken before the day's templates fell due —
 * scanned the table once per picked row (tests/postgres/claim-plans.test.ts).
 */
export function claimDueTemplatesPostgresSql(now: Date, limit: number, lease: ClaimLease): Prisma.Sql {
  const template = Prisma.ModelName.RecurringTemplate;
  const col = (name: HotColumn<typeof template>) => column(template, name);
  return Prisma.sql`WITH "claimed" AS (
  UPDATE ${table(template)} SET ${col(TEMPLATE.leaseOwner)} = ${lease.owner}, ${col(TEMPLATE.leaseToken)} = ${lease.token}, ${col(TEMPLATE.leaseExpiresAt)} = ${lease.until}
  WHERE ${col(TEMPLATE.id)} = ANY (ARRAY (
    SELECT ${col(TEMPLATE.id)} FROM ${table(template)}
    WHERE ${col(TEMPLATE.status)} = 'active' AND ${col(TEMPLATE.nextRunAt)} <= ${now}
      AND (${col(TEMPLATE.leaseOwner)} IS NULL OR ${col(TEMPLATE.leaseExpiresAt)} < ${now})
    ORDER BY ${col(TEMPLATE.nextRunAt)} LIMIT ${limit}
    FOR UPDATE SKIP LOCKED))
  RETURNING ${col(TEMPLATE.id)}, ${col(TEMPLATE.nextRunAt)})
SELECT ${col(TEMPLATE.id)} FROM "claimed" ORDER BY ${col(TEMPLATE.nextRunAt)}`;
}

/**
 * PostgreSQL's work claim for runs in `state`, one statement: leases up to
 * `limit` of them whose `nextAttemptAt` has come and whose lease is free or
 * expired, skipping rows another claim has locked right now;
 * `nextAttemptAt` moves to the lease's expiry (see leaseRuns in
 * invoice-run.server.ts). Shops take turns: among the `window` oldest
 * workable runs, each shop's oldest first, then each one's second oldest…
 * (invoice-run.server.ts, claimOrder), so one shop's backlog does not hold
 * back the others. Returns their ids in that order. Served by the
 * (state, nextAttemptAt) index; the window bounds the rows ranked. The
 * ranked rows are re-checked and locked by primary key whatever the
 * statistics say: re-checked through the index, on statistics taken before
 * the runs fell due, the planner compared every ranked run with every other
 * (2,000 due runs: 4,000,000 comparisons, 1.4 s a claim;
 * tests/postgres/claim-plans.test.ts).
 */
export function claimWorkableRunsPostgresSql(state: string, now: Date, limit: number, window: number, lease: ClaimLease, affinity?: ClaimAffinity): Prisma.Sql {
  const run = Prisma.ModelName.InvoiceRun;
  const col = (name: HotColumn<typeof run>) => column(run, name);
  const workable = (alias: Prisma.Sql) => Prisma.sql`${alias}.${col(RUN.state)} = ${state} AND ${alias}.${col(RUN.nextAttemptAt)} <= ${now}
    AND (${alias}.${col(RUN.leaseOwner)} IS NULL OR ${alias}.${col(RUN.leaseExpiresAt)} < ${now})`;
  // The same test, written so that no index can serve it (`IS TRUE`): the
  // re-check of the ranked rows reaches them by primary key (or one hash join).
  const stillWorkable = (alias: Prisma.Sql) => Prisma.sql`(${workable(alias)}) IS TRUE`;
  // With an affinity, each shop among the oldest is this worker's or not
  // (app/domain/shop-affinity.ts: the live worker with the highest
  // md5(worker, newline, shop)), its runs ranked before the others' when it is.
  const owners = affinity
    ? Prisma.sql`
"owners" AS (
  SELECT "shops".${col(RUN.shopId)}, CASE WHEN (
      SELECT "w"."worker" FROM json_array_elements_text(CAST(${JSON.stringify(affinity.workers)} AS json)) AS "w"("worker")
      ORDER BY md5("w"."worker" || chr(10) || "shops".${col(RUN.shopId)}) DESC, "w"."worker" DESC LIMIT 1) = ${affinity.me} THEN 0 ELSE 1 END AS "away"
  FROM (SELECT DISTINCT ${col(RUN.shopId)} FROM "oldest") AS "shops"),`
    : Prisma.empty;
  const away = affinity ? Prisma.sql`"owners"."away"` : Prisma.sql`0 AS "away"`;
  return Prisma.sql`WITH "oldest" AS (
  SELECT ${col(RUN.id)}, ${col(RUN.shopId)}, ${col(RUN.nextAttemptAt)} FROM ${table(run)}
  WHERE ${workable(table(run))}
  ORDER BY ${col(RUN.nextAttemptAt)} LIMIT ${window}),${owners}
"turns" AS (
  SELECT ${col(RUN.id)}, ${col(RUN.nextAttemptAt)}, ${away},
    ROW_NUMBER() OVER (PARTITION BY ${col(RUN.shopId)} ORDER BY ${col(RUN.nextAttemptAt)}, ${col(RUN.id)}) AS "turn"
  FROM "oldest"${affinity ? Prisma.sql` JOIN "owners" USING (${col(RUN.shopId)})` : Prisma.empty}),
"picked" AS (
  SELECT ${table(run)}.${col(RUN.id)}, "turns"."away", "turns"."turn", "turns".${col(RUN.nextAttemptAt)} FROM ${table(run)} JOIN "turns" ON "turns".${col(RUN.id)} = ${table(run)}.${col(RUN.id)}
  WHERE ${stillWorkable(table(run))}
  ORDER BY "turns"."away", "turns"."turn", "turns".${col(RUN.nextAttemptAt)}, ${table(run)}.${col(RUN.id)} LIMIT ${limit}
  FOR UPDATE OF ${table(run)} SKIP LOCKED),
"claimed" AS (
  UPDATE ${table(run)} SET ${col(RUN.leaseOwner)} = ${lease.owner}, ${col(RUN.leaseToken)} = ${lease.token}, ${col(RUN.leaseExpiresAt)} = ${lease.until}, ${col(RUN.nextAttemptAt)} = ${lease.until}
  FROM "picked" WHERE ${table(run)}.${col(RUN.id)} = "picked".${col(RUN.id)}
  RETURNING "picked".${col(RUN.id)}, "picked"."away", "picked"."turn", "picked".${col(RUN.nextAttemptAt)})
SELECT ${col(RUN.id)} FROM "claimed" ORDER BY "away", "turn", ${col(RUN.nextAttemptAt)}, ${col(RUN.id)}`;
}

/** What reserveRequestSlotSql returns: the first reserved slot and the database's clock, both in ms since the epoch. */
export type RequestSlotRow = { slotAt: number; now: number };

/**
 * Reserves the next `count` request slots of Stripe account `account` (the
 * shared rate limit, app/models/stripe-request-slot.server.ts): one atomic
 * upsert that takes the first slot at max(nextSlotAt, now + leadMs), the
 * others one spacing after each other, moves `nextSlotAt` one spacing after
 * the last, and returns the first with the database's clock, so that every
 * process reads one clock whatever its own says. Dialects differ
 * in the clock and in max(): PostgreSQL's clock_timestamp() and GREATEST;
 * SQLite's julianday('now') (fixed within one statement) and max().
 */
export function reserveRequestSlotSql(dialect: SqlDialect, account: string, spacingMs: number, leadMs: number, count = 1): Prisma.Sql {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a reservation takes a whole number of slots ≥ 1, not ${count}`);
  const slots = Prisma.ModelName.StripeRequestSlot;
  const next = column(slots, SLOT.nextSlotAt);
  const key = column(slots, SLOT.account);
  // How far the reservation moves nextSlotAt: one spacing per slot it takes.
  const spanMs = spacingMs * count;
  if (dialect === "postgres") {
    const nowMs = Prisma.sql`(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::DOUBLE PRECISION`;
    const span = Prisma.sql`CAST(${spanMs} AS DOUBLE PRECISION)`;
    const earliest = Prisma.sql`(${nowMs} + CAST(${leadMs} AS DOUBLE PRECISION))`;
    return Prisma.sql`INSERT INTO ${table(slots)} AS "slot" (${key}, ${next}) VALUES (${account}, ${earliest} + ${span})
ON CONFLICT (${key}) DO UPDATE SET ${next} = GREATEST("slot".${next}, EXCLUDED.${next} - ${span}) + ${span}
RETURNING "slot".${next} - ${span} AS "slotAt", ${nowMs} AS "now"`;
  }
  const nowMs = Prisma.sql`((julianday('now') - 2440587.5) * 86400000.0)`;
  return Prisma.sql`INSERT INTO ${table(slots)} (${key}, ${next}) VALUES (${account}, ${nowMs} + ${leadMs} + ${spanMs})
ON CONFLICT (${key}) DO UPDATE SET ${next} = max(${next}, excluded.${next} - ${spanMs}) + ${spanMs}
RETURNING ${next} - ${spanMs} AS "slotAt", ${nowMs} AS "now"`;
}
