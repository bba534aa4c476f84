// Shown on the home page until the shop's Stripe account is connected:
// invoices wait for it, and settings is where to connect.
import { Banner } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";

export function ConnectStripeBanner() {
  const { t } = useI18n();
  return (
    <Banner tone="warning" title={t("home.stripe.title")} action={{ content: t("home.stripe.action"), url: "/app/settings" }}>
      <p>{t("home.stripe.body")}</p>
    </Banner>
  );
}
