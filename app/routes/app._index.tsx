import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { loadAdminContext } from "~/services/admin-context.server";
import { useI18n } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  return { shop: { domain: shop.domain, name: shop.name, timeZone: shop.timeZone, currency: shop.currency } };
};

export default function Home() {
  const { shop } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <Page title={t("home.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <EmptyState heading={t("home.empty.heading")} image="">
              <p>{t("home.empty.body")}</p>
            </EmptyState>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {shop.name ?? shop.domain}
              </Text>
              <Text as="p">{t("home.status.timeZone", { timeZone: shop.timeZone })}</Text>
              <Text as="p">{t("home.status.currency", { currency: shop.currency })}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
