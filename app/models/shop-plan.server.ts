// The Shop table's pricing-plan columns (plan, planSubscriptionId,
// planCheckedAt): a cache of what Shopify's managed pricing says, so that the
// services and the worker enforce the plan without calling Shopify. Kept
// apart from shop.server.ts because only app/services/billing-plan/ writes them.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { isPlanName, type PlanName } from "~/domain/plan";

type Db = Prisma.TransactionClient;

export type ShopPlanRow = { plan: PlanName; subscriptionId: string | null; checkedAt: Date | null };

function planRow(row: { plan: string; planSubscriptionId: string | null; planCheckedAt: Date | null }): ShopPlanRow {
  // An unknown value (a plan removed since) is Free: never more than the merchant pays for.
  return { plan: isPlanName(row.plan) ? row.plan : "free", subscriptionId: row.planSubscriptionId, checkedAt: row.planCheckedAt };
}

const PLAN_COLUMNS = { plan: true, planSubscriptionId: true, planCheckedAt: true } as const;

export async function readShopPlan(shopId: string, db: Db = prisma): Promise<ShopPlanRow | null> {
  const row = await db.shop.findUnique({ where: { id: shopId }, select: PLAN_COLUMNS });
  return row ? planRow(row) : null;
}

/**
 * Takes the shop's row lock for the rest of the transaction and returns its
 * plan: two transactions that would each make the shop's last allowed
 * template active run one after the other (on PostgreSQL the second waits
 * here and then counts the first's template; SQLite runs one write
 * transaction at a time anyway).
 */
export async function lockShopPlan(shopId: string, tx: Db): Promise<ShopPlanRow> {
  const row = await tx.shop.update({ where: { id: shopId }, data: { updatedAt: new Date() }, select: PLAN_COLUMNS });
  return planRow(row);
}

/** The shop's templates that are running (status `active`): what the Free plan limits. */
export function countActiveTemplates(shopId: string, db: Db = prisma): Promise<number> {
  return db.recurringTemplate.count({ where: { shopId, status: "active" } });
}

/** Stores the plan just read from Shopify, checked at `checkedAt`. */
export async function storeShopPlan(shopId: string, plan: { plan: PlanName; subscriptionId: string | null }, checkedAt: Date, db: Db = prisma): Promise<void> {
  await db.shop.updateMany({ where: { id: shopId }, data: { plan: plan.plan, planSubscriptionId: plan.subscriptionId, planCheckedAt: checkedAt } });
}

/**
 * Forgets when the plan was read, so the next admin request reads it from
 * Shopify again; when `endedSubscriptionId` is the subscription that made the
 * shop Pro, the shop is Free from now on (a subscription that ended never
 * keeps Pro until the next read).
 */
export async function markShopPlanStale(shopDomain: string, endedSubscriptionId: string | null, db: Db = prisma): Promise<void> {
  await db.shop.updateMany({ where: { domain: shopDomain }, data: { planCheckedAt: null } });
  if (endedSubscriptionId) {
    await db.shop.updateMany({
      where: { domain: shopDomain, planSubscriptionId: endedSubscriptionId },
      data: { plan: "free", planSubscriptionId: null },
    });
  }
}
