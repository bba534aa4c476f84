// A field error in the merchant's language: the form's own checks and the
// templates service's refusals share the `form.error.<code>` messages, so the
// same problem reads the same wherever it was found.
import type { FieldErrorValue, FieldProblem, FormErrorCode } from "~/domain/template-form";
import type { Locale, Translate } from "./index";
import { formatCivilDate } from "./format";

export function fieldErrorText(t: Translate, locale: Locale, problem: FieldProblem | FormErrorCode): string {
  const { code, values } = typeof problem === "string" ? { code: problem, values: undefined } : problem;
  const shown: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values ?? {})) shown[name] = valueText(value, locale);
  return t(`form.error.${code}`, shown);
}

function valueText(value: FieldErrorValue, locale: Locale): string | number {
  return typeof value === "object" ? formatCivilDate(value.civilDate, locale) : value;
}
