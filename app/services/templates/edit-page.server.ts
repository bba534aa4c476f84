// Editing a template: the form filled with its current values, and saving
// it. Scoped by shop: another shop's template is a NotFoundError (404).
import type { Shop } from "@prisma/client";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { NotFoundError, TransitionError, ValidationError, type TransitionErrorCode } from "~/domain/errors";
import { todayIn } from "~/domain/schedule-dates";
import {
  formLinesOf,
  keepKnownVariants,
  parseTemplateForm,
  scheduleFieldsOf,
  templateFormValuesSchema,
  type FormErrors,
  type TemplateFormContext,
  type TemplateFormValues,
} from "~/domain/template-form";
import type { FieldProblem } from "~/domain/template-input";
import { railTakesCurrency, type BillingRail } from "~/domain/billing";
import { findTemplateForShop, type Template, type TemplateStatus } from "~/models/template.server";
import type { RailAccess } from "~/services/shopify/rail-access.server";
import { editTemplate } from "./edit.server";

export type TemplateEditSetup = {
  templateId: string;
  customerName: string;
  /** B2B: the Shopify company location the template bills; null: the customer. */
  company: { name: string; location: string } | null;
  status: TemplateStatus;
  editable: boolean;
  context: TemplateFormContext;
  initialValues: TemplateFormValues;
};

/**
 * The form for editing a template, filled with its current values. Reads only.
 * @throws NotFoundError
 */
export async function prepareTemplateEdit(shop: Pick<Shop, "id">, templateId: string, clock: Clock = appClock): Promise<TemplateEditSetup> {
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  return {
    templateId: template.id,
    customerName: template.customer.name,
    company: template.customer.company ? { name: template.customer.company.companyName, location: template.customer.company.locationName } : null,
    status: template.status,
    editable: template.status === "active" || template.status === "paused",
    context: editContextOf(template, clock),
    initialValues: {
      ...scheduleFieldsOf(template.schedule),
      anchor: template.schedule.anchor,
      timeOfDay: template.schedule.timeOfDay,
      lines: formLinesOf(template.lines, template.currency),
      customerEmail: template.customer.email,
      daysUntilDue: String(template.daysUntilDue),
      catchUp: template.catchUpPolicy ?? "shop",
      signatureRequested: template.signatureRequested,
      memo: template.memo ?? "",
      rail: railOf(template),
    },
  };
}

/** The template's rail ("stripe" for anything but "shopify", as the planner reads it). */
export function railOf(template: Pick<Template, "rail">): BillingRail {
  return template.rail === "shopify" ? "shopify" : "stripe";
}

/** What the form cannot change when editing `template`. */
export function editContextOf(template: Template, clock: Clock): TemplateFormContext {
  return {
    currency: template.currency,
    taxesIncluded: template.taxesIncluded,
    shipping: template.shipping,
    timeZone: template.schedule.timeZone,
    today: todayIn(template.schedule.timeZone, clock.now()),
    currentAnchor: template.schedule.anchor,
  };
}

export type SaveEditResult =
  | { ok: true }
  /** The posted values are not the form's at all (not a refusal to show by field). */
  | { ok: false; code: "invalid_form"; errors: FormErrors; messages: Record<string, FieldProblem> }
  | { ok: false; errors: FormErrors; messages: Record<string, FieldProblem> }
  | { ok: false; code: TransitionErrorCode; errors: FormErrors; messages: Record<string, FieldProblem> };

/**
 * Saves the edited form.
 *
 * Inputs: the shop, the template's id, the form's values as posted
 * (untrusted), the clock.
 * Effects: the form's checks, then editTemplate: only periods not issued yet change.
 * Switching to "Shopify invoice" is refused on `rail` (`rail_scope_missing`)
 * while the shop has not granted the rail's scope (`railAccess`); a
 * template already on it is not asked again.
 * Idempotency: saving the same values again writes the same content.
 * Errors: NotFoundError; refused values, and a template that can no longer
 * change (ended, cancelled), are results.
 */
export async function saveTemplateEdit(
  shop: Pick<Shop, "id" | "currency">,
  templateId: string,
  values: unknown,
  railAccess: RailAccess = async () => false,
  clock: Clock = appClock,
): Promise<SaveEditResult> {
  const posted = templateFormValuesSchema.safeParse(values);
  if (!posted.success) return { ok: false, code: "invalid_form", errors: {}, messages: {} };
  const template = await findTemplateForShop(shop.id, templateId);
  if (!template) throw new NotFoundError("template", templateId);
  const parsed = parseTemplateForm(posted.data, editContextOf(template, clock));
  if (!parsed.ok) return { ok: false, errors: parsed.errors, messages: {} };
  const form = parsed.value;
  if (form.rail === "shopify" && railOf(template) !== "shopify" && !(await railAccess())) {
    return { ok: false, errors: { rail: "rail_scope_missing" }, messages: {} };
  }
  if (form.rail && !railTakesCurrency(form.rail, template.currency, shop.currency)) {
    return { ok: false, errors: { rail: "rail_currency_unsupported" }, messages: {} };
  }
  try {
    await editTemplate(
      shop,
      templateId,
      {
        customer: { ...template.customer, email: form.customerEmail },
        lines: keepKnownVariants(form.lines, template.lines),
        memo: form.memo,
        schedule: form.schedule,
        policies: { catchUp: form.catchUp, daysUntilDue: form.daysUntilDue, signatureRequested: form.signatureRequested },
        ...(form.rail ? { rail: form.rail } : {}),
      },
      { clock },
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: {}, messages: error.problems };
    if (error instanceof TransitionError) return { ok: false, code: error.code, errors: {}, messages: {} };
    throw error;
  }
}
