// The shop at a glance: its name, how many recurring invoices are active or
// paused, and the time zone and currency they run in.
import { BlockStack, Card, Text } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";
import type { Dashboard } from "~/services/dashboard/load-dashboard.server";

export function ShopStatusCard(props: {
  shop: { domain: string; name: string | null; timeZone: string; currency: string };
  templateCounts: Dashboard["templateCounts"];
}) {
  const { t } = useI18n();
  const { shop, templateCounts } = props;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {shop.name ?? shop.domain}
        </Text>
        <Text as="p">{t("home.status.templates", { active: templateCounts.active, paused: templateCounts.paused })}</Text>
        <Text as="p">{t("home.status.timeZone", { timeZone: shop.timeZone })}</Text>
        <Text as="p">{t("home.status.currency", { currency: shop.currency })}</Text>
      </BlockStack>
    </Card>
  );
}
