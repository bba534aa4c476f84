// The one banner of a shop whose invoices are held because Stripe refuses
// Ritournelle's access (app/services/invoicing/billing-hold.server.ts): the
// merchant's own account (reconnect in Settings), or Ritournelle's key (not
// theirs to fix). On the home page and on every template's page.
import { Banner } from "@shopify/polaris";
import { formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { BillingHoldView } from "~/services/invoicing/billing-hold.server";

export function BillingHoldBanner(props: { hold: NonNullable<BillingHoldView>; timeZone: string }) {
  const { t, locale } = useI18n();
  const since = formatDateTime(props.hold.since, locale, props.timeZone);
  if (props.hold.scope === "platform") {
    return (
      <Banner tone="critical" title={t("billingHold.platform.title")}>
        <p>{t("billingHold.platform.body", { since })}</p>
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title={t("billingHold.account.title")} action={{ content: t("billingHold.account.action"), url: "/app/settings" }}>
      <p>{t("billingHold.account.body", { since })}</p>
    </Banner>
  );
}
