// Recurring templates: every Prisma query on RecurringTemplate lives here.
//
// Tenant sealing: every function that takes an id a client could have sent
// also takes the shop id and matches both, so another shop's id finds nothing.
// The worker's functions take ids it read itself from the due claim.
//
// Every function takes the database (or the transaction in progress) as its
// last argument; those that must run inside a transaction require it.
import { z } from "zod";
import { Prisma, type RecurringTemplate } from "@prisma/client";
import prisma, { databaseDialect } from "~/db.server";
import type { CustomerSubject } from "~/domain/customer-subject";
import type { ShippingSnapshot, TemplateLine } from "~/domain/invoice-draft";
import { PRODUCT_VARIANT_GID } from "~/domain/order-snapshot";
import type { Schedule, ScheduleUnit } from "~/domain/schedule";
import { addressInput, CATCH_UP_POLICIES, companyInput, type CatchUpPolicy } from "~/domain/template-input";
import { claimDueTemplatesPostgresSql, type ClaimLease } from "./hot-sql.server";

type Db = Prisma.TransactionClient;

export const TEMPLATE_STATUSES = ["active", "paused", "ended", "cancelled"] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

// The catch-up rule belongs to the template input; re-exported for the code that reads it with the row.
export { CATCH_UP_POLICIES, type CatchUpPolicy };

// ---------------------------------------------------------------------------
// JSON snapshots (validated at read: a column that does not parse is a bug or
// a bad migration, and must stop the work on that row loudly)
// ---------------------------------------------------------------------------

/** The customer's address as the order had it (the template input's own shape). */
export const addressSnapshotSchema = addressInput;

/** The customer as the order had it. After customers/redact: name and email "[redacted]", no address. */
export const customerSnapshotSchema = z.object({
  shopifyCustomerId: z.string().optional(),
  name: z.string(),
  email: z.string(),
  locale: z.string().optional(),
  address: addressSnapshotSchema.optional(),
  /** B2B: the company location billed (the contact's id is personal data: erased with the rest, see redactedCustomer). */
  company: companyInput.optional(),
});
export type CustomerSnapshot = z.infer<typeof customerSnapshotSchema>;

export const taxLineSnapshotSchema = z.object({ title: z.string(), ratePercent: z.string() });

export const templateLineSnapshotSchema = z.object({
  title: z.string(),
  variantTitle: z.string().optional(),
  sku: z.string().optional(),
  /** Absent in lines stored before variants were recorded: those are written back as custom lines. */
  variantId: z.string().regex(PRODUCT_VARIANT_GID).optional(),
  quantity: z.number().int(),
  unitAmount: z.number().int(),
  discountAmount: z.number().int(),
  taxLines: z.array(taxLineSnapshotSchema),
}) satisfies z.ZodType<TemplateLine>;

export const shippingSnapshotSchema = z.object({
  title: z.string(),
  amount: z.number().int(),
  discountAmount: z.number().int(),
  taxLines: z.array(taxLineSnapshotSchema),
}) satisfies z.ZodType<ShippingSnapshot>;

const templateLinesSchema = z.array(templateLineSnapshotSchema);

/** A template row with its JSON columns parsed and its schedule assembled. */
export type Template = Omit<RecurringTemplate, "customer" | "lines" | "shipping" | "status" | "catchUpPolicy"> & {
  status: TemplateStatus;
  catchUpPolicy: CatchUpPolicy | null;
  customer: CustomerSnapshot;
  lines: TemplateLine[];
  shipping: ShippingSnapshot | null;
  schedule: Schedule;
};

/** @throws ZodError naming the column when a stored snapshot does not parse. */
export function parseTemplate(row: RecurringTemplate): Template {
  const { customer, lines, shipping, status, catchUpPolicy, ...rest } = row;
  return {
    ...rest,
    status: z.enum(TEMPLATE_STATUSES).parse(status),
    catchUpPolicy: catchUpPolicy === null ? null : z.enum(CATCH_UP_POLICIES).parse(catchUpPolicy),
    customer: customerSnapshotSchema.parse(JSON.parse(customer)),
    lines: templateLinesSchema.parse(JSON.parse(lines)),
    shipping: shipping === null ? null : shippingSnapshotSchema.parse(JSON.parse(shipping)),
    schedule: scheduleOf(row),
  };
}

