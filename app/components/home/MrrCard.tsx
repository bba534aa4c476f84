// Monthly recurring revenue, one figure per currency (never summed across
// currencies), with how weeks and days are brought to a month.
import { BlockStack, Card, Text } from "@shopify/polaris";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { Dashboard } from "~/services/dashboard/load-dashboard.server";

export function MrrCard({ mrr }: { mrr: Dashboard["mrr"] }) {
  const { t, locale } = useI18n();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("home.mrr.heading")}
        </Text>
        {mrr.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("home.mrr.none")}
          </Text>
        ) : (
          mrr.map((entry) => (
            <Text as="p" variant="headingLg" key={entry.currency}>
              {formatAmount(entry.monthly, entry.currency, locale)}
            </Text>
          ))
        )}
        <Text as="p" tone="subdued" variant="bodySm">
          {t("home.mrr.help")}
        </Text>
      </BlockStack>
    </Card>
  );
}
