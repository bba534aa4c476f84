import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import type { Template } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import type { ServiceOptions } from "./events.server";
import { lockForTransition, pauseLocked } from "./transitions.server";

/**
 * Pauses an active template: no period is planned until it is resumed.
 *
 * Inputs: the shop, the template's id, `options.clock`, `options.actor`.
 * Effects, in one transaction: the template is `paused` (reason
 * `merchant`); runs not started yet are recorded `skipped` (reason
 * `paused`): "paused" means nothing more reaches the customer. Runs already
 * being issued stop before their next provider call, their draft deleted,
 * and end `skipped` (reason `paused`) like the others, not back to
 * `planned`: resuming never issues a period of the paused time
 * (resume.server.ts). An invoice already finalized is left alone (the
 * worker: app/services/invoicing/stop-run.server.ts). Events
 * `template.paused` and one `run.skipped` per skipped run.
 * Idempotency: pausing a paused template changes nothing.
 * Errors: NotFoundError, TransitionError (ended or cancelled).
 */
export async function pauseTemplate(shop: Pick<Shop, "id">, templateId: string, options: ServiceOptions = {}): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  return inTransaction(async (tx) => {
    const { template: current, unchanged } = await lockForTransition(tx, shop.id, templateId, ["active"], "pause", "paused");
    if (unchanged) return current;
    return pauseLocked(tx, current, "merchant", options, now);
  });
}
