// The merchant's settings page: defaults for new templates, write-back to
// Shopify, and the state of the Stripe connection (connecting and
// disconnecting belong to services/stripe-connect/).
import type { Shop } from "@prisma/client";
import { readSettings, type ShopSettings } from "~/models/shop.server";

export type BillingConnection = {
  connected: boolean;
  /** The connected account ("acct_…"), when connected. */
  accountId: string | null;
  /** When the account was disconnected, if it was (ISO instant). */
  disconnectedAt: string | null;
};

export type SettingsPage = { settings: ShopSettings; billing: BillingConnection };

/**
 * What the settings page shows for `shop`.
 *
 * Inputs: the shop's row (as loaded by loadAdminContext).
 * Effects: none (reads the row given; settings missing or invalid in the
 * stored JSON take their defaults).
 * Errors: none.
 */
export function loadSettingsPage(shop: Pick<Shop, "settings" | "billingAccountId" | "billingDisconnectedAt">): SettingsPage {
  return {
    settings: readSettings(shop),
    billing: {
      connected: shop.billingAccountId !== null,
      accountId: shop.billingAccountId,
      disconnectedAt: shop.billingDisconnectedAt?.toISOString() ?? null,
    },
  };
}
