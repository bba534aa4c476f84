// The shop's plan and how much of it is used ("2 of 3 active recurring
// invoices — Free plan"), with the way to Shopify's plan-selection page
// (managed pricing: Shopify bills the plan, the app only shows it).
import { Banner, BlockStack, Box, Button, Card, Text } from "@shopify/polaris";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { PlanSummary } from "~/services/billing-plan/plan-summary.server";

export function PlanCard({ plan }: { plan: PlanSummary }) {
  const { t, locale } = useI18n();
  const name = t(plan.plan === "pro" ? "plan.name.pro" : "plan.name.free");
  const price = formatAmount(plan.proPrice.minor, plan.proPrice.currency, locale);
  const usage =
    plan.limit === null
      ? t("plan.usage.unlimited", { active: plan.active, plan: name })
      : t("plan.usage.limited", { active: plan.active, limit: plan.limit, plan: name });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("plan.title")}
        </Text>
        <Text as="p" fontWeight="semibold">
          <span data-testid="plan-usage">{usage}</span>
        </Text>
        <Text as="p" tone="subdued">
          {plan.plan === "pro"
            ? t("plan.pro.description", { price })
            : t("plan.free.description", { limit: plan.limit ?? 0, price, trialDays: plan.proPrice.trialDays })}
        </Text>
        {plan.overLimit ? (
          <Banner tone="warning">
            <p>{t("plan.overLimit", { limit: plan.limit ?? 0 })}</p>
          </Banner>
        ) : (
          plan.atLimit && (
            <Banner tone="info">
              <p>{t("plan.atLimit")}</p>
            </Banner>
          )
        )}
        <Box>
          {/* Shopify's plan-selection page belongs to the admin, outside the app's frame. */}
          <Button url={plan.planSelectionUrl} target="_top" variant={plan.plan === "free" ? "primary" : undefined}>
            {plan.plan === "free" ? t("plan.upgrade") : t("plan.change")}
          </Button>
        </Box>
      </BlockStack>
    </Card>
  );
}
