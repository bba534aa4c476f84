// The order page's "Make recurring" admin action (extensions/make-recurring),
// on the app's side: what the action shows of an order. No second way of
// making a template: the preview is the app form's setup.
import type { Shop } from "@prisma/client";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import type { OrderActionPreview } from "~/domain/order-action-contract";
import { FREQUENCY_PRESETS, type FrequencyPresetId } from "~/domain/schedule";
import { formDraft } from "~/domain/template-form";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { formatAmount } from "~/i18n/format";
import type { Locale } from "~/i18n";
import { BILLING_RAILS } from "~/domain/billing";
import type { RailAccess } from "~/services/shopify/rail-access.server";
import { prepareTemplateFromOrder } from "./template-form-setup.server";

/** The frequencies the action offers: every preset of the app's form, in the form's order. */
const ORDER_ACTION_FREQUENCIES = Object.keys(FREQUENCY_PRESETS) as FrequencyPresetId[];

/** The app's full form for an order: where "Edit all details" leads. */
export function templateFormPath(orderId: string): string {
  return `/app/templates/new?orderId=${encodeURIComponent(orderId)}`;
}

/**
 * The order as its recurring invoice would be, with the form's defaults.
 *
 * Inputs: the shop's Admin API session, the shop, the order's id
 * (untrusted), the language amounts are formatted in, whether the shop
 * granted the Shopify rail's scope, the clock.
 * Effects: none (reads Shopify: the order, and the app's granted scopes).
 * Errors: OrderImportError (the order is not the shop's, cannot recur as
 * it is, or Shopify fails).
 */
export async function previewForOrderAction(
  admin: AdminGraphql,
  shop: Pick<Shop, "timeZone" | "settings">,
  orderId: string,
  locale: Locale,
  railAccess: RailAccess,
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
    rails: { choices: [...BILLING_RAILS], default: initialValues.rail ?? "stripe", shopifyGranted: await railAccess() },
  };
}