function scheduleOf(row: RecurringTemplate): Schedule {
  const schedule: Schedule = {
    every: row.scheduleEvery,
    unit: row.scheduleUnit as ScheduleUnit,
    anchor: row.scheduleAnchor,
    timeOfDay: row.scheduleTimeOfDay,
    timeZone: row.scheduleTimeZone,
  };
  const end: NonNullable<Schedule["end"]> = {};
  if (row.scheduleEndAfterCount !== null) end.afterCount = row.scheduleEndAfterCount;
  if (row.scheduleEndUntil !== null) end.until = row.scheduleEndUntil;
  if (end.afterCount !== undefined || end.until !== undefined) schedule.end = end;
  return schedule;
}

/** The columns that store `schedule` (a validated one: see app/domain/schedule.ts). */
export function scheduleColumns(schedule: Schedule) {
  return {
    scheduleEvery: schedule.every,
    scheduleUnit: schedule.unit,
    scheduleAnchor: schedule.anchor,
    scheduleTimeOfDay: schedule.timeOfDay,
    scheduleTimeZone: schedule.timeZone,
    scheduleEndAfterCount: schedule.end?.afterCount ?? null,
    scheduleEndUntil: schedule.end?.until ?? null,
  };
}

/** The columns that store a customer snapshot, with the identifiers copied out for lookups. */
export function customerColumns(customer: CustomerSnapshot) {
  return {
    customer: JSON.stringify(customer),
    shopifyCustomerId: customer.shopifyCustomerId ?? null,
    customerEmail: customer.email.toLowerCase(),
  };
}

// ---------------------------------------------------------------------------
// Merchant-facing queries (scoped by shop)
// ---------------------------------------------------------------------------

/** The template if it belongs to the shop; null for an unknown id or another shop's. */
export async function findTemplateForShop(shopId: string, templateId: string, db: Db = prisma): Promise<Template | null> {
  const row = await db.recurringTemplate.findFirst({ where: { id: templateId, shopId } });
  return row && parseTemplate(row);
}

export type NewTemplate = Prisma.RecurringTemplateUncheckedCreateInput;
export type TemplateChanges = Prisma.RecurringTemplateUncheckedUpdateInput;

/** @throws Prisma's P2002 when `data.id` is taken (see {@link isTemplateIdTaken}). */
export async function insertTemplate(data: NewTemplate, tx: Db): Promise<Template> {
  return parseTemplate(await tx.recurringTemplate.create({ data }));
}

