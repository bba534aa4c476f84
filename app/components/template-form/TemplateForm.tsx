// The recurring-invoice form, shared by "make recurring" and "edit": lines
// with live totals, schedule with a live preview of the next 12 invoices in
// the shop's time zone, invoice options. Checks run in the browser with the
// same code the server runs (app/domain/template-form.ts); the server's
// answer is shown the same way, inline and in a Banner.
//
// This file holds the form's state and its checks; each section of the form
// is a component beside it, given the values, a setter and the error to show
// per field.
import { useFetcher } from "@remix-run/react";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { BlockStack, Layout, PageActions } from "@shopify/polaris";
import {
  formDraft,
  formSchedule,
  parseTemplateForm,
  previewOccurrences,
  type FormErrors,
  type TemplateFormContext,
  type TemplateFormLine,
  type TemplateFormValues,
} from "~/domain/template-form";
import type { FieldProblem } from "~/domain/template-input";
import { FormSaveBar } from "~/components/FormSaveBar";
import type { MessageKey, Translate } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";
import { useI18n } from "~/i18n/react";
import { CustomerSection } from "./CustomerSection";
import type { SetField } from "./fields";
import { InvoiceOptionsSection } from "./InvoiceOptionsSection";
import { LinesSection } from "./LinesSection";
import { PreviewSection } from "./PreviewSection";
import { ProblemsBanner } from "./ProblemsBanner";
import { RailSection } from "./RailSection";
import { ScheduleSection } from "./ScheduleSection";
import type { PreviewSource, ShopifyTotalPreview } from "~/services/templates/shopify-total-preview.server";

export const PREVIEW_COUNT = 12;

type Props = {
  initialValues: TemplateFormValues;
  context: TemplateFormContext;
  customerName: string;
  /** B2B: the Shopify company location the template bills. */
  company?: { name: string; location: string } | null;
  /** The order's total, to compare with one invoice (new templates only). */
  orderTotal?: number;
  /** Field errors the server answered: the form's own checks (codes), and the templates service's refusals (codes with values). */
  serverErrors?: FormErrors;
  serverMessages?: Record<string, FieldProblem>;
  submitting: boolean;
  submitLabel: string;
  /** Preview from this instant on (editing), instead of from the first invoice. */
  previewFrom?: string;
  onSubmit: (values: TemplateFormValues) => void;
  /** Whether the shop granted what "Shopify invoice" needs (otherwise choosing it asks for it). */
  shopifyRailGranted: boolean;
  /** Editing: a change of rail applies from the next period (the form says so). */
  railChangeApplies?: "nextPeriod";
  /** Whose form this is, for Shopify's own calculation of the total (Shopify invoice rail). */
  shopifyTotalSource: PreviewSource;
};

const NO_ERRORS: FormErrors = {};
const NO_MESSAGES: Record<string, FieldProblem> = {};

/** How long the form waits after the last change before asking Shopify for its total. */
const SHOPIFY_TOTAL_DEBOUNCE_MS = 600;

