// The "upgrade to Pro" prompt shown when the Free plan has no room for one
// more active recurring invoice. Shown above the form, which keeps what the
// merchant typed: after upgrading, the same button creates it.
import { Banner } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import { PRO_PLAN_PRICE } from "~/domain/plan";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { PlanLimitRefusal } from "~/services/orders/create-template-from-order.server";

export function PlanLimitBanner({ refusal }: { refusal: PlanLimitRefusal }) {
  const { t, locale } = useI18n();
  const here = useRef<HTMLDivElement>(null);
  // The merchant clicked the form's button at the bottom of the page: bring
  // the answer into view. A block body: newer browsers make scrollIntoView
  // return a promise, which React would take for the effect's cleanup.
  useEffect(() => {
    void here.current?.scrollIntoView({ block: "start" });
  }, [refusal]);
  return (
    <div ref={here}>
      <Banner
        tone="warning"
        title={t("plan.limitReached.title")}
        // Shopify's plan-selection page, in a new tab of the admin: this page and
        // the form's values stay here, to submit once the upgrade is approved.
        action={{ content: t("plan.upgrade"), url: refusal.planSelectionUrl, target: "_blank" }}
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
    </div>
  );
}
