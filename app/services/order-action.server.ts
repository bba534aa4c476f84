// The order page's "Make recurring" admin action (extensions/make-recurring),
// on the app's side: what the action shows of an order, and the quick create
// (frequency + first invoice date; everything else as the app's form starts).
//
// No second way of making a template: the preview is the app form's setup
// (prepareTemplateFromOrder), and creating goes through
// createTemplateFromOrderDefaults → the form's own checks → the templates
// service, exactly as the app's "Make recurring" page does.
import type { Shop } from "@prisma/client";
import { frequencyLabel } from "~/components/labels";
import { appClock, type Clock } from "~/domain/clock";
import { FREQUENCY_PRESETS, type FrequencyPresetId } from "~/domain/schedule";
import { formDraft, type FormErrors } from "~/domain/template-form";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { formatAmount, formatCivilDate } from "~/i18n/format";
import { translator, type Locale } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";
import type { OrderActionCreated, OrderActionCreateRequest, OrderActionPreview } from "~/lib/order-action-contract";
import { findTemplateForShop } from "~/models/template.server";
import { createTemplateFromOrderDefaults, prepareTemplateFromOrder } from "~/services/order-import.server";

/** The frequencies the action offers: every preset of the app's form, in the form's order. */
export const ORDER_ACTION_FREQUENCIES = Object.keys(FREQUENCY_PRESETS) as FrequencyPresetId[];

/** The app's full form for an order: where "Edit all details" leads. */
export function templateFormPath(orderId: string): string {
  return `/app/templates/new?orderId=${encodeURIComponent(orderId)}`;
}

/**
 * The order as its recurring invoice would be, with the form's defaults.
 * @throws OrderImportError (the order is not the shop's, or cannot recur as it is)
 */
export async function previewForOrderAction(
  admin: AdminGraphql,
  shop: Pick<Shop, "timeZone" | "settings">,
  orderId: string,
  locale: Locale,
  clock: Clock = appClock,
): Promise<OrderActionPreview> {
  const { snapshot, context, initialValues } = await prepareTemplateFromOrder(admin, shop, orderId, clock);
  const money = (minor: number) => formatAmount(minor, snapshot.currency, locale);
  // The order's own lines always make a draft (the snapshot was checked); null would be a bug upstream.
  const draft = formDraft(initialValues, context);
  if (!draft) throw new Error(`Order ${snapshot.sourceOrderName} made lines the invoice draft refuses.`);
  const frequency = initialValues.frequency === "custom" ? "monthly" : initialValues.frequency;
  return {
    order: { id: snapshot.sourceOrderId, name: snapshot.sourceOrderName, currency: snapshot.currency },
    customer: { name: snapshot.customer.name, email: snapshot.customer.email },
    lines: draft.lines.map((line) => ({ description: line.description, quantity: line.quantity, total: money(line.total) })),
    invoiceTotal: money(draft.expectedTotal),
    orderTotal: snapshot.orderTotal === draft.expectedTotal ? null : money(snapshot.orderTotal),
    frequencies: ORDER_ACTION_FREQUENCIES,
    defaults: { frequency, anchor: initialValues.anchor },
    today: context.today,
    terms: { timeOfDay: initialValues.timeOfDay, timeZone: context.timeZone, daysUntilDue: Number(initialValues.daysUntilDue) },
    formPath: templateFormPath(snapshot.sourceOrderId),
  };
}

export type OrderActionCreateResult =
  | { ok: true; created: OrderActionCreated }
  /** `fieldErrors`: "frequency" / "anchor" when the merchant can fix them here; other keys need the full form. */
  | { ok: false; fieldErrors: Record<string, string>; needsFullForm: boolean };

/** Form field paths → the action's two fields. */
const ACTION_FIELDS: Record<string, string> = { "schedule.anchor": "anchor", "schedule.every": "frequency" };

/**
 * Creates the template (idempotent per `request.idempotencyKey`).
 * @throws OrderImportError (the order is not the shop's, or cannot recur as it is)
 */
export async function createForOrderAction(
  admin: AdminGraphql,
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  orderId: string,
  request: OrderActionCreateRequest,
  locale: Locale,
  clock: Clock = appClock,
): Promise<OrderActionCreateResult> {
  const result = await createTemplateFromOrderDefaults(
    admin,
    shop,
    orderId,
    { frequency: request.frequency, anchor: request.anchor },
    { clock, idempotencyKey: request.idempotencyKey },
  );
  const t = translator(locale);
  if (!result.ok) {
    const fieldErrors: Record<string, string> = {};
    for (const [field, code] of Object.entries(result.errors as FormErrors)) {
      fieldErrors[ACTION_FIELDS[field] ?? field] = fieldErrorText(t, locale, code);
    }
    // The templates service's own refusals, translated as the app's form shows them.
    for (const [field, problem] of Object.entries(result.messages)) fieldErrors[ACTION_FIELDS[field] ?? field] ??= fieldErrorText(t, locale, problem);
    const needsFullForm = Object.keys(fieldErrors).some((field) => field !== "anchor" && field !== "frequency");
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
