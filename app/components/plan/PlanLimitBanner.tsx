// The "upgrade to Pro" prompt shown when the Free plan has no room for one
// more active recurring invoice. Shown above the form, which keeps what the
// merchant typed: after upgrading, the same button creates it.
import { Banner } from "@shopify/polaris";
import { PRO_PLAN_PRICE } from "~/domain/plan";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { PlanLimitRefusal } from "~/services/orders/create-template-from-order.server";

export function PlanLimitBanner({ refusal }: { refusal: PlanLimitRefusal }) {
  const { t, locale } = useI18n();
  return (
    <Banner
      tone="warning"
      title={t("plan.limitReached.title")}
      // Shopify's plan-selection page is the admin's, outside the app's frame.
      action={{ content: t("plan.upgrade"), url: refusal.planSelectionUrl, target: "_top" }}
    >
      <p data-testid="plan-limit">
        {t("plan.limitReached.body", {
          limit: refusal.limit,
          active: refusal.active,
          price: formatAmount(PRO_PLAN_PRICE.minor, PRO_PLAN_PRICE.currency, locale),
          trialDays: PRO_PLAN_PRICE.trialDays,
        })}
      </p>
    </Banner>
  );
}