/** True for the error of an insert whose id another template already has (a concurrent create with the same idempotency key). */
export function isTemplateIdTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * Takes the template's row for writing, before anything is read in the
 * transaction, by bumping its version; false if no row of the shop matches
 * `where` (unknown id, another shop's, or not in an allowed status).
 *
 * Why write first: on SQLite (WAL) a transaction that reads and then writes
 * fails with SQLITE_BUSY at once if another process wrote in between, while
 * one that starts by writing waits for the lock (busy timeout). On PostgreSQL
 * the UPDATE takes the row lock, which serialises a merchant's action with the
 * scheduler's planning of the same template.
 */
export async function lockTemplateForShop(shopId: string, templateId: string, statuses: readonly TemplateStatus[], tx: Db): Promise<boolean> {
  const { count } = await tx.recurringTemplate.updateMany({
    where: { id: templateId, shopId, status: { in: [...statuses] } },
    data: { version: { increment: 1 } },
  });
  return count === 1;
}

export async function updateTemplate(templateId: string, data: TemplateChanges, tx: Db): Promise<Template> {
  return parseTemplate(await tx.recurringTemplate.update({ where: { id: templateId }, data }));
}

/** Ids of the shop's templates in one of `statuses`. */
export async function templateIdsOfShop(shopId: string, statuses: readonly TemplateStatus[], db: Db = prisma): Promise<string[]> {
  const rows = await db.recurringTemplate.findMany({
    where: { shopId, status: { in: [...statuses] } },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

const CUSTOMER_GID_PREFIX = "gid://shopify/Customer/";

/**
 * Both spellings of a Shopify customer id: compliance webhooks send the
 * numeric id ("7001"), the Admin GraphQL API (where snapshots come from) the
 * GID ("gid://shopify/Customer/7001").
 */
function customerIdForms(id: string): string[] {
  if (id.startsWith(CUSTOMER_GID_PREFIX)) return [id, id.slice(CUSTOMER_GID_PREFIX.length)];
  return [id, `${CUSTOMER_GID_PREFIX}${id}`];
}

/** The shop's templates whose customer snapshot is this customer's (by Shopify id or e-mail). */
export async function findTemplatesOfCustomer(shopId: string, subject: CustomerSubject, db: Db = prisma): Promise<Template[]> {
  const or: Prisma.RecurringTemplateWhereInput[] = [];
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: { in: customerIdForms(subject.shopifyCustomerId) } });
  if (subject.email) or.push({ customerEmail: subject.email.toLowerCase() });
  if (or.length === 0) return [];
  const rows = await db.recurringTemplate.findMany({ where: { shopId, OR: or }, orderBy: { createdAt: "asc" } });
  return rows.map(parseTemplate);
}

// ---------------------------------------------------------------------------
// Worker: the due claim
// ---------------------------------------------------------------------------

function leaseFree(now: Date): Prisma.RecurringTemplateWhereInput {
  return { OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }] };
}

/**
 * Step 1 of the due claim: ids of active templates due at `now` whose lease
 * is free or expired, oldest due first. Served by the (status, nextRunAt)
 * index as a range scan that stops after `limit` rows, so its cost does not
 * grow with the number of templates (see bench/).
 */
