// The Free plan's limit, enforced where templates become active (create,
// resume), inside their transaction, from the plan cached on the shop: no
// call to Shopify here (the admin's requests keep the cache fresh, see
// refresh-plan.server.ts).
import { planUsage, requireRoomForOneMore } from "~/domain/plan";
import { countActiveTemplates, lockShopPlan } from "~/models/shop-plan.server";
import type { Tx } from "~/models/transaction.server";

/**
 * Refuses to make one more of the shop's templates active when its plan has
 * no room left (Free: FREE_PLAN_ACTIVE_LIMIT active at once).
 *
 * Inputs: the shop's id and the caller's transaction, before it writes the
 * template that becomes active.
 * Effects: takes the shop's row lock for the rest of the transaction, so two
 * concurrent creates cannot both take the last place.
 * Errors: PlanLimitError (nothing written; the caller's transaction rolls
 * back and the merchant's input is left as it was).
 */
export async function requireRoomForActiveTemplate(shopId: string, tx: Tx): Promise<void> {
  const { plan } = await lockShopPlan(shopId, tx);
  if (plan === "pro") return;
  requireRoomForOneMore(planUsage(plan, await countActiveTemplates(shopId, tx)));
}
