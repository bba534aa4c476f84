// Read-only queries behind the merchant's pages (home, templates list): the
// Prisma side of app/services/dashboard.server.ts and template-pages.server.ts.
// Every query is scoped by shop id.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { parseRun, type Run, type RunState } from "./invoice-run.server";
import { parseTemplate, TEMPLATE_STATUSES, type Template, type TemplateStatus } from "./template.server";

type Db = Prisma.TransactionClient;

/** One page of the shop's templates, newest first, optionally only some statuses. */
export async function listTemplatesPage(
  shopId: string,
  options: { statuses?: readonly TemplateStatus[]; skip: number; take: number },
  db: Db = prisma,
): Promise<{ templates: Template[]; total: number }> {
  const where: Prisma.RecurringTemplateWhereInput = { shopId, ...(options.statuses ? { status: { in: [...options.statuses] } } : {}) };
  const [rows, total] = await Promise.all([
    db.recurringTemplate.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: options.skip, take: options.take }),
    db.recurringTemplate.count({ where }),
  ]);
  return { templates: rows.map(parseTemplate), total };
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

/** The amount and frequency of every active template (for the monthly recurring revenue). */
export function activeTemplateAmounts(shopId: string, db: Db = prisma) {
  return db.recurringTemplate.findMany({
    where: { shopId, status: "active" },
    select: { currency: true, periodTotal: true, scheduleEvery: true, scheduleUnit: true },
  });
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

/** The shop's runs in `states`, most recently changed first (at most `take`). */
export async function runsInStates(shopId: string, states: readonly RunState[], take: number, db: Db = prisma): Promise<Run[]> {
  const rows = await db.invoiceRun.findMany({
    where: { shopId, state: { in: [...states] } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take,
  });
  return rows.map(parseRun);
}
