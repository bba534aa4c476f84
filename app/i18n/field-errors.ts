// Refused fields in words. The merchant reads a field error in their
// language: the form's own checks and the templates service's refusals share
// the `form.error.<code>` messages, so the same problem reads the same
// wherever it was found. Logs and API callers read the English detail of the
// refusal (ValidationError.fieldErrors), which may say more (which check,
// which amount). Limits (500 characters…) come from the rules themselves.
import {
  INPUT_LIMITS,
  isDetailedRefusal,
  type FieldErrorValue,
  type FieldIssue,
  type FieldProblem,
  type FormErrorCode,
  type InputRefusal,
} from "~/domain/template-input";
import type { OrderActionFieldCode } from "~/domain/order-action-request";
import { translator, type Locale, type Translate } from "./index";
import { formatCivilDate } from "./format";

/** What the merchant's page shows for a refused field, in their language. */
export function fieldErrorText(t: Translate, locale: Locale, problem: FieldProblem | FormErrorCode): string {
  const { code, values } = typeof problem === "string" ? { code: problem, values: undefined } : problem;
  return t(`form.error.${code}`, valuesText(values, (date) => formatCivilDate(date, locale)));
}

// Made before any dictionary is loaded is fine: a translator reads its words at each call.
const english = translator("en");

/** The English detail of a refusal, for logs and API callers: civil dates as written ("2026-01-09"). */
export function refusalDetail(refusal: InputRefusal, values?: Record<string, FieldErrorValue>): string {
  const shown = valuesText(values, (date) => date);
  return isDetailedRefusal(refusal) ? english(`input.detail.${refusal}`, shown) : english(`form.error.${refusal}`, shown);
}

/** The English detail of a field the template input's schemas refused: the refusal's, or zod's own words for a check without one. */
export function fieldIssueDetail(issue: FieldIssue): string {
  return "refusal" in issue ? refusalDetail(issue.refusal, issue.values) : issue.zodMessage;
}

/** What the order page's quick action says about a field of its request. */
export function orderActionFieldText(t: Translate, code: OrderActionFieldCode): string {
  return t(`orderAction.error.${code}`);
}

function valuesText(values: Record<string, FieldErrorValue> | undefined, civilDate: (date: string) => string): Record<string, string | number> {
  const shown: Record<string, string | number> = { ...INPUT_LIMITS };
  for (const [name, value] of Object.entries(values ?? {})) shown[name] = typeof value === "object" ? civilDate(value.civilDate) : value;
  return shown;
}
