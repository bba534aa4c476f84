// The worker's hand-written SQL (app/models/hot-sql.server.ts) against the
// database the committed migrations build, in each dialect: this file runs
// in both vitest projects, on this file's own SQLite copy or PostgreSQL
// database (setup-env.ts). A migration that renames or drops a column these
// statements name fails here, by name, instead of at the first invoice a
// worker tries to store; a statement one dialect refuses (a parameter typed
// text where a timestamp goes, a lock clause SQLite lacks) fails here too.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import prisma, { configureDatabase, databaseDialect } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import {
  claimDueTemplatesPostgresSql,
  claimWorkableRunsPostgresSql,
  HOT_SQL_COLUMNS,
  incrementIssuedCountSql,
  insertRunEventsSql,
  LEASED_RUN_COLUMNS,
  leasedStepPostgresSql,
  leaseHeldSql,
  reserveRequestSlotSql,
  runPlanSql,
  runStandingSql,
  saveStripeCustomerSql,
  stripeCustomerSql,
  templateEInvoiceSql,
  updateLeasedRunSql,
  type LeasedRunWrite,
  type RunEventRow,
} from "~/models/hot-sql.server";
import { logger } from "~/logger.server";
import { planTemplatePeriods } from "~/services/invoicing/plan-periods.server";
import { reserveStripeRequestSlot } from "~/models/stripe-request-slot.server";
import { createTemplate } from "~/services/templates/create.server";
import { writeLeasedStep } from "~/models/invoice-run.server";
import { findIssuingEInvoiceContext, findTemplateEInvoiceContext, saveTemplateEInvoice } from "~/models/einvoice.server";
import { findStripeCustomer, saveStripeCustomer } from "~/models/stripe.server";
import { claimWorkableRuns } from "~/worker/run-lanes";
import { claimDueTemplates } from "~/worker/scheduler";
import { createShop, templateInput } from "../helpers/recurring";

/** The database of this file's vitest project (vitest.config.ts). */
const TEST_DATABASE = process.env.RITOURNELLE_TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

const now = new Date("2026-01-01T00:00:00Z");
const lease = { owner: "worker:test", token: "token", until: new Date("2026-01-01T00:01:00Z") };
const row: RunEventRow = {
  id: "c1",
  shopId: "shop",
  templateId: "template",
  runId: "run",
  type: "run.sent",
  fromState: "issuing",
  toState: "sent",
  actor: "worker:test",
  cause: null,
  detail: null,
  at: now,
};
/** A write naming every column the pipeline may write. */
const everyColumn = Object.fromEntries(LEASED_RUN_COLUMNS.map((column) => [column, null])) as LeasedRunWrite;

/** Every statement the module builds for this file's dialect, in each of its shapes. */
function hotStatements(ids = { shopId: "shop", templateId: "template" }): Record<string, Prisma.Sql> {
  const leaseHeld = leaseHeldSql("run", "worker");
  const event = { ...row, ...ids, runId: null };
  const portable = {
    leaseHeld: Prisma.sql`SELECT ${leaseHeld}`,
    updateLeasedRun: updateLeasedRunSql("run", "worker", everyColumn, now),
    incrementIssuedCount: incrementIssuedCountSql(ids.templateId, now, leaseHeld),
    insertRunEvents: insertRunEventsSql(databaseDialect, [{ ...event, id: "c1" }, { ...event, id: "c2" }]),
    insertRunEventsIf: insertRunEventsSql(databaseDialect, [{ ...event, id: "c3" }], Prisma.sql`NOT ${leaseHeld}`),
    runStanding: runStandingSql(ids.templateId, ids.shopId),
    runPlan: runPlanSql("run"),
    templateEInvoice: templateEInvoiceSql(ids.templateId),
    stripeCustomer: stripeCustomerSql({ shopDomain: "hot-sql.myshopify.com", account: "acct_hot_sql", customerKey: "gid://shopify/Customer/1" }),
    saveStripeCustomer: saveStripeCustomerSql(
      { shopDomain: "hot-sql.myshopify.com", account: "acct_hot_sql", customerKey: "gid://shopify/Customer/1" },
      { stripeCustomerId: "cus_1", fingerprint: "f", customerEmail: "a@example.fr", shopifyCustomerId: null },
      "c_hot_sql_customer",
      now,
    ),
    reserveRequestSlot: reserveRequestSlotSql(databaseDialect, "acct_hot_sql", 42, 10),
    reserveRequestSlots: reserveRequestSlotSql(databaseDialect, "acct_hot_sql", 42, 10, 5),
  };
  if (databaseDialect !== "postgres") return portable;
  return {
    ...portable,
    claimDueTemplates: claimDueTemplatesPostgresSql(now, 10, lease),
    claimWorkableRuns: claimWorkableRunsPostgresSql("planned", now, 10, 1_000, lease),
    claimWorkableRunsWithAffinity: claimWorkableRunsPostgresSql("planned", now, 10, 1_000, lease, { me: "w1", workers: ["w1", "w2"] }),
    leasedStep: leasedStepPostgresSql(updateLeasedRunSql("run", "worker", everyColumn, now), [
      (stored) => insertRunEventsSql(databaseDialect, [{ ...event, id: "c4" }], stored),
      (stored) => incrementIssuedCountSql(ids.templateId, now, stored),
    ]),
    leasedStepReadingPlan: leasedStepPostgresSql(updateLeasedRunSql("run", "worker", { state: "issuing" }, now), [], { plan: true }),
  };
}

