// Who is invoiced: the order's customer (and, for a B2B order, the company location billed), and the e-mail the invoices go to.
import { memo } from "react";
import { Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import type { TemplateFormValues } from "~/domain/template-form";
import { useI18n } from "~/i18n/react";
import type { ErrorOf, SetField } from "./fields";

function CustomerSectionView(props: {
  customerName: string;
  /** B2B: the Shopify company location the template bills (from the order). */
  company?: { name: string; location: string } | null;
  values: Pick<TemplateFormValues, "customerEmail">;
  set: SetField;
  errorOf: ErrorOf;
}) {
  const { t } = useI18n();
  return (
    <SectionCard heading={t("form.customer.heading")}>
      <Text as="p">{props.customerName}</Text>
      {props.company && <Text as="p">{t("template.summary.company", { company: props.company.name, location: props.company.location })}</Text>}
      <TextField
        label={t("form.customer.email")}
        type="email"
        autoComplete="email"
        value={props.values.customerEmail}
        onChange={props.set("customerEmail")}
        error={props.errorOf("customer.email")}
        helpText={t("form.customer.emailHelp")}
      />
    </SectionCard>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const CustomerSection = memo(CustomerSectionView);
