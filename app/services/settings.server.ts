// The merchant's settings page: defaults for new templates, write-back to
// Shopify, and the state of the Stripe connection (connecting and
// disconnecting belong to the Stripe integration, see issue 4).
import type { Shop } from "@prisma/client";
import { z } from "zod";
import { readSettings, updateShopSettings, type ShopSettings } from "~/models/shop.server";

export type BillingConnection = {
  connected: boolean;
  /** The connected account ("acct_…"), when connected. */
  accountId: string | null;
  /** When the account was disconnected, if it was (ISO instant). */
  disconnectedAt: string | null;
};

export type SettingsPage = { settings: ShopSettings; billing: BillingConnection };

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

/** The settings form as posted (strings and checkbox "on"); field errors are codes the page translates. */
export const settingsFormSchema = z.object({
  daysUntilDue: z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, "days_until_due_invalid")
    .transform(Number)
    .refine((days) => days <= 365, "days_until_due_invalid"),
  timeOfDay: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time_invalid"),
  catchUp: z.enum(["all", "latest", "none"], { error: "catch_up_invalid" }),
  signatureRequested: z.literal("on").optional().transform(Boolean),
  writeBackOrders: z.literal("on").optional().transform(Boolean),
});

export type SaveSettingsResult = { ok: true; settings: ShopSettings } | { ok: false; errors: Record<string, string> };

/** Validates and stores the shop's settings; templates created later take the new defaults. */
export async function saveSettings(shopDomain: string, form: Record<string, unknown>): Promise<SaveSettingsResult> {
  const parsed = settingsFormSchema.safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  return { ok: true, settings: await updateShopSettings(shopDomain, parsed.data) };
}
