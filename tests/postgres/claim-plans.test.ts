// The claims' plans when PostgreSQL's statistics are out of date. The day's
// runs fall due together (a host's 09:00): thousands of rows become workable
// between two ANALYZEs, while the statistics still say there are none. The
// run claim once joined its ranked candidates back to the table on a plan
// chosen from those statistics, and the planner, expecting one row, compared
// every candidate with every other: 2,000 due runs cost 4,000,000 row
// comparisons and 1.4 s per claim (the workers bench's first claim), 12,000
// would cost 144,000,000. Each claim here must read each row a bounded number
// of times however wrong the estimates are.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { claimDueTemplatesPostgresSql, claimWorkableRunsPostgresSql } from "~/models/hot-sql.server";
import { claimWindow, claimWorkableRunIds } from "~/models/invoice-run.server";

const SHOPS = 20;
const DUE = 2_000;
const LIMIT = 240;

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Actual Rows": number; "Actual Loops": number; "Rows Removed by Join Filter"?: number; Plans?: PlanNode[] };

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodes(child);
}

/** Runs `sql` under EXPLAIN ANALYZE in a transaction rolled back (the claim's leases are not kept). */
async function analyzedPlan(sql: Prisma.Sql): Promise<PlanNode> {
  let plan: PlanNode | undefined;
  await prisma
    .$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`;
      plan = row!["QUERY PLAN"][0].Plan;
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return plan!;
}
class RolledBack extends Error {}

/** The most rows any one node produced over all its executions, and the rows join filters threw away. */
function work(plan: PlanNode) {
  const all = [...nodes(plan)];
  return {
    mostRowsOfOneNode: Math.max(...all.map((node) => node["Actual Rows"] * node["Actual Loops"])),
    rowsRemovedByJoinFilters: all.reduce((sum, node) => sum + (node["Rows Removed by Join Filter"] ?? 0), 0),
  };
}

beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Shop" (id, domain, "timeZone", currency, locale, settings, "updatedAt", "billingAccountId")
     SELECT 'shop' || i, 'plans-' || i || '.myshopify.com', 'Europe/Paris', 'EUR', 'fr', '{}', now(), 'acct_plans' || i FROM generate_series(0, ${SHOPS - 1}) AS i`,
  );
  // The statistics are taken while nothing is due, and kept: autovacuum would refresh them during the test.
  for (const table of ["RecurringTemplate", "InvoiceRun"]) {
    await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" SET (autovacuum_enabled = false)`);
    await prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
  }
  // Then the day's work falls due: every template, and one planned run each.
  await prisma.$executeRawUnsafe(
    `INSERT INTO "RecurringTemplate" (id, "shopId", customer, "customerEmail", currency, lines, "taxesIncluded", "periodTotal",
       "scheduleEvery", "scheduleUnit", "scheduleAnchor", "scheduleTimeOfDay", "scheduleTimeZone", "nextRunAt", "activeSince",
       status, "daysUntilDue", "signatureRequested", "createdAt", "updatedAt", "nextPeriodIndex")
     SELECT 'tpl' || i, 'shop' || (i % ${SHOPS}), '{}', 'client' || i || '@example.fr', 'EUR', '[]', true, 5470, 1, 'month', '2026-01-15', '09:00', 'Europe/Paris',
       now() - i * interval '1 millisecond', now(), 'active', 14, false, now(), now(), 1
     FROM generate_series(0, ${DUE - 1}) AS i`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "InvoiceRun" (id, "shopId", "templateId", "periodIndex", "periodDate", "scheduledAt", state, "nextAttemptAt", currency, "expectedTotal", snapshot, "updatedAt")
     SELECT 'run' || i, 'shop' || (i % ${SHOPS}), 'tpl' || i, 0, '2026-01-15', now() - i * interval '1 millisecond', 'planned', now() - i * interval '1 millisecond', 'EUR', 5470, '{}', now()
     FROM generate_series(0, ${DUE - 1}) AS i`,
  );
});

const lease = () => ({ owner: "plans", token: randomUUID(), until: new Date(Date.now() + 60_000) });
const inAMoment = () => new Date(Date.now() + 1_000);

describe("the claims on statistics taken before the day's work fell due", () => {
  it("the run claim reads each due run a bounded number of times (no candidate compared with every other)", async () => {
    const plan = await analyzedPlan(claimWorkableRunsPostgresSql("planned", inAMoment(), LIMIT, claimWindow(LIMIT), lease()));
    const { mostRowsOfOneNode, rowsRemovedByJoinFilters } = work(plan);
    expect(rowsRemovedByJoinFilters, "rows a join compared and threw away").toBe(0);
    expect(mostRowsOfOneNode, "the most rows one plan node produced, over all its executions").toBeLessThanOrEqual(DUE);
  });

  it("the due-template claim reads each due template a bounded number of times", async () => {
    const { mostRowsOfOneNode, rowsRemovedByJoinFilters } = work(await analyzedPlan(claimDueTemplatesPostgresSql(inAMoment(), LIMIT, lease())));
    expect(rowsRemovedByJoinFilters).toBe(0);
    expect(mostRowsOfOneNode).toBeLessThanOrEqual(DUE);
  });

  it("the run claim still takes its runs with the shops taking turns", async () => {
    const ids = await claimWorkableRunIds("planned", inAMoment(), LIMIT, lease());
    expect(new Set(ids).size).toBe(LIMIT);
    const shops = await prisma.invoiceRun.groupBy({ by: ["shopId"], where: { id: { in: ids } }, _count: true });
    expect(shops.map((shop) => shop._count)).toEqual(Array.from({ length: SHOPS }, () => LIMIT / SHOPS));
  });
});