export function TemplateForm(props: Props) {
  const { t, locale } = useI18n();
  const { context } = props;
  const [values, setValues] = useState<TemplateFormValues>(props.initialValues);
  const [attempted, setAttempted] = useState(false);
  const newLineCounter = useRef(0);

  // What a change of a field costs before the browser paints it is the
  // section that shows the field: the checks (zod), the preview beside the
  // form (totals, the next dates through the recurrence engine) and the
  // Shopify total follow the values a render later, and each section
  // re-renders only when its own fields, errors or setters change (memo) —
  // a change of frequency, or the click on Save, no longer re-renders the
  // lines and the preview (INP, bench/vitals.ts).
  const previewed = useDeferredValue(values);
  const parsed = useMemo(() => parseTemplateForm(previewed, context), [previewed, context]);
  const clientErrors = useMemo(() => (parsed.ok ? {} : parsed.errors), [parsed]);
  const draft = useMemo(() => formDraft(previewed, context), [previewed, context]);
  const schedule = useMemo(() => formSchedule(previewed, context), [previewed, context]);
  const preview = useMemo(
    () => (schedule ? previewOccurrences(schedule, PREVIEW_COUNT, props.previewFrom) : []),
    [schedule, props.previewFrom],
  );

  // On the Shopify rail, Shopify's own total for what the form says now (taxes for the
  // customer's address, its rounding), asked once the form stops changing.
  const shopifyTotal = useFetcher<ShopifyTotalPreview>();
  const asksShopify = previewed.rail === "shopify" && props.shopifyRailGranted && Object.keys(clientErrors).length === 0;
  const valuesKey = useMemo(() => JSON.stringify(previewed), [previewed]);
  const sourceKey = JSON.stringify(props.shopifyTotalSource);
  const submitShopifyTotal = shopifyTotal.submit;
  useEffect(() => {
    if (!asksShopify) return;
    const timer = setTimeout(() => {
      const body = { source: JSON.parse(sourceKey) as PreviewSource, values: JSON.parse(valuesKey) as TemplateFormValues };
      submitShopifyTotal(body, { method: "post", action: "/app/templates/shopify-total", encType: "application/json" });
    }, SHOPIFY_TOTAL_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [asksShopify, valuesKey, sourceKey, submitShopifyTotal]);
  const shopifyPreview = !asksShopify ? null : shopifyTotal.state !== "idle" || !shopifyTotal.data ? "loading" : shopifyTotal.data;

  // Client checks once the merchant tried to submit; the server's answer until then.
  const { serverErrors, serverMessages } = props;
  const errors: FormErrors = useMemo(() => {
    const shown = { ...(serverErrors ?? {}), ...(attempted ? clientErrors : {}) };
    // None before Save and none after a valid Save are the same object: the sections need not re-render for it.
    return Object.keys(shown).length === 0 ? NO_ERRORS : shown;
  }, [serverErrors, attempted, clientErrors]);
  const messages = serverMessages ?? NO_MESSAGES;
  const errorOf = useCallback(
    (field: string): string | undefined => {
      const problem = errors[field] ?? messages[field];
      return problem ? fieldErrorText(t, locale, problem) : undefined;
    },
    [errors, messages, t, locale],
  );
  const problems = useMemo(
    () => [
      ...Object.entries(errors).map(([field, code]) => `${fieldLabel(t, field)}: ${fieldErrorText(t, locale, code)}`),
      ...Object.entries(messages)
        .filter(([field]) => !errors[field])
        .map(([field, problem]) => `${fieldLabel(t, field)}: ${fieldErrorText(t, locale, problem)}`),
    ],
    [errors, messages, t, locale],
  );

  const set = useCallback<SetField>((key) => (value) => setValues((current) => ({ ...current, [key]: value })), []);
  const setLine = useCallback(
    (index: number, patch: Partial<TemplateFormLine>) =>
      setValues((current) => ({ ...current, lines: current.lines.map((line, i) => (i === index ? { ...line, ...patch } : line)) })),
    [],
  );
  const removeLine = useCallback((index: number) => setValues((current) => ({ ...current, lines: current.lines.filter((_, i) => i !== index) })), []);
  const addLine = useCallback(() => {
    newLineCounter.current += 1;
    setValues((current) => ({
      ...current,
      // A new line is taxed like the first line of the order: same products, same tax regime.
      // It has no variantId (lines from the order carry theirs through `setLine`): it is written back to Shopify as a custom line.
      lines: [
        ...current.lines,
        { key: `new-${newLineCounter.current}`, title: "", quantity: "1", unitPrice: "", discount: "0", taxLines: current.lines[0]?.taxLines ?? [] },
      ],
    }));
  }, []);

  // Unsaved changes: the values differ from what the page loaded (the order's, or the template's).
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(props.initialValues), [values, props.initialValues]);
  const discard = () => {
    setValues(props.initialValues);
    setAttempted(false);
  };

  const submit = () => {
    // The checks of these very values were made already unless a change is still being previewed.
    const result = previewed === values ? parsed : parseTemplateForm(values, context);
    setAttempted(true);
    if (result.ok) props.onSubmit(values);
    // The Banner at the top lists what to fix.
    else window.scrollTo({ top: 0, behavior: "smooth" });
  };
  const serverAnswered = Object.keys(props.serverErrors ?? {}).length + Object.keys(props.serverMessages ?? {}).length > 0;
  useEffect(() => {
    if (serverAnswered) window.scrollTo({ top: 0, behavior: "smooth" });
  }, [serverAnswered, props.serverErrors, props.serverMessages]);

  // Each section's own fields, the same object while they do not change (the sections are memo'd).
  const { customerEmail, frequency, customEvery, customUnit, anchor, timeOfDay, endMode, endAfterCount, endUntil, rail } = values;
  const { daysUntilDue, catchUp, signatureRequested, memo: invoiceMemo } = values;
  const customerValues = useMemo(() => ({ customerEmail }), [customerEmail]);
  const scheduleValues = useMemo(
    () => ({ frequency, customEvery, customUnit, anchor, timeOfDay, endMode, endAfterCount, endUntil }),
    [frequency, customEvery, customUnit, anchor, timeOfDay, endMode, endAfterCount, endUntil],
  );
  const railValues = useMemo(() => ({ rail }), [rail]);
  const optionValues = useMemo(() => ({ daysUntilDue, catchUp, signatureRequested, memo: invoiceMemo }), [daysUntilDue, catchUp, signatureRequested, invoiceMemo]);

  return (
    <BlockStack gap="400">
      <FormSaveBar id="template-form-save-bar" dirty={dirty} saving={props.submitting} onSave={submit} onDiscard={discard} />
      <ProblemsBanner problems={problems} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <CustomerSection customerName={props.customerName} company={props.company} values={customerValues} set={set} errorOf={errorOf} />
            <LinesSection
              lines={values.lines}
              context={context}
              draft={draft}
              orderTotal={props.orderTotal}
              errorOf={errorOf}
              onLineChange={setLine}
              onRemoveLine={removeLine}
              onAddLine={addLine}
            />
            <ScheduleSection values={scheduleValues} timeZone={context.timeZone} set={set} errorOf={errorOf} />
            <RailSection
              values={railValues}
              set={set}
              errorOf={errorOf}
              shopifyRailGranted={props.shopifyRailGranted}
              changeAppliesFromNextPeriod={props.railChangeApplies === "nextPeriod"}
            />
            <InvoiceOptionsSection values={optionValues} set={set} errorOf={errorOf} />
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <PreviewSection
            count={PREVIEW_COUNT}
            occurrences={preview}
            complete={schedule !== null && draft !== null}
            draft={draft}
            currency={context.currency}
            timeZone={context.timeZone}
            timeOfDay={previewed.timeOfDay}
            shopify={shopifyPreview}
          />
        </Layout.Section>
      </Layout>
      <PageActions primaryAction={{ content: props.submitLabel, onAction: submit, loading: props.submitting }} />
    </BlockStack>
  );
}

/** "Line 2 — Quantity", "First invoice date"… for the Banner listing what to fix. */
function fieldLabel(t: Translate, field: string): string {
  const line = /^lines\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (line) {
    const n = Number(line[1]) + 1;
    const part = LINE_FIELD_LABELS[line[2] ?? ""];
    return part ? `${t("form.lines.line", { n })} — ${t(part)}` : t("form.lines.line", { n });
  }
  const label = FIELD_LABELS[field];
  return label ? t(label) : field;
}

const LINE_FIELD_LABELS: Record<string, MessageKey> = {
  title: "form.lines.title",
  quantity: "form.lines.quantity",
  unitAmount: "form.lines.unitPrice",
  discountAmount: "form.lines.discount",
};

const FIELD_LABELS: Record<string, MessageKey> = {
  lines: "form.lines.heading",
  "customer.email": "form.customer.email",
  "customer.name": "form.customer.heading",
  "schedule.every": "form.schedule.every",
  "schedule.anchor": "form.schedule.anchor",
  "schedule.timeOfDay": "form.schedule.timeOfDay",
  "schedule.end.afterCount": "form.schedule.end.afterCount",
  "schedule.end.until": "form.schedule.end.untilDate",
  schedule: "form.schedule.heading",
  "policies.daysUntilDue": "form.invoice.daysUntilDue",
  "policies.catchUp": "form.invoice.catchUp",
  memo: "form.invoice.memo",
  currency: "form.currency",
  rail: "rail.heading",
};
