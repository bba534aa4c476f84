// The recurring-invoice form, shared by "make recurring" and "edit": lines
// with live totals, schedule with a live preview of the next 12 invoices in
// the shop's time zone, invoice options. Checks run in the browser with the
// same code the server runs (app/domain/template-form.ts); the server's
// answer is shown the same way, inline and in a Banner.
import { useEffect, useMemo, useRef, useState } from "react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Checkbox,
  ChoiceList,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  List,
  PageActions,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import {
  CATCH_UP_CHOICES,
  FREQUENCY_CHOICES,
  formDraft,
  formSchedule,
  parseTemplateForm,
  previewOccurrences,
  type FormErrors,
  type TemplateFormContext,
  type TemplateFormLine,
  type TemplateFormValues,
} from "~/domain/template-form";
import { SCHEDULE_UNITS } from "~/domain/schedule";
import { MAX_MEMO_LENGTH, type FieldProblem } from "~/domain/template-input";
import type { MessageKey, Translate } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";
import { formatAmount, formatCivilDate, formatDateTime, formatPercent } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import { SectionCard } from "./SectionCard";

export const PREVIEW_COUNT = 12;

type Props = {
  initialValues: TemplateFormValues;
  context: TemplateFormContext;
  customerName: string;
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
};

export function TemplateForm(props: Props) {
  const { t, locale } = useI18n();
  const { context } = props;
  const [values, setValues] = useState<TemplateFormValues>(props.initialValues);
  const [attempted, setAttempted] = useState(false);
  const newLineCounter = useRef(0);

  const clientErrors = useMemo(() => {
    const result = parseTemplateForm(values, context);
    return result.ok ? {} : result.errors;
  }, [values, context]);
  const draft = useMemo(() => formDraft(values, context), [values, context]);
  const schedule = useMemo(() => formSchedule(values, context), [values, context]);
  const preview = useMemo(
    () => (schedule ? previewOccurrences(schedule, PREVIEW_COUNT, props.previewFrom) : []),
    [schedule, props.previewFrom],
  );

  // Client checks once the merchant tried to submit; the server's answer until then.
  const errors: FormErrors = { ...(props.serverErrors ?? {}), ...(attempted ? clientErrors : {}) };
  const messages = props.serverMessages ?? {};
  const errorOf = (field: string): string | undefined => {
    const problem = errors[field] ?? messages[field];
    return problem ? fieldErrorText(t, locale, problem) : undefined;
  };
  const problems = [
    ...Object.entries(errors).map(([field, code]) => `${fieldLabel(t, field)}: ${fieldErrorText(t, locale, code)}`),
    ...Object.entries(messages)
      .filter(([field]) => !errors[field])
      .map(([field, problem]) => `${fieldLabel(t, field)}: ${fieldErrorText(t, locale, problem)}`),
  ];

  const set = <K extends keyof TemplateFormValues>(key: K) => (value: TemplateFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));
  const setLine = (index: number, patch: Partial<TemplateFormLine>) =>
    setValues((current) => ({ ...current, lines: current.lines.map((line, i) => (i === index ? { ...line, ...patch } : line)) }));
  const removeLine = (index: number) => setValues((current) => ({ ...current, lines: current.lines.filter((_, i) => i !== index) }));
  const addLine = () => {
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
  };

  const submit = () => {
    const result = parseTemplateForm(values, context);
    setAttempted(true);
    if (result.ok) props.onSubmit(values);
    // The Banner at the top lists what to fix.
    else window.scrollTo({ top: 0, behavior: "smooth" });
  };
  const serverAnswered = Object.keys(props.serverErrors ?? {}).length + Object.keys(props.serverMessages ?? {}).length > 0;
  useEffect(() => {
    if (serverAnswered) window.scrollTo({ top: 0, behavior: "smooth" });
  }, [serverAnswered, props.serverErrors, props.serverMessages]);

  const money = (minor: number) => formatAmount(minor, context.currency, locale);
  const taxMode = context.taxesIncluded ? t("form.lines.taxesIncluded") : t("form.lines.taxesAdded");

  return (
    <BlockStack gap="400">
      {problems.length > 0 && (
        <Banner tone="critical" title={t("form.errors.title", { count: problems.length })}>
          <List>
            {problems.map((problem) => (
              <List.Item key={problem}>{problem}</List.Item>
            ))}
          </List>
        </Banner>
      )}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <SectionCard heading={t("form.customer.heading")}>
              <Text as="p">{props.customerName}</Text>
              <TextField
                label={t("form.customer.email")}
                type="email"
                autoComplete="email"
                value={values.customerEmail}
                onChange={set("customerEmail")}
                error={errorOf("customer.email")}
                helpText={t("form.customer.emailHelp")}
              />
            </SectionCard>

            <SectionCard heading={t("form.lines.heading")}>
              {values.lines.map((line, index) => (
                <BlockStack gap="200" key={line.key}>
                  <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="200">
                    <TextField
                      label={t("form.lines.title")}
                      autoComplete="off"
                      value={line.title}
                      onChange={(title) => setLine(index, { title })}
                      error={errorOf(`lines.${index}.title`)}
                      helpText={[line.variantTitle, line.sku && t("form.lines.sku", { sku: line.sku })].filter(Boolean).join(" · ") || undefined}
                    />
                    <TextField
                      label={t("form.lines.quantity")}
                      type="number"
                      min={1}
                      autoComplete="off"
                      value={line.quantity}
                      onChange={(quantity) => setLine(index, { quantity })}
                      error={errorOf(`lines.${index}.quantity`)}
                    />
                  </InlineGrid>
                  <InlineGrid columns={{ xs: 1, md: 3 }} gap="200">
                    <TextField
                      label={t("form.lines.unitPrice")}
                      inputMode="decimal"
                      autoComplete="off"
                      suffix={context.currency}
                      value={line.unitPrice}
                      onChange={(unitPrice) => setLine(index, { unitPrice })}
                      error={errorOf(`lines.${index}.unitAmount`)}
                    />
                    <TextField
                      label={t("form.lines.discount")}
                      inputMode="decimal"
                      autoComplete="off"
                      suffix={context.currency}
                      value={line.discount}
                      onChange={(discount) => setLine(index, { discount })}
                      error={errorOf(`lines.${index}.discountAmount`)}
                    />
                    <Box paddingBlockStart="600">
                      <Button variant="plain" tone="critical" onClick={() => removeLine(index)} accessibilityLabel={t("form.lines.removeLabel", { n: index + 1 })}>
                        {t("form.lines.remove")}
                      </Button>
                    </Box>
                  </InlineGrid>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {line.taxLines.length === 0
                      ? t("form.lines.noTax")
                      : t("form.lines.taxes", { taxes: line.taxLines.map((tax) => `${tax.title} ${formatPercent(tax.ratePercent, locale)}`).join(", "), mode: taxMode })}
                  </Text>
                  <Divider />
                </BlockStack>
              ))}
              {errorOf("lines") && (
                <Text as="p" tone="critical">
                  {errorOf("lines")}
                </Text>
              )}
              <InlineStack>
                <Button onClick={addLine}>{t("form.lines.add")}</Button>
              </InlineStack>
              {context.shipping && (
                <InlineStack align="space-between">
                  <Text as="span">{t("form.lines.shipping", { title: context.shipping.title })}</Text>
                  <Text as="span">{money(context.shipping.amount - context.shipping.discountAmount)}</Text>
                </InlineStack>
              )}
              <Divider />
              {draft ? (
                <BlockStack gap="100">
                  <InlineStack align="space-between">
                    <Text as="span">{t("form.totals.subtotal")}</Text>
                    <Text as="span">{money(draft.subtotal)}</Text>
                  </InlineStack>
                  <InlineStack align="space-between">
                    <Text as="span">{context.taxesIncluded ? t("form.totals.taxIncluded") : t("form.totals.taxAdded")}</Text>
                    <Text as="span">{money(draft.totalTax)}</Text>
                  </InlineStack>
                  <InlineStack align="space-between">
                    <Text as="span" fontWeight="bold">
                      {t("form.totals.total")}
                    </Text>
                    <Text as="span" fontWeight="bold">
                      {money(draft.expectedTotal)}
                    </Text>
                  </InlineStack>
                  {props.orderTotal !== undefined && props.orderTotal !== draft.expectedTotal && (
                    <Text as="p" tone="subdued" variant="bodySm">
                      {t("form.totals.orderDiffers", { total: money(props.orderTotal) })}
                    </Text>
                  )}
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">
                  {t("form.totals.incomplete")}
                </Text>
              )}
            </SectionCard>

            <SectionCard heading={t("form.schedule.heading")}>
              <Select
                label={t("form.schedule.frequency")}
                options={FREQUENCY_CHOICES.map((choice) => ({ value: choice, label: t(`frequency.${choice}`) }))}
                value={values.frequency}
                onChange={(frequency) => set("frequency")(frequency as TemplateFormValues["frequency"])}
              />
              {values.frequency === "custom" && (
                <InlineGrid columns={2} gap="200">
                  <TextField
                    label={t("form.schedule.every")}
                    type="number"
                    min={1}
                    autoComplete="off"
                    value={values.customEvery}
                    onChange={set("customEvery")}
                    error={errorOf("schedule.every")}
                  />
                  <Select
                    label={t("form.schedule.unit")}
                    options={SCHEDULE_UNITS.map((unit) => ({ value: unit, label: t(`form.schedule.unit.${unit}`) }))}
                    value={values.customUnit}
                    onChange={(unit) => set("customUnit")(unit as TemplateFormValues["customUnit"])}
                  />
                </InlineGrid>
              )}
              <InlineGrid columns={2} gap="200">
                <TextField
                  label={t("form.schedule.anchor")}
                  type="date"
                  autoComplete="off"
                  value={values.anchor}
                  onChange={set("anchor")}
                  error={errorOf("schedule.anchor")}
                  helpText={t("form.schedule.anchorHelp")}
                />
                <TextField
                  label={t("form.schedule.timeOfDay")}
                  type="time"
                  autoComplete="off"
                  value={values.timeOfDay}
                  onChange={set("timeOfDay")}
                  error={errorOf("schedule.timeOfDay")}
                  helpText={t("form.schedule.timeZone", { timeZone: context.timeZone })}
                />
              </InlineGrid>
              <ChoiceList
                title={t("form.schedule.end")}
                choices={[
                  { value: "never", label: t("form.schedule.end.never") },
                  {
                    value: "after",
                    label: t("form.schedule.end.after"),
                    renderChildren: (selected) =>
                      selected && (
                        <TextField
                          label={t("form.schedule.end.afterCount")}
                          type="number"
                          min={1}
                          autoComplete="off"
                          value={values.endAfterCount}
                          onChange={set("endAfterCount")}
                          error={errorOf("schedule.end.afterCount")}
                        />
                      ),
                  },
                  {
                    value: "until",
                    label: t("form.schedule.end.until"),
                    renderChildren: (selected) =>
                      selected && (
                        <TextField
                          label={t("form.schedule.end.untilDate")}
                          type="date"
                          autoComplete="off"
                          value={values.endUntil}
                          onChange={set("endUntil")}
                          error={errorOf("schedule.end.until")}
                        />
                      ),
                  },
                ]}
                selected={[values.endMode]}
                onChange={([mode]) => set("endMode")((mode ?? "never") as TemplateFormValues["endMode"])}
              />
            </SectionCard>

            <SectionCard heading={t("form.invoice.heading")}>
              <TextField
                label={t("form.invoice.daysUntilDue")}
                type="number"
                min={0}
                max={365}
                autoComplete="off"
                value={values.daysUntilDue}
                onChange={set("daysUntilDue")}
                error={errorOf("policies.daysUntilDue")}
                suffix={t("form.invoice.days")}
              />
              <Select
                label={t("form.invoice.catchUp")}
                options={CATCH_UP_CHOICES.map((choice) => ({ value: choice, label: t(`catchUp.${choice}`) }))}
                value={values.catchUp}
                onChange={(catchUp) => set("catchUp")(catchUp as TemplateFormValues["catchUp"])}
                helpText={t("form.invoice.catchUpHelp")}
              />
              <Checkbox
                label={t("form.invoice.signature")}
                helpText={t("form.invoice.signatureHelp")}
                checked={values.signatureRequested}
                onChange={set("signatureRequested")}
              />
              <TextField
                label={t("form.invoice.memo")}
                multiline={3}
                maxLength={MAX_MEMO_LENGTH}
                showCharacterCount
                autoComplete="off"
                value={values.memo}
                onChange={set("memo")}
                error={errorOf("memo")}
                helpText={t("form.invoice.memoHelp")}
              />
            </SectionCard>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <SectionCard heading={t("form.preview.heading", { count: PREVIEW_COUNT })}>
            {schedule && draft && preview.length > 0 ? (
              <BlockStack gap="150">
                {preview.map((occurrence) => (
                  <InlineStack key={occurrence.index} align="space-between" wrap={false} gap="200">
                    <Text as="span" variant="bodySm">
                      <span title={formatDateTime(occurrence.runAt, locale, context.timeZone)}>{formatCivilDate(occurrence.date, locale)}</span>
                    </Text>
                    <Text as="span" variant="bodySm">
                      {money(draft.expectedTotal)}
                    </Text>
                  </InlineStack>
                ))}
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("form.preview.timeZone", { timeZone: context.timeZone, time: values.timeOfDay })}
                </Text>
              </BlockStack>
            ) : (
              <Text as="p" tone="subdued">
                {schedule && draft ? t("form.preview.none") : t("form.preview.incomplete")}
              </Text>
            )}
          </SectionCard>
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
};
