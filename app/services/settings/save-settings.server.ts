// The settings form's action.
import { z } from "zod";
import { findShopByDomain, readSettings, updateShopSettings, type ShopSettings } from "~/models/shop.server";
import type { RailAccess } from "~/services/shopify/rail-access.server";

/** The codes of the settings form's field errors; the page has a label for each. */
export type SettingsErrorCode = "days_until_due_invalid" | "time_invalid" | "catch_up_invalid" | "rail_invalid" | "rail_scope_missing";
/** A field error's message is its code: written through this, a code the page has no label for does not compile. */
const code = (error: SettingsErrorCode) => error;

/** The settings form as posted (strings and checkbox "on"); field errors are codes the page translates. */
const settingsFormSchema = z.object({
  daysUntilDue: z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, code("days_until_due_invalid"))
    .transform(Number)
    .refine((days) => days <= 365, code("days_until_due_invalid")),
  timeOfDay: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, code("time_invalid")),
  catchUp: z.enum(["all", "latest", "none"], { error: code("catch_up_invalid") }),
  signatureRequested: z.literal("on").optional().transform(Boolean),
  writeBackOrders: z.literal("on").optional().transform(Boolean),
  /** Left out (an older form): unchanged. */
  defaultRail: z.enum(["stripe", "shopify"], { error: code("rail_invalid") }).optional(),
});

export type SaveSettingsResult = { ok: true; settings: ShopSettings } | { ok: false; errors: Record<string, string> };

/**
 * Validates and stores the shop's settings.
 *
 * Inputs: the shop's domain and the posted form fields.
 * Effects: the shop's settings are replaced by the form's. Templates created
 * later take the new defaults (days until due, time of day, signature, how
 * the customer pays — "Shopify invoice" only once the shop granted its scope,
 * `railAccess`, else refused on `defaultRail` with `rail_scope_missing`);
 * existing templates keep theirs. The catch-up policy (of templates without
 * their own) and order write-back apply from the next run on.
 * Idempotency: saving the same form twice stores the same settings.
 * Errors: an invalid form is returned as `{ ok: false, errors }` (field name →
 * error code, first problem per field) and nothing is written; a shop without
 * a row is a database error (rethrown).
 */
export async function saveSettings(
  shopDomain: string,
  form: Record<string, unknown>,
  railAccess: RailAccess = async () => false,
): Promise<SaveSettingsResult> {
  const parsed = settingsFormSchema.safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  // Choosing Shopify invoices as the default is choosing the rail: the shop must have granted its scope.
  if (parsed.data.defaultRail === "shopify" && (await currentDefaultRail(shopDomain)) !== "shopify" && !(await railAccess())) {
    return { ok: false, errors: { defaultRail: code("rail_scope_missing") } };
  }
  return { ok: true, settings: await updateShopSettings(shopDomain, parsed.data) };
}

async function currentDefaultRail(shopDomain: string): Promise<ShopSettings["defaultRail"]> {
  const shop = await findShopByDomain(shopDomain);
  return shop ? readSettings(shop).defaultRail : "stripe";
}
