// Ritournelle's access to a Stripe account ended, for some shops: by the
// merchant's "Disconnect" (disconnect.server.ts) or by Stripe's
// `account.application.deauthorized` (app/services/stripe-webhooks/).
//
// While a shop has no account, its runs wait (`billing_not_connected`, shown
// to the merchant); connecting again makes them workable at once
// (complete.server.ts). Nothing is lost either way. A refusal of access
// recorded for the account (app/services/invoicing/billing-hold.server.ts)
// ends with the disconnection: the shop is simply not connected now.
import type { Prisma, Shop } from "@prisma/client";
import { appendStripeRunEvents, clearShopBillingAccount, holdRunsOfShop } from "~/models/stripe.server";

/** What a held run shows the merchant. */
const HOLD_MESSAGE =
  "Stripe is not connected: connect your Stripe account in Ritournelle's settings and this invoice is issued right away.";

/**
 * Clears the account of these shops and holds their runs that still have to
 * be issued (not those a worker holds right now), with one `run.waiting`
 * event per held run, in the caller's transaction `tx`. Idempotent: shops
 * already disconnected are skipped.
 */
export async function disconnectShopsOfAccount(
  tx: Prisma.TransactionClient,
  shops: Pick<Shop, "id">[],
  at: Date,
  actor: "merchant" | "stripe",
): Promise<void> {
  for (const shop of shops) {
    if (!(await clearShopBillingAccount(shop.id, at, tx))) continue;
    const held = await holdRunsOfShop(shop.id, HOLD_MESSAGE, at, tx);
    await appendStripeRunEvents(
      held.map((run) => ({ run, type: "run.waiting" as const, actor, cause: "billing_disconnected", at })),
      tx,
    );
  }
}
