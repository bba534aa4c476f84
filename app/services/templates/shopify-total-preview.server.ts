// The template form's preview on the Shopify invoice rail: Shopify's own
// calculation of one invoice (draftOrderCalculate, nothing created) next to
// the template's total, for the form as the merchant has filled it so far, so
// a difference (Shopify's taxes for the customer's address, its rounding, an
// exemption) is explained before they save. The worker records the same
// Shopify total on each run (issue-run.server.ts, the "lines" step).
import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { BillingError } from "~/domain/billing";
import type { Clock } from "~/domain/clock";
import { ValidationError } from "~/domain/errors";
import type { OrderSnapshot } from "~/domain/order-snapshot";
import { todayIn } from "~/domain/schedule-dates";
import type { TemplateContent } from "~/domain/template-content";
import { keepKnownVariants, parseTemplateForm, templateFormValuesSchema, type TemplateFormContext } from "~/domain/template-form";
import type { ShopAdminFor } from "~/gateways/shopify/billing-adapter.server";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { findTemplateForShop } from "~/models/template.server";
import { loadOrderSnapshot } from "~/services/orders/load-order.server";
import { formContextOf } from "~/services/orders/template-form-setup.server";
import type { RailAccess } from "~/services/shopify/rail-access.server";
import { editContextOf } from "./edit-page.server";
import { compareShopifyTotal, type ShopifyTotalComparison } from "./shopify-total.server";

/** Whose form it is: a new template for an order, or an existing template. */
export type PreviewSource = { orderId: string } | { templateId: string };

export type ShopifyTotalPreview =
  | { state: "ready"; comparison: ShopifyTotalComparison }
  /** The form cannot make an invoice yet (a field to fix): the form says which. */
  | { state: "incomplete" }
  /** The shop has not granted draft orders: the form asks for it. */
  | { state: "scope_missing" }
  /** Shopify refused or could not be reached: the template's own total stands, the run will record Shopify's. */
  | { state: "unavailable" };

/**
 * Shopify's total for one invoice of the form's values.
 *
 * Inputs: the shop, the shop's Admin client (the merchant's request), where
 * the form comes from (an order: read again from Shopify; a template: read
 * from the database, scoped by shop), the form's values as posted
 * (untrusted), whether the shop granted the rail's scope, the clock.
 * Effects: one draftOrderCalculate call (and the order's read); nothing is
 * created or stored.
 * Errors: NotFoundError-like absence answers "incomplete" (nothing to show);
 * OrderImportError when the order cannot be used; Shopify's refusals are a
 * result ("unavailable"), never an error page.
 */
export async function previewShopifyTotal(
  shop: Pick<Shop, "id" | "domain" | "timeZone">,
  admin: AdminGraphql,
  source: PreviewSource,
  values: unknown,
  railAccess: RailAccess,
  clock: Clock = appClock,
): Promise<ShopifyTotalPreview> {
  const posted = templateFormValuesSchema.safeParse(values);
  if (!posted.success) return { state: "incomplete" };
  const base = await baseOf(shop, admin, source, clock);
  if (!base) return { state: "incomplete" };
  const parsed = parseTemplateForm(posted.data, base.context);
  if (!parsed.ok) return { state: "incomplete" };
  if (!(await railAccess())) return { state: "scope_missing" };
  const form = parsed.value;
  const content: TemplateContent = {
    customer: { ...base.customer, email: form.customerEmail },
    currency: base.context.currency,
    lines: keepKnownVariants(form.lines, base.knownLines),
    taxesIncluded: base.context.taxesIncluded,
    shipping: base.context.shipping,
    memo: form.memo,
    daysUntilDue: form.daysUntilDue,
    signatureRequested: form.signatureRequested,
    rail: "shopify",
  };
  const adminFor: ShopAdminFor = async () => admin;
  try {
    return { state: "ready", comparison: await compareShopifyTotal(shop.domain, content, { periodDate: form.schedule.anchor, adminFor }) };
  } catch (error) {
    if (error instanceof ValidationError) return { state: "incomplete" };
    if (error instanceof BillingError) return { state: "unavailable" };
    throw error;
  }
}

type Base = { context: TemplateFormContext; customer: TemplateContent["customer"]; knownLines: OrderSnapshot["lines"] };

async function baseOf(shop: Pick<Shop, "id" | "timeZone">, admin: AdminGraphql, source: PreviewSource, clock: Clock): Promise<Base | null> {
  if ("orderId" in source) {
    const snapshot = await loadOrderSnapshot(admin, source.orderId);
    return { context: formContextOf(snapshot, shop.timeZone, todayIn(shop.timeZone, clock.now())), customer: snapshot.customer, knownLines: snapshot.lines };
  }
  const template = await findTemplateForShop(shop.id, source.templateId);
  return template && { context: editContextOf(template, clock), customer: template.customer, knownLines: template.lines };
}
