// Stripe Connect's tables: customer mappings, the tax-rate cache, OAuth
// states, processed events and refused platform keys; plus the queries on
// shops and runs that connecting, disconnecting, Stripe's refusals and
// Stripe's events need.
//
// Tenant sealing: everything a merchant or a webhook can name is looked up
// with its shop (a run by invoice id AND shop ids; a state by its hash, which
// carries its shop).
import type { Prisma, Shop } from "@prisma/client";
import prisma from "~/db.server";
import { runExecute, runQuery } from "~/direct-sql.server";
import type { RunErrorCode } from "~/domain/run-errors";
import { saveStripeCustomerSql, stripeCustomerSql, type StripeCustomerMappingKey, type StripeCustomerMappingRow } from "./hot-sql.server";
import type { RunState } from "./invoice-run.server";
import { appendRunEvents, type RunEventType } from "./run-event.server";
import { sortableId } from "./sortable-id.server";
import { isUniqueViolation } from "./transaction.server";

type Db = Prisma.TransactionClient;

// ---------------------------------------------------------------------------
// Customer mappings
// ---------------------------------------------------------------------------

export type StripeCustomerKey = StripeCustomerMappingKey;
export type StripeCustomerRow = StripeCustomerMappingRow;

export async function findStripeCustomer(key: StripeCustomerKey, db: Db = prisma): Promise<StripeCustomerRow | null> {
  // Once per invoice (its customer step): hand-written, no Prisma query to compile (hot-sql.server.ts).
  const [row] = (await runQuery(db, stripeCustomerSql(key))) as StripeCustomerRow[];
  return row ? { stripeCustomerId: row.stripeCustomerId, fingerprint: row.fingerprint } : null;
}

/** Inserts or replaces the mapping; nothing when the shop no longer exists (erased meanwhile). */
export async function saveStripeCustomer(
  key: StripeCustomerKey,
  row: StripeCustomerRow & { email: string; shopifyCustomerId: string | null },
  db: Db = prisma,
): Promise<void> {
  const mapping = { stripeCustomerId: row.stripeCustomerId, fingerprint: row.fingerprint, customerEmail: row.email.trim().toLowerCase(), shopifyCustomerId: row.shopifyCustomerId };
  // One statement, the shop found inside it (none: nothing saved). Concurrent saves of one customer (two workers) do
  // not collide: tests/integration/stripe-mappings-concurrent.test.ts.
  await runExecute(db, saveStripeCustomerSql(key, mapping, sortableId(), new Date()));
}

export async function forgetStripeCustomer(key: StripeCustomerKey, db: Db = prisma): Promise<void> {
  await db.stripeCustomer.deleteMany({ where: { shop: { domain: key.shopDomain }, account: key.account, customerKey: key.customerKey } });
}

/** Who a privacy request is about. */
export type CustomerSubject = { shopifyCustomerId?: string; email?: string };

function subjectMatch(shopId: string, subject: CustomerSubject): Prisma.StripeCustomerWhereInput | null {
  const or: Prisma.StripeCustomerWhereInput[] = [];
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: subject.shopifyCustomerId });
  if (subject.email) or.push({ customerEmail: subject.email.trim().toLowerCase() });
  return or.length > 0 ? { shopId, OR: or } : null;
}

