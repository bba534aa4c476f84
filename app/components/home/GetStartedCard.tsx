// The home page of a shop without recurring invoices: one way forward, pick
// an order (and settings beside it).
import { Card, EmptyState } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";

export function GetStartedCard() {
  const { t } = useI18n();
  return (
    <Card>
      <EmptyState
        heading={t("home.empty.heading")}
        action={{ content: t("home.empty.action"), url: "/app/orders" }}
        secondaryAction={{ content: t("nav.settings"), url: "/app/settings" }}
        image=""
      >
        <p>{t("home.empty.body")}</p>
      </EmptyState>
    </Card>
  );
}
