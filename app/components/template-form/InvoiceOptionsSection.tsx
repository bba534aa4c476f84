// How each invoice is issued: days until due, what to do with periods missed
// while the app was down, whether the customer signs online, and the memo.
import { memo } from "react";
import { Checkbox, Select, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import { CATCH_UP_CHOICES, type TemplateFormValues } from "~/domain/template-form";
import { MAX_MEMO_LENGTH } from "~/domain/template-input";
import { useI18n } from "~/i18n/react";
import type { ErrorOf, SetField } from "./fields";

function InvoiceOptionsSectionView(props: {
  values: Pick<TemplateFormValues, "daysUntilDue" | "catchUp" | "signatureRequested" | "memo">;
  set: SetField;
  errorOf: ErrorOf;
}) {
  const { t } = useI18n();
  const { values, set, errorOf } = props;
  return (
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
      <Checkbox label={t("form.invoice.signature")} helpText={t("form.invoice.signatureHelp")} checked={values.signatureRequested} onChange={set("signatureRequested")} />
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
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const InvoiceOptionsSection = memo(InvoiceOptionsSectionView);
