// The home page's setup guide (Shopify's setup-guide pattern): three steps to
// a first invoice, each checked off from what is really there — not from
// clicks — and a dismissal remembered per shop, on the server.
import type { Shop } from "@prisma/client";
import type { RunState } from "~/domain/run-state";
import { appClock } from "~/clock.server";
import type { Clock } from "~/domain/clock";
import { shopHasRunInStates } from "~/models/invoice-run.server";
import { markSetupGuideDismissed } from "~/models/shop.server";
import { countTemplatesByStatus } from "~/models/template.server";

export const SETUP_STEPS = ["connect_stripe", "first_template", "first_invoice_sent"] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** The states of a run whose invoice went to the customer (sent, then maybe paid, overdue, voided or written off). */
const SENT_STATES: readonly RunState[] = ["sent", "paid", "overdue", "void", "uncollectible"];

export type SetupGuide = {
  steps: { id: SetupStep; done: boolean }[];
  doneCount: number;
  /** The merchant closed it: the page does not show it again for this shop. */
  dismissed: boolean;
};

/**
 * The setup guide of `shop`, from real state: Stripe connected (the shop has
 * a billing account), at least one recurring invoice (a template in any
 * status: cancelling the first does not undo having made one), at least one
 * invoice sent to a customer. `known.templateCounts`: the shop's templates
 * per status when the caller has them already.
 * Effects: none (reads only).
 */
export async function loadSetupGuide(
  shop: Pick<Shop, "id" | "billingAccountId" | "setupGuideDismissedAt">,
  known: { templateCounts?: Record<string, number> } = {},
): Promise<SetupGuide> {
  // The home page counted the templates already (loadDashboard): not counted twice.
  const [counts, sent] = await Promise.all([known.templateCounts ?? countTemplatesByStatus(shop.id), shopHasRunInStates(shop.id, SENT_STATES)]);
  const templates = Object.values(counts).reduce((a, b) => a + b, 0);
  const done: Record<SetupStep, boolean> = {
    connect_stripe: shop.billingAccountId !== null,
    first_template: templates > 0,
    first_invoice_sent: sent,
  };
  const steps = SETUP_STEPS.map((id) => ({ id, done: done[id] }));
  return { steps, doneCount: steps.filter((step) => step.done).length, dismissed: shop.setupGuideDismissedAt !== null };
}

/**
 * The merchant dismisses the guide. Idempotent: a second dismissal keeps the
 * first one's time. Effects: one write on the shop's row.
 */
export async function dismissSetupGuide(shop: Pick<Shop, "id">, options: { clock?: Clock } = {}): Promise<void> {
  const now = (options.clock ?? appClock).now();
  await markSetupGuideDismissed(shop.id, new Date(now.epochMilliseconds));
}