export async function selectDueTemplateIds(now: Date, limit: number, db: Db = prisma): Promise<string[]> {
  const rows = await db.recurringTemplate.findMany({
    where: { status: "active", nextRunAt: { lte: now }, ...leaseFree(now) },
    orderBy: { nextRunAt: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/**
 * Step 2: takes the lease on those of `ids` still free, in one conditional
 * UPDATE, under the claim's token (fresh per claim, see leaseRuns in
 * invoice-run.server.ts for why a token and not the worker id); a
 * concurrent worker that got there first keeps its rows.
 *
 * Deliberately no condition on status or nextRunAt here: with one, SQLite's
 * planner serves the UPDATE from the (status, nextRunAt) index and walks
 * every due template instead of looking up `ids` by primary key (a claim 6×
 * slower at 1M templates). The planning transaction re-checks both.
 */
export async function leaseTemplates(ids: string[], claim: { owner: string; token: string }, now: Date, until: Date, db: Db = prisma): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await db.recurringTemplate.updateMany({
    where: { id: { in: ids }, ...leaseFree(now) },
    data: { leaseOwner: claim.owner, leaseToken: claim.token, leaseExpiresAt: until },
  });
  return count;
}

/**
 * The due claim: ids of up to `limit` active templates due at `now` whose
 * lease this claim took (`lease`: owner, fresh token, expiry), oldest due
 * first. PostgreSQL: one UPDATE of rows selected FOR UPDATE SKIP LOCKED
 * (hot-sql.server.ts), so concurrent workers split the due templates between
 * them. SQLite (one writer at a time): select the due ids, lease those still
 * free in one conditional UPDATE, re-read what the token won.
 */
export async function claimDueTemplateIds(now: Date, limit: number, lease: ClaimLease, db: Db = prisma): Promise<string[]> {
  if (limit <= 0) return [];
  if (databaseDialect === "postgres") {
    const rows = await db.$queryRaw<{ id: string }[]>(claimDueTemplatesPostgresSql(now, limit, lease));
    return rows.map((row) => row.id);
  }
  const candidates = await selectDueTemplateIds(now, limit, db);
  await leaseTemplates(candidates, lease, now, lease.until, db);
  return templateIdsLeasedBy(candidates, lease.token, db);
}

/** Step 3: the ids among `ids` whose lease the claim of `token` took, oldest due first. */
export async function templateIdsLeasedBy(ids: string[], token: string, db: Db = prisma): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.recurringTemplate.findMany({
    where: { id: { in: ids }, leaseToken: token },
    orderBy: { nextRunAt: "asc" },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/**
 * Inside the planning transaction, before any read: takes the row for
 * writing (see {@link lockTemplateForShop}) if the lease is still the one of
 * `token` and the template still active; false otherwise (a merchant paused
 * it meanwhile, or the lease expired and another claim took it — by any
 * worker, this one included).
 */
export async function lockLeasedTemplate(templateId: string, token: string, tx: Db): Promise<boolean> {
  const { count } = await tx.recurringTemplate.updateMany({
    where: { id: templateId, leaseToken: token, status: "active" },
    data: { version: { increment: 1 } },
  });
  return count === 1;
}

/** The template and its shop's settings (for the default catch-up policy), read for planning. */
export async function findTemplateForPlanning(templateId: string, tx: Db): Promise<{ template: Template; shopSettings: string } | null> {
  const row = await tx.recurringTemplate.findUnique({ where: { id: templateId }, include: { shop: { select: { settings: true } } } });
  if (!row) return null;
  const { shop, ...template } = row;
  return { template: parseTemplate(template), shopSettings: shop.settings };
}

/** The columns of a write that gives a template's lease back. */
export function releasedTemplateLease() {
  return { leaseOwner: null, leaseExpiresAt: null, leaseToken: null };
}

/** Gives back the leases of the claim of `token` on `ids` (graceful shutdown, abandoned planning). */
export async function releaseTemplateLeases(ids: string[], token: string, db: Db = prisma): Promise<void> {
  if (ids.length === 0) return;
  await db.recurringTemplate.updateMany({
    where: { id: { in: ids }, leaseToken: token },
    data: releasedTemplateLease(),
  });
}

/**
 * The sweep of expired planning leases (see sweepExpiredPlanningLeases in
 * app/worker/scheduler.ts): gives back every template lease that expired
 * before `now`, whoever took it and whatever the template's status or due
 * date; returns how many. Served by the (leaseExpiresAt) index: a range scan
 * over the rows whose lease ran out, however many templates there are.
 *
 * Safe beside a live claim: a lease is only ever taken with a later expiry
 * than the clock of whoever takes it, and the condition is on the expiry
 * itself (PostgreSQL re-checks it on a row a concurrent claim just re-leased,
 * and leaves that row), so a lease still running is never cleared. A planner
 * whose lease expired and was swept finds its token gone and writes nothing.
 */
export async function releaseExpiredTemplateLeases(now: Date, db: Db = prisma): Promise<number> {
  const { count } = await db.recurringTemplate.updateMany({
    where: { leaseExpiresAt: { lt: now } },
    data: releasedTemplateLease(),
  });
  return count;
}

/** Planning leases expired at `now` and not yet swept (for /metrics; the (leaseExpiresAt) index serves it). */
export async function countExpiredTemplateLeases(now: Date, db: Db = prisma): Promise<number> {
  return db.recurringTemplate.count({ where: { leaseExpiresAt: { lt: now } } });
}

// ---------------------------------------------------------------------------
// Read-only queries behind the merchant's pages (home, templates list),
// scoped by shop
// ---------------------------------------------------------------------------

/** Where a page of the templates list starts: the (createdAt, id) of the row next to it. Stable: it names a row, not an offset. */
export type TemplateCursor = { createdAt: Date; id: string };

/**
 * One page of the shop's templates, newest first (createdAt, then id),
 * optionally only some statuses: the first page, the page `after` a row
 * (older ones), or the page `before` a row (newer ones). Keyset paging: the
 * index (shopId[, status], createdAt, id) is entered at the cursor, so a
 * page deep in the list costs what the first one does. `more` says whether
 * rows lie beyond the page in the direction it was read.
 */
export async function listTemplatesPage(
  shopId: string,
  options: { statuses?: readonly TemplateStatus[]; after?: TemplateCursor; before?: TemplateCursor; take: number },
  db: Db = prisma,
): Promise<{ templates: Template[]; more: boolean }> {
  const cursor = options.before ?? options.after;
  const older = options.before === undefined;
  // (createdAt, id) < cursor, as a range on createdAt the index can seek, then the ties on id.
  const beyond: Prisma.RecurringTemplateWhereInput | undefined = cursor && {
    createdAt: older ? { lte: cursor.createdAt } : { gte: cursor.createdAt },
    OR: [{ createdAt: older ? { lt: cursor.createdAt } : { gt: cursor.createdAt } }, { id: older ? { lt: cursor.id } : { gt: cursor.id } }],
  };
  const direction = older ? "desc" : "asc";
  const rows = await db.recurringTemplate.findMany({
    where: { shopId, ...(options.statuses ? { status: { in: [...options.statuses] } } : {}), ...beyond },
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: options.take + 1,
  });
  const page = rows.slice(0, options.take);
  if (!older) page.reverse();
  return { templates: page.map(parseTemplate), more: rows.length > options.take };
}

/** How many templates the shop has in each status (zero included). */
export async function countTemplatesByStatus(shopId: string, db: Db = prisma): Promise<Record<TemplateStatus, number>> {
  const groups = await db.recurringTemplate.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
  const counts = Object.fromEntries(TEMPLATE_STATUSES.map((status) => [status, 0])) as Record<TemplateStatus, number>;
  for (const group of groups) {
    if ((TEMPLATE_STATUSES as readonly string[]).includes(group.status)) counts[group.status as TemplateStatus] = group._count._all;
  }
  return counts;
}

/**
 * The shop's active templates' period totals summed per currency and
 * frequency (for the monthly recurring revenue): a few rows however many
 * templates, computed by the database from one index
 * (shopId, status, currency, scheduleUnit, scheduleEvery, periodTotal).
 * Exact: a sum of integers, each group at one frequency.
 */
export async function activeTemplateAmounts(shopId: string, db: Db = prisma): Promise<{ currency: string; periodTotal: number; scheduleEvery: number; scheduleUnit: string }[]> {
  const groups = await db.recurringTemplate.groupBy({
    by: ["currency", "scheduleUnit", "scheduleEvery"],
    where: { shopId, status: "active" },
    _sum: { periodTotal: true },
  });
  return groups.map((group) => ({ currency: group.currency, scheduleUnit: group.scheduleUnit, scheduleEvery: group.scheduleEvery, periodTotal: group._sum.periodTotal ?? 0 }));
}

/** Active templates whose next invoice is due at or before `until`, soonest first (at most `take`). */
export async function activeTemplatesDueBy(shopId: string, until: Date, take: number, db: Db = prisma): Promise<Template[]> {
  const rows = await db.recurringTemplate.findMany({
    where: { shopId, status: "active", nextRunAt: { lte: until } },
    orderBy: { nextRunAt: "asc" },
    take,
  });
  return rows.map(parseTemplate);
}

/**
 * The template made from an order (`sourceOrderId`, the order's GID) in the
 * shop: the newest one still running (active or paused) when there is one,
 * else the newest; null when the order has none. Scoped by shop: another
 * shop's order id finds nothing.
 */
export async function findLatestTemplateOfOrder(shopId: string, sourceOrderId: string, db: Db = prisma): Promise<Template | null> {
  const rows = await db.recurringTemplate.findMany({ where: { shopId, sourceOrderId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 20 });
  const running = rows.find((row) => row.status === "active" || row.status === "paused");
  const row = running ?? rows[0];
  return row ? parseTemplate(row) : null;
}

/** How many of the shop's active or paused templates collect on `rail`. */
export function countLiveTemplatesOnRail(shopId: string, rail: string, db: Db = prisma): Promise<number> {
  return db.recurringTemplate.count({ where: { shopId, rail, status: { in: ["active", "paused"] } } });
}

/** The shop's templates still issuing (active or paused) that collect through `rail`. */
export async function liveTemplateIdsOnRail(shopId: string, rail: string, db: Db = prisma): Promise<string[]> {
  const rows = await db.recurringTemplate.findMany({ where: { shopId, rail, status: { in: ["active", "paused"] } }, select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((row) => row.id);
}
