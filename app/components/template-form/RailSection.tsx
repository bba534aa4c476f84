// How the customer pays each invoice: a Stripe invoice (paid on Stripe's page)
// or a Shopify invoice (a draft order Shopify e-mails, paid through the
// store's checkout). Choosing Shopify without the draft orders permission
// asks for it here.
import { memo } from "react";
import { ChoiceList, Text } from "@shopify/polaris";
import { RailScopeNotice } from "~/components/RailScopeNotice";
import { SectionCard } from "~/components/SectionCard";
import { BILLING_RAILS, type BillingRail } from "~/domain/billing";
import type { TemplateFormValues } from "~/domain/template-form";
import { useI18n } from "~/i18n/react";
import type { ErrorOf, SetField } from "./fields";

function RailSectionView(props: {
  values: Pick<TemplateFormValues, "rail">;
  set: SetField;
  errorOf: ErrorOf;
  /** Whether the shop granted what "Shopify invoice" needs. */
  shopifyRailGranted: boolean;
  /** Editing: say that a change applies from the next invoice. */
  changeAppliesFromNextPeriod: boolean;
}) {
  const { t } = useI18n();
  const rail = props.values.rail ?? "stripe";
  return (
    <SectionCard heading={t("rail.heading")}>
      <ChoiceList
        title={t("rail.label")}
        titleHidden
        choices={BILLING_RAILS.map((value) => ({ value, label: t(`rail.${value}`), helpText: t(`rail.${value}.help`) }))}
        selected={[rail]}
        onChange={(selected) => props.set("rail")((selected[0] ?? "stripe") as BillingRail)}
        error={props.errorOf("rail")}
      />
      {props.changeAppliesFromNextPeriod && (
        <Text as="p" tone="subdued">
          {t("rail.nextPeriod")}
        </Text>
      )}
      {rail === "shopify" && !props.shopifyRailGranted && <RailScopeNotice />}
    </SectionCard>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const RailSection = memo(RailSectionView);
