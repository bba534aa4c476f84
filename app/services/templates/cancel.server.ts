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
 * `cancelled`). Runs already being issued stop before their next provider
 * call, their draft deleted, and end `skipped` too (the worker does it:
 * app/services/invoicing/stop-run.server.ts); an invoice already finalized
 * is left alone, and the template page offers to void it. Events
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