async function columnsOf(table: string): Promise<string[]> {
  if (databaseDialect === "postgres") {
    const rows = await prisma.$queryRaw<{ column_name: string }[]>`SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`;
    return rows.map((column) => column.column_name);
  }
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(`PRAGMA table_info("${table}")`);
  return rows.map((column) => column.name);
}

/** Runs `statement` in a transaction that is rolled back: the database parsed, planned and executed it. */
async function executeAndRollBack(statement: Prisma.Sql): Promise<void> {
  const rollback = new Error("rollback");
  await expect(
    prisma.$transaction(async (tx) => {
      await tx.$queryRaw(statement);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}

describe(`the hot SQL and the migrated schema (${TEST_DATABASE})`, () => {
  it("this file runs on the database its project names", () => {
    expect(databaseDialect).toBe(TEST_DATABASE);
  });

  it("every column the statements name exists in the migrated database", async () => {
    const missing: Record<string, string[]> = {};
    for (const [table, columns] of Object.entries(HOT_SQL_COLUMNS)) {
      const existing = await columnsOf(table);
      expect(existing, `table ${table}`).not.toEqual([]);
      const absent = columns.filter((column) => !existing.includes(column));
      if (absent.length > 0) missing[table] = absent;
    }
    expect(missing, "columns named by app/models/hot-sql.server.ts but missing from the migrations").toEqual({});
  });

  it("the statements name no identifier beyond those tables and columns", () => {
    const known = new Set<string>([...Object.keys(HOT_SQL_COLUMNS), ...Object.values(HOT_SQL_COLUMNS).flat(), "event", "claimed", "picked", "oldest", "turns", "turn", "away", "owners", "shops", "w", "worker", "slot", "slotAt", "now", "stored", "also1", "also2"]);
    for (const [name, statement] of Object.entries(hotStatements())) {
      const identifiers = [...statement.sql.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
      expect(identifiers.length, name).toBeGreaterThan(0);
      expect(identifiers.filter((identifier) => !known.has(identifier)), name).toEqual([]);
    }
  });

  it("the database executes every statement of its dialect", async () => {
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock: new ManualClock("2026-01-10T10:00:00Z") });
    for (const [name, statement] of Object.entries(hotStatements({ shopId: shop.id, templateId: template.id }))) {
      await executeAndRollBack(statement).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`, { cause: error });
      });
    }
  });
});

describe(`the hot statements' effects (${TEST_DATABASE})`, () => {
  it("the conditional audit insert stores each event with its instant while the condition holds, and nothing otherwise", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    const event = (id: string, at: string): RunEventRow => ({ ...row, id, shopId: shop.id, templateId: template.id, runId: null, at: new Date(at) });

    await prisma.$executeRaw(insertRunEventsSql(databaseDialect, [event("e1", "2026-01-15T08:00:00.123Z"), event("e2", "2026-01-15T08:00:01Z")], Prisma.sql`1 = 1`));
    await prisma.$executeRaw(insertRunEventsSql(databaseDialect, [event("e3", "2026-01-15T08:00:02Z")], Prisma.sql`1 = 0`));

    const stored = await prisma.runEvent.findMany({ where: { id: { in: ["e1", "e2", "e3"] } }, orderBy: { id: "asc" } });
    expect(stored.map((entry) => [entry.id, entry.at.toISOString()])).toEqual([
      ["e1", "2026-01-15T08:00:00.123Z"],
      ["e2", "2026-01-15T08:00:01.000Z"],
    ]);
  });

  it("claims made at the same time share out the due templates and then their runs: each taken by one claim, all taken", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const templates: string[] = [];
    for (let index = 0; index < 12; index++) templates.push((await createTemplate(shop, templateInput(), { clock })).id);
    clock.set("2026-01-15T08:00:00Z");

    // Rounds of three claims at once, until one round finds nothing left.
    const planned: string[] = [];
    for (let round = 0; round < 12; round++) {
      const claims = await Promise.all([1, 2, 3].map((worker) => claimDueTemplates({ now: clock.nowDate(), owner: `w${worker}`, batchSize: 2, leaseMs: 60_000 })));
      if (claims.every((claim) => claim.ids.length === 0)) break;
      for (const claim of claims) {
        planned.push(...claim.ids);
        for (const templateId of claim.ids) await planTemplatePeriods({ templateId, leaseToken: claim.token }, planning(clock));
      }
    }
    expect([...planned].sort()).toEqual([...templates].sort());

    const issued: string[] = [];
    for (let round = 0; round < 12; round++) {
      const claims = await Promise.all([1, 2, 3].map((worker) => claimWorkableRuns({ now: clock.nowDate(), owner: `w${worker}`, batchSize: 2, leaseMs: 60_000 })));
      if (claims.every((runs) => runs.length === 0)) break;
      issued.push(...claims.flatMap((runs) => runs.map((run) => run.templateId)));
    }
    expect([...issued].sort()).toEqual([...templates].sort());
    const leased = await prisma.invoiceRun.findMany({ where: { leaseToken: { not: null } }, select: { leaseOwner: true, leaseExpiresAt: true } });
    expect(leased.length).toBe(12);
    expect(leased.every((run) => run.leaseExpiresAt?.getTime() === clock.nowDate().getTime() + 60_000)).toBe(true);
  });
});

describe(`the step write (${TEST_DATABASE})`, () => {
  it("under the run's lease it stores the run, its events and the issued count, and says where the template stands; under a lease taken since, nothing at all", async () => {
    const { clock, shop, template } = await templateWithPlannedPeriod();
    const [run] = await claimWorkableRuns({ now: clock.nowDate(), owner: "lane", batchSize: 1, leaseMs: 60_000 });
    const issuedBefore = (await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).issuedCount;
    const step = (leaseToken: string, id: string) => ({
      runId: run!.id,
      templateId: template.id,
      shopId: shop.id,
      leaseToken,
      data: { step: "draft", invoiceId: `in_${id}` },
      events: [{ shopId: shop.id, templateId: template.id, runId: run!.id, type: "run.step_completed" as const, actor: "worker:lane", at: new Date("2026-01-15T08:00:00.250Z"), detail: { id } }],
      countIssued: true,
      readStanding: true,
    });

    const lost = await writeLeasedStep(step("a-token-from-an-earlier-claim", "lost"));
    expect(lost).toEqual({ stored: false, standing: null, plan: null });
    const held = await writeLeasedStep(step(run!.leaseToken, "held"));
    expect(held).toEqual({ stored: true, standing: { templateStatus: "active", customerRedacted: false, shopUninstalled: false }, plan: null });

    const stored = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run!.id } });
    expect([stored.step, stored.invoiceId, stored.leaseToken]).toEqual(["draft", "in_held", run!.leaseToken]);
    const events = await prisma.runEvent.findMany({ where: { runId: run!.id, type: "run.step_completed" } });
    expect(events.map((event) => [JSON.parse(event.detail ?? "{}").id, event.at.toISOString()])).toEqual([["held", "2026-01-15T08:00:00.250Z"]]);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).issuedCount).toBe(issuedBefore + 1);
  });

  it("with readPlan it also gives back the run's plan as the write left it: an edit stored before the write is what the run issues", async () => {
    const { clock, shop, template } = await templateWithPlannedPeriod();
    const [run] = await claimWorkableRuns({ now: clock.nowDate(), owner: "lane", batchSize: 1, leaseMs: 60_000 });
    // Stored after the claim read the run (a merchant's edit re-planning it).
    const edited = { ...run!.snapshot, lines: run!.snapshot.lines.map((line) => ({ ...line, quantity: line.quantity + 1 })) };
    await prisma.invoiceRun.update({ where: { id: run!.id }, data: { snapshot: JSON.stringify(edited), expectedTotal: run!.expectedTotal + 100 } });
    const write = (leaseToken: string) =>
      writeLeasedStep({ runId: run!.id, templateId: template.id, shopId: shop.id, leaseToken, data: { state: "issuing", step: "customer" }, events: [], readStanding: true, readPlan: true });

    expect(await write("a-token-from-an-earlier-claim")).toEqual({ stored: false, standing: null, plan: null });
    const { plan } = await write(run!.leaseToken);
    expect(plan).toEqual({ snapshot: edited, currency: run!.currency, expectedTotal: run!.expectedTotal + 100 });
    expect(typeof plan!.expectedTotal).toBe("number");
  });
});

