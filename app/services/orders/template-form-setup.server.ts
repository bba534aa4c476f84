import { Temporal } from "temporal-polyfill";
import type { Shop } from "@prisma/client";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import type { OrderSnapshot } from "~/domain/order-snapshot";
import { todayIn } from "~/domain/schedule-dates";
import { formLinesOf, scheduleFieldsOf, type TemplateFormContext, type TemplateFormValues } from "~/domain/template-form";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { readSettings } from "~/models/shop.server";
import { loadOrderSnapshot } from "./load-order.server";

export type TemplateFormSetup = {
  snapshot: OrderSnapshot;
  context: TemplateFormContext;
  initialValues: TemplateFormValues;
  /** B2B: the Shopify company location the template will bill (the form says so); null: the customer. */
  company: { name: string; location: string } | null;
};

/**
 * Everything the template form needs to make an order recurring ("Make
 * recurring" page, and the order page's action preview).
 *
 * Inputs: the shop's Admin API session, the shop (time zone, settings), the
 * order's id (untrusted), the clock.
 * Effects: none (reads Shopify).
 * Returns the order's snapshot, what the form cannot change, and initial
 * values from the shop's defaults: monthly, first invoice one period after
 * today's date, so the customer who just paid is not invoiced again today;
 * for an order placed for a company location with payment terms, the due
 * delay is the location's.
 * Errors: OrderImportError (see loadOrderSnapshot).
 */
export async function prepareTemplateFromOrder(
  admin: AdminGraphql,
  shop: Pick<Shop, "timeZone" | "settings">,
  orderId: string,
  clock: Clock = appClock,
): Promise<TemplateFormSetup> {
  return setupFromSnapshot(await loadOrderSnapshot(admin, orderId), shop, clock);
}

/** The form's setup for an order already read. */
export function setupFromSnapshot(snapshot: OrderSnapshot, shop: Pick<Shop, "timeZone" | "settings">, clock: Clock): TemplateFormSetup {
  const settings = readSettings(shop);
  const today = todayIn(shop.timeZone, clock.now());
  const company = snapshot.customer.company;
  return {
    snapshot,
    company: company ? { name: company.companyName, location: company.locationName } : null,
    context: formContextOf(snapshot, shop.timeZone, today),
    initialValues: {
      ...scheduleFieldsOf({ every: 1, unit: "month" }),
      anchor: Temporal.PlainDate.from(today).add({ months: 1 }).toString(),
      timeOfDay: settings.timeOfDay,
      lines: formLinesOf(snapshot.lines, snapshot.currency),
      customerEmail: snapshot.customer.email,
      // A B2B order's location terms when it has some (net 30 → 30), else the shop's default.
      daysUntilDue: String(snapshot.companyTermsDays ?? settings.daysUntilDue),
      catchUp: "shop",
      signatureRequested: settings.signatureRequested,
      memo: "",
      rail: settings.defaultRail,
    },
  };
}

/** What the form cannot change about an order's template: it comes from the order and the shop. */
export function formContextOf(snapshot: OrderSnapshot, timeZone: string, today: string): TemplateFormContext {
  return { currency: snapshot.currency, taxesIncluded: snapshot.taxesIncluded, shipping: snapshot.shipping, timeZone, today };
}
