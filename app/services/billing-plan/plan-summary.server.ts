// What the merchant's pages show of the plan: which one, how much of it is
// used, and where to change it.
import type { Shop } from "@prisma/client";
import { PLAN_SELECTION_URL, PRO_PLAN_PRICE, planUsage, type PlanName, type PlanUsage } from "~/domain/plan";
import { countActiveTemplates, readShopPlan } from "~/models/shop-plan.server";

export type PlanSummary = PlanUsage & {
  /** More active than the plan allows (a downgrade): they keep running, no other can become active. */
  overLimit: boolean;
  /** Shopify's plan-selection page (an App Bridge admin link: open it with target "_top"). */
  planSelectionUrl: string;
  proPrice: typeof PRO_PLAN_PRICE;
};

/**
 * The shop's plan as last read from Shopify (see refreshPlanIfStale) and its
 * active recurring invoices. Reads only the database, and only what the
 * caller does not know already (`known`: the plan refreshPlanIfStale just
 * returned, the active count the home page just made).
 */
export async function loadPlanSummary(shop: Pick<Shop, "id">, known: { plan?: PlanName; activeTemplates?: number } = {}): Promise<PlanSummary> {
  const [plan, active] = await Promise.all([
    known.plan ?? readShopPlan(shop.id).then((cached) => cached?.plan ?? "free"),
    known.activeTemplates ?? countActiveTemplates(shop.id),
  ]);
  const usage = planUsage(plan, active);
  return { ...usage, overLimit: usage.limit !== null && active > usage.limit, planSelectionUrl: PLAN_SELECTION_URL, proPrice: PRO_PLAN_PRICE };
}