describe(`the worker's reads and writes by key, straight to the driver (${TEST_DATABASE})`, () => {
  it("a template's e-invoice settings come back as stored, with their types", async () => {
    const { shop, template } = await templateWithPlannedPeriod();

    // Not an e-invoice: the worker's read says so; the credit note's read still gives the schedule.
    expect(await findIssuingEInvoiceContext(template.id)).toBeNull();
    expect((await findTemplateEInvoiceContext(template.id))?.schedule).toEqual({ every: template.scheduleEvery, unit: template.scheduleUnit });
    const address = { line1: "1 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" };
    const einvoice = { enabled: true, buyer: { name: "Client SA", siren: "123456782", address, electronicAddress: "123456782" }, natures: ["services" as const] };
    expect(await saveTemplateEInvoice(shop.id, template.id, einvoice)).toBe(true);
    const context = await findIssuingEInvoiceContext(template.id);
    expect(context).toMatchObject({ einvoice, shopTimeZone: shop.timeZone, schedule: { every: template.scheduleEvery, unit: template.scheduleUnit } });
    expect(typeof context!.schedule.every).toBe("number");
    expect(await findIssuingEInvoiceContext("no-such-template")).toBeNull();
  });

  it("a Stripe customer mapping is stored once per shop, account and customer, as Prisma reads it, and updated in place", async () => {
    const shop = await createShop();
    const key = { shopDomain: shop.domain, account: "acct_1Mapping", customerKey: "gid://shopify/Customer/7" };
    expect(await findStripeCustomer(key)).toBeNull();
    const before = Date.now();
    await saveStripeCustomer(key, { stripeCustomerId: "cus_first", fingerprint: "fp1", email: " Claire.Martin@Example.FR ", shopifyCustomerId: "gid://shopify/Customer/7" });
    const first = await prisma.stripeCustomer.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(first).toMatchObject({ account: key.account, customerKey: key.customerKey, stripeCustomerId: "cus_first", fingerprint: "fp1", customerEmail: "claire.martin@example.fr", shopifyCustomerId: "gid://shopify/Customer/7" });
    expect(first.id).toMatch(/^c[0-9a-z]{24}$/);
    expect(first.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(first.updatedAt).toEqual(first.createdAt);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await saveStripeCustomer(key, { stripeCustomerId: "cus_second", fingerprint: "fp2", email: "claire@example.fr", shopifyCustomerId: null });
    expect(await findStripeCustomer(key)).toEqual({ stripeCustomerId: "cus_second", fingerprint: "fp2" });
    const second = await prisma.stripeCustomer.findFirstOrThrow({ where: { shopId: shop.id } });
    expect([second.id, second.createdAt, second.customerEmail, second.shopifyCustomerId]).toEqual([first.id, first.createdAt, "claire@example.fr", null]);
    expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());

    // Another account, another shop: their own mappings; a shop that does not exist: nothing saved.
    expect(await findStripeCustomer({ ...key, account: "acct_1Other" })).toBeNull();
    await saveStripeCustomer({ ...key, shopDomain: "nowhere.myshopify.com" }, { stripeCustomerId: "cus_x", fingerprint: "x", email: "x@example.fr", shopifyCustomerId: null });
    expect(await prisma.stripeCustomer.count()).toBe(1);
  });
});

