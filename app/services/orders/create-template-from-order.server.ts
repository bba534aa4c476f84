import type { Shop } from "@prisma/client";
import { type Clock } from "~/domain/clock";
import { railTakesCurrency } from "~/domain/billing";
import { appClock } from "~/clock.server";
import { ValidationError } from "~/domain/errors";
import { PlanLimitError } from "~/domain/plan";
import type { OrderSnapshot } from "~/domain/order-snapshot";
import { todayIn } from "~/domain/schedule-dates";
import { keepKnownVariants, parseTemplateForm, templateFormValuesSchema, type FormErrors, type TemplateFormValues } from "~/domain/template-form";
import type { CreateTemplateInput, FieldProblem } from "~/domain/template-input";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { readSettings } from "~/models/shop.server";
import type { RailAccess } from "~/services/shopify/rail-access.server";
import { createTemplate } from "~/services/templates/create.server";
import { loadOrderSnapshot } from "./load-order.server";
import { formContextOf } from "./template-form-setup.server";

export type CreateFromOrderResult =
  | { ok: true; templateId: string }
  /** The posted values are not the form's at all (not a refusal to show by field). */
  | { ok: false; invalidForm: true }
  /** `errors`: codes for fields the form checks; `messages`: what the templates service refused, as it said it. */
  | { ok: false; errors: FormErrors; messages: Record<string, FieldProblem> }
  /** The shop's plan has no room for one more active template: nothing was created; upgrade at `planSelectionUrl`. */
  | { ok: false; planLimit: PlanLimitRefusal };

export type PlanLimitRefusal = { limit: number; active: number; planSelectionUrl: string };

/**
 * Creates an active template from the order and the merchant's form ("Make recurring" page).
 *
 * Inputs: the shop's Admin API session, the shop, the order's id, the
 * form's values as posted (untrusted), the clock.
 * Effects: reads the order again from Shopify, checks the values exactly as
 * the browser checked them, then creates the template (see createTemplate),
 * which checks them again with the rest of its rules. A template paid by
 * Shopify invoice (chosen, or the shop's default) is refused on `rail`
 * (`rail_scope_missing`) while the shop has not granted the rail's scope
 * (`railAccess`): nothing is created.
 * Idempotency: none; each accepted call creates a template.
 * Errors: OrderImportError when the order itself cannot be used; refused
 * values are a result, field by field, and so is the plan's limit (`planLimit`).
 */
export async function createTemplateFromOrder(
  admin: AdminGraphql,
  shop: Pick<Shop, "id" | "timeZone" | "settings" | "currency">,
  orderId: string,
  values: unknown,
  railAccess: RailAccess,
  clock: Clock = appClock,
): Promise<CreateFromOrderResult> {
  const posted = templateFormValuesSchema.safeParse(values);
  if (!posted.success) return { ok: false, invalidForm: true };
  return createFromSnapshot(shop, await loadOrderSnapshot(admin, orderId), posted.data, { clock, railAccess });
}

/** The template the form's values make for an order already read: the form's checks, then the templates service. */
export async function createFromSnapshot(
  shop: Pick<Shop, "id" | "timeZone" | "settings" | "currency">,
  snapshot: OrderSnapshot,
  values: TemplateFormValues,
  options: { clock: Clock; idempotencyKey?: string; railAccess: RailAccess },
): Promise<Exclude<CreateFromOrderResult, { invalidForm: true }>> {
  const { clock } = options;
  const parsed = parseTemplateForm(values, formContextOf(snapshot, shop.timeZone, todayIn(shop.timeZone, clock.now())));
  if (!parsed.ok) return { ok: false, errors: parsed.errors, messages: {} };

  const form = parsed.value;
  const rail = form.rail ?? readSettings(shop).defaultRail;
  if (rail === "shopify" && !(await options.railAccess())) return { ok: false, errors: { rail: "rail_scope_missing" }, messages: {} };
  if (!railTakesCurrency(rail, snapshot.currency, shop.currency)) return { ok: false, errors: { rail: "rail_currency_unsupported" }, messages: {} };
  const input: CreateTemplateInput = {
    sourceOrderId: snapshot.sourceOrderId,
    currency: snapshot.currency,
    customer: { ...snapshot.customer, email: form.customerEmail },
    lines: keepKnownVariants(form.lines, snapshot.lines),
    taxesIncluded: snapshot.taxesIncluded,
    shipping: snapshot.shipping,
    memo: form.memo,
    schedule: form.schedule,
    policies: { catchUp: form.catchUp, daysUntilDue: form.daysUntilDue, signatureRequested: form.signatureRequested },
    rail,
  };
  try {
    const template = await createTemplate(shop, input, { clock, idempotencyKey: options.idempotencyKey });
    return { ok: true, templateId: template.id };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: {}, messages: error.problems };
    if (error instanceof PlanLimitError) return { ok: false, planLimit: { limit: error.limit, active: error.active, planSelectionUrl: error.upgradeUrl } };
    throw error;
  }
}
