// The order page's "Make recurring" admin action (extensions/make-recurring),
// on the app's side: the quick create (frequency + first invoice date;
// everything else as the app's form starts). No second way of making a
// template: the form's initial values → the form's own checks → the
// templates service, exactly as the app's "Make recurring" page does.
import type { Shop } from "@prisma/client";
import { formatAmount, frequencyLabel } from "~/i18n/format";
import { PRO_PLAN_PRICE } from "~/domain/plan";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import type { OrderActionCreated } from "~/domain/order-action-contract";
import { parseOrderActionCreateRequest } from "~/domain/order-action-request";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { formatCivilDate } from "~/i18n/format";
import { translator, type Locale } from "~/i18n";
import { fieldErrorText, orderActionFieldText } from "~/i18n/field-errors";
import { findTemplateForShop } from "~/models/template.server";
import type { RailAccess } from "~/services/shopify/rail-access.server";
import { createFromSnapshot } from "./create-template-from-order.server";
import { loadOrderSnapshot } from "./load-order.server";
import { setupFromSnapshot } from "./template-form-setup.server";

export type OrderActionCreateResult =
  | { ok: true; created: OrderActionCreated }
  /** `fieldErrors`: "frequency" / "anchor" (or the request's own fields) when the merchant can fix them here; other keys need the full form. */
  | { ok: false; fieldErrors: Record<string, string>; needsFullForm: boolean }
  /** The shop's plan has no room for one more active template: `message` says so in the merchant's words. */
  | { ok: false; planLimit: { message: string; planSelectionUrl: string } };

/** Form field paths → the action's two fields. */
const ACTION_FIELDS: Record<string, string> = { "schedule.anchor": "anchor", "schedule.every": "frequency", rail: "rail" };
/** The fields the action itself shows: a refusal of any other needs the full form. */
const OWN_FIELDS = new Set(["anchor", "frequency"]);

/**
 * Creates the template the full form would create if the merchant changed
 * only the frequency, the first invoice date and how the customer pays.
 *
 * Inputs: the shop's Admin API session, the shop, the order's id, the
 * request's JSON body (untrusted: an OrderActionCreateRequest), the language
 * of the answer's words, whether the shop granted the Shopify rail's scope
 * (`railAccess`: "Shopify invoice" without it is refused on `rail`, and the
 * merchant is sent to the full form, which asks for it), the clock.
 * Effects: reads the order again from Shopify; the template and its
 * `template.created` event (see createTemplate).
 * Idempotency: per `request.idempotencyKey`: a repeated call answers with
 * the template the first call made, whatever it asked.
 * Errors: OrderImportError (the order is not the shop's, cannot recur as it
 * is, or Shopify fails); refused fields are a result, in the merchant's
 * words, and so is the plan's limit (`planLimit`).
 */
export async function createForOrderAction(
  admin: AdminGraphql,
  shop: Pick<Shop, "id" | "timeZone" | "settings" | "currency">,
  orderId: string,
  body: unknown,
  locale: Locale,
  railAccess: RailAccess,
  clock: Clock = appClock,
): Promise<OrderActionCreateResult> {
  const t = translator(locale);
  const request = parseOrderActionCreateRequest(body);
  if (!request.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(request.fields).map(([field, code]) => [field, orderActionFieldText(t, code)]));
    return { ok: false, fieldErrors, needsFullForm: false };
  }
  const { frequency, anchor, idempotencyKey, rail } = request.request;
  const snapshot = await loadOrderSnapshot(admin, orderId);
  const { initialValues } = setupFromSnapshot(snapshot, shop, clock);
  const result = await createFromSnapshot(shop, snapshot, { ...initialValues, frequency, anchor, ...(rail ? { rail } : {}) }, { clock, idempotencyKey, railAccess });
  if (!result.ok && "planLimit" in result) {
    const { limit, active, planSelectionUrl } = result.planLimit;
    const price = formatAmount(PRO_PLAN_PRICE.minor, PRO_PLAN_PRICE.currency, locale);
    return { ok: false, planLimit: { message: t("orderAction.error.planLimit", { limit, active, price, trialDays: PRO_PLAN_PRICE.trialDays }), planSelectionUrl } };
  }
  if (!result.ok) {
    const fieldErrors: Record<string, string> = {};
    for (const [field, code] of Object.entries(result.errors)) fieldErrors[ACTION_FIELDS[field] ?? field] = fieldErrorText(t, locale, code);
    // The templates service's own refusals, translated as the app's form shows them.
    for (const [field, problem] of Object.entries(result.messages)) fieldErrors[ACTION_FIELDS[field] ?? field] ??= fieldErrorText(t, locale, problem);
    // The rail's missing scope is granted in the app: its full form asks for it.
    const needsFullForm = Object.keys(fieldErrors).some((field) => !OWN_FIELDS.has(field));
    return { ok: false, fieldErrors, needsFullForm };
  }
  // Read back rather than echo the request: a replayed key answers with the
  // template the first call made, whatever this call asked.
  const template = await findTemplateForShop(shop.id, result.templateId);
  if (!template) throw new Error(`Template ${result.templateId} vanished right after its creation.`);
  return {
    ok: true,
    created: {
      templateId: template.id,
      templatePath: `/app/templates/${template.id}`,
      message: t("orderAction.created", {
        date: formatCivilDate(template.schedule.anchor, locale),
        frequency: frequencyLabel(t, template.schedule.every, template.schedule.unit),
      }),
    },
  };
}