describe(`the work claim's order (${TEST_DATABASE})`, () => {
  it("a claim of one run takes the oldest due period of the runs planned in one tick, wherever the rows lie on disk", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-04-15T08:00:00Z"); // Jan 15, Feb 15, Mar 15 and Apr 15 due, planned by one claim
    const claim = await claimDueTemplates({ now: clock.nowDate(), owner: "planner", batchSize: 1, leaseMs: 60_000 });
    await planTemplatePeriods({ templateId: template.id, leaseToken: claim.token }, { ...planning(clock), maxPeriodsPerTemplate: 4 });
    // What vacuum and free space do at random: the two oldest periods' rows
    // move behind the others (on PostgreSQL an UPDATE of an indexed column
    // writes new row versions and index entries after the others; on SQLite
    // the rows keep their place).
    for (const state of ["skipped", "planned"]) {
      await prisma.$executeRaw`UPDATE "InvoiceRun" SET "state" = ${state} WHERE "templateId" = ${template.id} AND "periodIndex" IN (0, 1)`;
    }

    const order: number[] = [];
    for (let index = 0; index < 4; index++) {
      const [run] = await claimWorkableRuns({ now: clock.nowDate(), owner: `lane${index}`, batchSize: 1, leaseMs: 60_000 });
      order.push(run!.periodIndex);
    }
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe(`the shared Stripe request slots (${TEST_DATABASE})`, () => {
  it("slots reserved at once for one account are handed out one spacing apart from the lead on, another account's independently", async () => {
    // Slots far apart: a reservation that reaches the database late (a loaded machine) still finds the
    // previous one's next slot ahead of its own now + lead, so the schedule's spacing is what shows.
    const spacing = 10_000;
    const lead = 5_000;
    const slots = await Promise.all(Array.from({ length: 10 }, () => reserveStripeRequestSlot("acct_slots_a", spacing, lead)));
    const other = await reserveStripeRequestSlot("acct_slots_b", spacing, lead);

    const sorted = slots.map((slot) => slot.slotAt).sort((a, b) => a - b);
    expect(sorted.slice(1).map((slotAt, index) => Math.round(slotAt - sorted[index]!))).toEqual(Array(9).fill(spacing));
    // The first slot is the lead after the database's clock at its reservation. That clock is read again for the answer,
    // later in the statement (on PostgreSQL, after waiting for the row the other reservations hold): up to the lead, not more.
    const first = slots.find((slot) => slot.slotAt === sorted[0])!;
    for (const slot of [first, other]) {
      expect(slot.slotAt - slot.now).toBeLessThanOrEqual(lead + 1);
      expect(slot.slotAt - slot.now).toBeGreaterThan(lead - 1_000);
    }
  });

  it("a reservation of several slots takes them one spacing apart: the next reservation starts after its last", async () => {
    const spacing = 10_000; // far apart, as above
    const three = await reserveStripeRequestSlot("acct_slots_c", spacing, 25, 3);
    const next = await reserveStripeRequestSlot("acct_slots_c", spacing, 25);
    expect(Math.round(next.slotAt - three.slotAt)).toBe(3 * spacing);
    await expect(reserveStripeRequestSlot("acct_slots_c", spacing, 25, 0)).rejects.toThrow(/whole number of slots ≥ 1/);
  });
});

/** A shop's template whose first period (2026-01-15) is planned: its run waits for a worker. */
async function templateWithPlannedPeriod() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop();
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-01-15T08:00:00Z");
  const claim = await claimDueTemplates({ now: clock.nowDate(), owner: "planner", batchSize: 1, leaseMs: 60_000 });
  await planTemplatePeriods({ templateId: template.id, leaseToken: claim.token }, planning(clock));
  return { clock, shop, template };
}

function planning(clock: ManualClock) {
  return { workerId: "test", clock, maxPeriodsPerTemplate: 1, lateToleranceMs: 3_600_000, logger };
}
