// What the form's sections receive from the form: a setter per field, and
// the error text to show beside a field (the form decides which errors show).
import type { TemplateFormValues } from "~/domain/template-form";

/** `set("memo")` is the onChange of the memo field. */
export type SetField = <K extends keyof TemplateFormValues>(key: K) => (value: TemplateFormValues[K]) => void;

/** The error to show beside `field` (a dotted path such as "lines.0.quantity"), in the merchant's words. */
export type ErrorOf = (field: string) => string | undefined;
