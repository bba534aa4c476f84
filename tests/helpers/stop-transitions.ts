// The four ways a run stops being wanted while it is being issued (PROMISE.md
// §2), as the app receives them: the merchant cancels or pauses (the
// services), the shop uninstalls the app, Shopify erases the customer (the
// webhooks' handlers). Shared by the Stripe rail's proofs
// (stop-means-stop.test.ts) and the Shopify rail's (shopify-rail-engine.test.ts).
import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import type { ManualClock } from "~/domain/clock";
import type { Template } from "~/models/template.server";
import { handleCustomersRedact } from "~/services/privacy/redact-customer.server";
import { handleAppUninstalled } from "~/services/shopify/app-uninstalled.server";
import { cancelTemplate } from "~/services/templates/cancel.server";
import { pauseTemplate } from "~/services/templates/pause.server";

export type StopTransition = {
  name: string;
  /** The reason the run is skipped for. */
  reason: string;
  /** The notice on a run past the point of no return before the transition (the template page offers Void). */
  notice: string;
  /** The transition takes the app's access to the shop away: on the Shopify rail, the run's draft cannot be deleted. */
  revokesAccess?: true;
  apply: (shop: Shop, template: Template, clock: ManualClock) => Promise<unknown>;
};

/**
 * The four transitions, in this order: cancel, pause, app/uninstalled
 * (`beforeUninstall` first: what Shopify does before telling the app, e.g.
 * revoking its tokens in a stand-in), customers/redact of `customer`.
 */
export function stopTransitions(customer: { id: number; email: string }, beforeUninstall: (shop: Shop) => void = () => {}): StopTransition[] {
  return [
    { name: "the merchant cancels", reason: "cancelled", notice: "cancelled", apply: (shop, template, clock) => cancelTemplate(shop, template.id, { clock }) },
    { name: "the merchant pauses", reason: "paused", notice: "paused", apply: (shop, template, clock) => pauseTemplate(shop, template.id, { clock }) },
    {
      name: "the shop uninstalls the app",
      reason: "paused",
      notice: "shop_uninstalled",
      revokesAccess: true,
      apply: (shop, _template, clock) => {
        beforeUninstall(shop);
        return handleAppUninstalled({ webhookId: randomUUID(), topic: "app/uninstalled", shop: shop.domain, payload: {} }, { clock });
      },
    },
    {
      name: "customers/redact erases the customer",
      reason: "customer_redacted",
      notice: "customer_redacted",
      apply: (shop, _template, clock) =>
        handleCustomersRedact({ webhookId: randomUUID(), topic: "customers/redact", shop: shop.domain, payload: { customer: { id: customer.id, email: customer.email } } }, { clock }),
    },
  ];
}