/** What the mappings hold about one customer (customers/data_request). */
export async function collectStripeCustomers(shopId: string, subject: CustomerSubject, tx: Db): Promise<unknown[]> {
  const where = subjectMatch(shopId, subject);
  if (!where) return [];
  const rows = await tx.stripeCustomer.findMany({ where, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({
    stripeAccount: row.account,
    stripeCustomerId: row.stripeCustomerId,
    shopifyCustomerId: row.shopifyCustomerId,
    email: row.customerEmail,
    createdAt: row.createdAt.toISOString(),
  }));
}

/** Forgets one customer's mappings (customers/redact); returns how many. */
export async function eraseStripeCustomers(shopId: string, subject: CustomerSubject, tx: Db): Promise<number> {
  const where = subjectMatch(shopId, subject);
  if (!where) return 0;
  const { count } = await tx.stripeCustomer.deleteMany({ where });
  return count;
}

// ---------------------------------------------------------------------------
// Tax-rate cache (per connected account)
// ---------------------------------------------------------------------------

export type StripeTaxRateKey = { account: string; percentage: string; inclusive: boolean; displayName: string };

export async function findStripeTaxRate(key: StripeTaxRateKey, db: Db = prisma): Promise<string | null> {
  const row = await db.stripeTaxRate.findUnique({ where: { account_percentage_inclusive_displayName: key }, select: { taxRateId: true } });
  return row?.taxRateId ?? null;
}

/**
 * Records the id unless one is already recorded for this identity (the first
 * writer wins). An insert whose unique violation means "already recorded",
 * not Prisma's upsert: this one (an empty update) Prisma ran as a read then
 * an insert, not as the database's own upsert (the race of prisma/orm#9972),
 * so two workers creating the same rate at once made the second fail with
 * P2002, a crash for its lane, and its run waited out its whole lease
 * (workers bench, 4 processes on PostgreSQL: 124 s for 400 invoices;
 * tests/integration/stripe-mappings-concurrent.test.ts).
 */
export async function saveStripeTaxRate(key: StripeTaxRateKey, taxRateId: string, db: Db = prisma): Promise<void> {
  try {
    await db.stripeTaxRate.create({ data: { ...key, taxRateId } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

export async function forgetStripeTaxRate(key: StripeTaxRateKey, db: Db = prisma): Promise<void> {
  await db.stripeTaxRate.deleteMany({ where: key });
}

// ---------------------------------------------------------------------------
// OAuth states
// ---------------------------------------------------------------------------

export async function insertOAuthState(
  state: { shopId: string; stateHash: string; createdAt: Date; expiresAt: Date; userId: string | null },
  db: Db = prisma,
): Promise<void> {
  await db.stripeOAuthState.create({ data: state });
}

/**
 * Binds the state to one browser (the SHA-256 of the secret in its cookie),
 * once, while it is unused, unexpired and younger than `createdAfter`: the
 * conditional update succeeds for exactly one caller.
 */
export async function bindOAuthState(stateHash: string, browserHash: string, now: Date, createdAfter: Date, db: Db = prisma): Promise<boolean> {
  const { count } = await db.stripeOAuthState.updateMany({
    where: { stateHash, usedAt: null, browserHash: null, expiresAt: { gt: now }, createdAt: { gt: createdAfter } },
    data: { browserHash },
  });
  return count === 1;
}

export type ConsumedState =
  | { outcome: "consumed"; shop: Pick<Shop, "id" | "domain">; userId: string | null }
  | { outcome: "unknown" | "expired" | "used" | "other_browser" };

/**
 * Uses the state with this hash, once, in the browser it was bound to
 * (`browserHash`): the conditional update succeeds for exactly one caller,
 * however many present it at the same time. A state presented without its
 * browser's cookie is not used up (its own browser may still complete it).
 */
export async function consumeOAuthState(stateHash: string, browserHash: string | null, now: Date, db: Db = prisma): Promise<ConsumedState> {
  const { count } = browserHash
    ? await db.stripeOAuthState.updateMany({ where: { stateHash, browserHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } })
    : { count: 0 };
  const row = await db.stripeOAuthState.findUnique({ where: { stateHash }, include: { shop: { select: { id: true, domain: true } } } });
  if (!row) return { outcome: "unknown" };
  if (count === 1) return { outcome: "consumed", shop: row.shop, userId: row.userId };
  if (row.usedAt) return { outcome: "used" };
  if (row.expiresAt <= now) return { outcome: "expired" };
  return { outcome: "other_browser" };
}

/** States past their expiry are worthless: dropped whenever a new one is made. */
export async function deleteExpiredOAuthStates(now: Date, db: Db = prisma): Promise<void> {
  await db.stripeOAuthState.deleteMany({ where: { expiresAt: { lte: now } } });
}

// ---------------------------------------------------------------------------
// Shops' billing account
// ---------------------------------------------------------------------------

/** Shops connected to this Stripe account (usually one; a merchant may connect one account to several shops). */
export function findShopsByBillingAccount(account: string, db: Db = prisma): Promise<Pick<Shop, "id" | "domain">[]> {
  return db.shop.findMany({ where: { billingAccountId: account }, select: { id: true, domain: true }, orderBy: { createdAt: "asc" } });
}

/** Stores the account Stripe just granted; a refusal recorded for the shop's previous grant is over. */
export async function setShopBillingAccount(shopId: string, account: string, tx: Db): Promise<void> {
  await tx.shop.update({
    where: { id: shopId },
    data: { billingAccountId: account, billingDisconnectedAt: null, ...NOT_REFUSED },
  });
}

/** Clears the account (and any refusal of it: the shop is simply not connected now); false when the shop had none. */
export async function clearShopBillingAccount(shopId: string, now: Date, tx: Db): Promise<boolean> {
  const { count } = await tx.shop.updateMany({
    where: { id: shopId, billingAccountId: { not: null } },
    data: { billingAccountId: null, billingDisconnectedAt: now, ...NOT_REFUSED },
  });
  return count === 1;
}

// ---------------------------------------------------------------------------
// Access refused by Stripe (app/services/invoicing/billing-hold.server.ts)
// ---------------------------------------------------------------------------

const NOT_REFUSED = { billingBlockedAt: null, billingBlockedCode: null } as const;

/**
 * Records that Stripe refuses access to `account`, on every shop connected to
 * it that has no refusal recorded yet. Returns those shops: empty when the
 * refusal was already recorded (by this or another worker), so the caller
 * reports it once per account, however many runs find out.
 */
export async function markBillingAccountRefused(account: string, code: RunErrorCode, at: Date, db: Db = prisma): Promise<Pick<Shop, "id" | "domain">[]> {
  const { count } = await db.shop.updateMany({
    where: { billingAccountId: account, billingBlockedAt: null },
    data: { billingBlockedAt: at, billingBlockedCode: code },
  });
  if (count === 0) return [];
  return db.shop.findMany({ where: { billingAccountId: account, billingBlockedAt: at }, select: { id: true, domain: true } });
}

/** Which of `accounts` Stripe refuses, as recorded on their shops. */
export async function findRefusedBillingAccounts(accounts: string[], db: Db = prisma): Promise<Set<string>> {
  if (accounts.length === 0) return new Set();
  const rows = await db.shop.findMany({
    where: { billingAccountId: { in: accounts }, billingBlockedAt: { not: null } },
    select: { billingAccountId: true },
  });
  return new Set(rows.flatMap((row) => (row.billingAccountId ? [row.billingAccountId] : [])));
}

export type ShopBillingState = Pick<Shop, "billingAccountId" | "billingBlockedAt" | "billingBlockedCode">;

export function findShopBillingState(shopId: string, db: Db = prisma): Promise<ShopBillingState | null> {
  return db.shop.findUnique({ where: { id: shopId }, select: { billingAccountId: true, billingBlockedAt: true, billingBlockedCode: true } });
}

/** Records that Stripe refused the platform key with this fingerprint; false when it was already recorded. */
export async function recordStripeKeyRefusal(keyFingerprint: string, at: Date, db: Db = prisma): Promise<boolean> {
  try {
    await db.stripeKeyRefusal.create({ data: { keyFingerprint, refusedAt: at, probedAt: at } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Since when Stripe refuses the platform key with this fingerprint; null when it does not (or no longer). */
export async function findStripeKeyRefusal(keyFingerprint: string, db: Db = prisma): Promise<Date | null> {
  const row = await db.stripeKeyRefusal.findUnique({ where: { keyFingerprint } });
  return row?.refusedAt ?? null;
}

/**
 * Lets one caller try the refused key again, at most once per `everyMs`
 * (the conditional update succeeds for one caller, however many ask at once).
 */
export async function claimStripeKeyProbe(keyFingerprint: string, at: Date, everyMs: number, db: Db = prisma): Promise<boolean> {
  const { count } = await db.stripeKeyRefusal.updateMany({
    where: { keyFingerprint, probedAt: { lte: new Date(at.getTime() - everyMs) } },
    data: { probedAt: at },
  });
  return count === 1;
}

/**
 * Stripe accepted the key again: forgets its refusal and makes the runs it
 * held workable at once (each keeps its state and step); returns them. Empty
 * when the refusal was already forgotten (by another worker).
 */
export async function clearStripeKeyRefusal(keyFingerprint: string, now: Date, tx: Db): Promise<RunRef[]> {
  const { count } = await tx.stripeKeyRefusal.deleteMany({ where: { keyFingerprint } });
  if (count === 0) return [];
  const where: Prisma.InvoiceRunWhereInput = { state: { in: ["planned", "issuing"] }, lastErrorCode: PLATFORM_KEY_REFUSED, AND: [notLeased(now)] };
  const runs = await tx.invoiceRun.findMany({ where, select: { id: true, shopId: true, templateId: true, state: true } });
  await tx.invoiceRun.updateMany({
    where: { id: { in: runs.map((run) => run.id) } },
    data: { lastErrorCode: null, lastErrorMessage: null, nextAttemptAt: now },
  });
  return runs.map((run) => ({ ...run, state: run.state as RunState }));
}

// ---------------------------------------------------------------------------
// Runs: holding and resuming, and status from Stripe
// ---------------------------------------------------------------------------

/** The reason the pipeline records on a run waiting for a Stripe account (app/services/invoicing/issue-run.server.ts). */
const BILLING_NOT_CONNECTED = "billing_not_connected" satisfies RunErrorCode;
/** The reason it records on a run held because Stripe refuses access to the shop's account (billing-hold.server.ts). */
const BILLING_ACCOUNT_REFUSED = "billing_account_unavailable" satisfies RunErrorCode;
/** The reason it records on a run held because Stripe refuses the platform's key (billing-hold.server.ts). */
const PLATFORM_KEY_REFUSED = "stripe_auth_failed" satisfies RunErrorCode;

export type RunRef = { id: string; shopId: string; templateId: string; state: RunState };

function notLeased(now: Date): Prisma.InvoiceRunWhereInput {
  return { OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }] };
}

/**
 * Marks the shop's runs that still have to be issued as waiting for a Stripe
 * account, with the message the merchant sees. Runs a worker holds right now
 * are left to it: their next Stripe call fails as "account unavailable" and
 * the pipeline then parks them the same way. Returns the runs newly held.
 */
export async function holdRunsOfShop(shopId: string, message: string, now: Date, tx: Db): Promise<RunRef[]> {
  const where: Prisma.InvoiceRunWhereInput = {
    shopId,
    state: { in: ["planned", "issuing"] },
    // (A NULL code is "not held": NOT (code = x) alone would drop NULLs.)
    AND: [{ OR: [{ lastErrorCode: null }, { lastErrorCode: { not: BILLING_NOT_CONNECTED } }] }, notLeased(now)],
  };
  const runs = await tx.invoiceRun.findMany({ where, select: { id: true, shopId: true, templateId: true, state: true } });
  await tx.invoiceRun.updateMany({
    where: { id: { in: runs.map((run) => run.id) } },
    data: { lastErrorCode: BILLING_NOT_CONNECTED, lastErrorMessage: message },
  });
  return runs.map((run) => ({ ...run, state: run.state as RunState }));
}

/**
 * Makes the shop's runs held for lack of a Stripe account, or because Stripe
 * refused access to it, workable at once (each keeps its state and step);
 * returns them.
 */
export async function resumeHeldRunsOfShop(shopId: string, now: Date, tx: Db): Promise<RunRef[]> {
  const where: Prisma.InvoiceRunWhereInput = {
    shopId,
    state: { in: ["planned", "issuing"] },
    lastErrorCode: { in: [BILLING_NOT_CONNECTED, BILLING_ACCOUNT_REFUSED] },
    AND: [notLeased(now)],
  };
  const runs = await tx.invoiceRun.findMany({ where, select: { id: true, shopId: true, templateId: true, state: true } });
  await tx.invoiceRun.updateMany({
    where: { id: { in: runs.map((run) => run.id) } },
    data: { lastErrorCode: null, lastErrorMessage: null, nextAttemptAt: now },
  });
  return runs.map((run) => ({ ...run, state: run.state as RunState }));
}

export type InvoicedRun = RunRef & {
  invoiceId: string;
  currency: string;
  invoicePdfUrl: string | null;
  hostedInvoiceUrl: string | null;
  /** The warning the run keeps (e.g. `send_unconfirmed`), or null. */
  lastErrorCode: string | null;
};

/** The run whose Stripe invoice this is, among these shops' runs only. */
export async function findRunByInvoice(shopIds: string[], invoiceId: string, db: Db = prisma): Promise<InvoicedRun | null> {
  const row = await db.invoiceRun.findFirst({
    where: { invoiceId, shopId: { in: shopIds } },
    select: {
      id: true,
      shopId: true,
      templateId: true,
      state: true,
      invoiceId: true,
      currency: true,
      invoicePdfUrl: true,
      hostedInvoiceUrl: true,
      lastErrorCode: true,
    },
  });
  return row && { ...row, state: row.state as RunState, invoiceId };
}

/**
 * Moves the run from `from` to `to` (and stores the invoice's links when
 * given); false when the run is no longer in `from` (someone moved it first).
 */
export async function moveRunState(
  runId: string,
  from: RunState,
  to: RunState,
  links: { hostedInvoiceUrl?: string; invoicePdfUrl?: string; invoiceNumber?: string },
  tx: Db,
): Promise<boolean> {
  const { count } = await tx.invoiceRun.updateMany({
    where: { id: runId, state: from },
    data: { state: to, ...links, ...(from === "failed" ? { lastErrorCode: null, lastErrorMessage: null } : {}) },
  });
  return count === 1;
}

/** Clears the run's warning when it is still `code`; false when it was not (cleared meanwhile, or another). */
export async function clearRunWarning(runId: string, code: string, tx: Db): Promise<boolean> {
  const { count } = await tx.invoiceRun.updateMany({ where: { id: runId, lastErrorCode: code }, data: { lastErrorCode: null, lastErrorMessage: null } });
  return count === 1;
}

// ---------------------------------------------------------------------------
// Processed events
// ---------------------------------------------------------------------------

/**
 * Records a Stripe event as processed, in the transaction of its effect.
 * @throws Prisma P2002 when the event was already recorded (a redelivery).
 */
export async function insertStripeEvent(event: { eventId: string; shopId: string; account: string; type: string }, tx: Db): Promise<void> {
  await tx.stripeEvent.create({ data: event });
}

// ---------------------------------------------------------------------------
// Audit trail entries written by Stripe's side
// ---------------------------------------------------------------------------

/** RunEvent types this integration writes: the invoice's life after it was sent. */
export type StripeRunEventType = Extract<
  RunEventType,
  "run.sent" | "run.closed" | "run.overdue" | "run.payment_failed" | "run.resent" | "run.send_confirmed" | "run.waiting" | "run.resumed"
>;

export type StripeRunEvent = {
  run: Pick<RunRef, "id" | "shopId" | "templateId">;
  type: StripeRunEventType;
  fromState?: RunState | null;
  toState?: RunState | null;
  /** "stripe" (webhooks) or "merchant". */
  actor: string;
  cause?: string | null;
  detail?: Record<string, unknown>;
  at: Date;
};

export function appendStripeRunEvents(events: StripeRunEvent[], tx: Db): Promise<void> {
  return appendRunEvents(
    events.map(({ run, ...event }) => ({ shopId: run.shopId, templateId: run.templateId, runId: run.id, ...event })),
    tx,
  );
}