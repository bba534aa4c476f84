import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import type { Template } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import type { ServiceOptions } from "./events.server";
import { cancelLocked, lockForTransition } from "./transitions.server";

/**
 * Cancels a template for good (active or paused): nothing more is planned.
 *
 * Inputs: the shop, the template's id, `options.clock`, `options.actor`.
 * Effects, in one transaction: the template is `cancelled` (reason
 * `merchant`); runs not started yet are recorded `skipped` (reason
 * `cancelled`); runs already at the provider finish. Events
 * `template.cancelled` and one `run.skipped` per skipped run.
 * Idempotency: cancelling a cancelled template changes nothing.
 * Errors: NotFoundError, TransitionError (ended).
 */
export async function cancelTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  return inTransaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["active", "paused"], "cancel", "cancelled");
    if (unchanged) return current;
    return cancelLocked(tx, current, "merchant", options, now);
  });
}
