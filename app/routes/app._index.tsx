// Home: what needs the merchant first (failed runs, overdue invoices), the
// invoices of the next 30 days, the monthly recurring revenue per currency.
// A shop without templates sees one way forward: pick an order.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Card, EmptyState, InlineStack, Layout, Link, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { RunStateBadge } from "~/components/labels";
import { translator } from "~/i18n";
import { formatAmount, formatCivilDate, formatDateTime } from "~/i18n/format";
import { explainRunFailure } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { loadDashboard, UPCOMING_DAYS } from "~/services/dashboard/load-dashboard.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";
import { SectionCard } from "~/components/SectionCard";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const dashboard = await loadDashboard(shop);
  const t = translator(locale);
  // A failed run says why in the merchant's language, with the recorded English detail under it.
  const attention = dashboard.attention.map((item) => ({
    ...item,
    failure: item.state === "failed" ? explainRunFailure(t, item.errorCode, item.errorMessage) : null,
  }));
  return {
    shop: { domain: shop.domain, name: shop.name, timeZone: shop.timeZone, currency: shop.currency },
    dashboard: { ...dashboard, attention },
    upcomingDays: UPCOMING_DAYS,
  };
};

export default function Home() {
  const { shop, dashboard, upcomingDays } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const navigation = useNavigation();
  const total = Object.values(dashboard.templateCounts).reduce((a, b) => a + b, 0);
  const refreshing = navigation.state === "loading" && navigation.location?.pathname === "/app";

  if (total === 0) {
    return (
      <Page title={t("home.title")}>
        <BlockStack gap="400">
          {!dashboard.billingConnected && <ConnectStripeBanner />}
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
        </BlockStack>
      </Page>
    );
  }

  return (
    <Page title={t("home.title")} primaryAction={{ content: t("home.makeRecurring"), url: "/app/orders" }}>
      <BlockStack gap="400">
        {!dashboard.billingConnected && <ConnectStripeBanner />}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <SectionCard heading={t("home.attention.heading")}>
                {refreshing ? (
                  <SkeletonBodyText lines={3} />
                ) : dashboard.attention.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("home.attention.none")}
                  </Text>
                ) : (
                  dashboard.attention.map((item) => (
                    <BlockStack gap="100" key={item.runId}>
                      <InlineStack align="space-between" gap="200">
                        <InlineStack gap="200" blockAlign="center">
                          <RunStateBadge state={item.state} />
                          <Link url={`/app/templates/${item.templateId}`}>{item.customerName}</Link>
                          <Text as="span" tone="subdued">
                            {formatCivilDate(item.periodDate, locale)}
                          </Text>
                        </InlineStack>
                        <Text as="span" numeric>
                          {formatAmount(item.amount, item.currency, locale)}
                        </Text>
                      </InlineStack>
                      {item.failure ? (
                        <>
                          <Text as="p" variant="bodySm">
                            {item.failure.explanation}
                          </Text>
                          {item.failure.detail && (
                            <Text as="p" tone="subdued" variant="bodySm">
                              {item.failure.detail}
                            </Text>
                          )}
                        </>
                      ) : (
                        <Text as="p" tone="subdued" variant="bodySm">
                          {t("home.attention.overdueHelp", { number: item.invoiceNumber ?? "—" })}
                        </Text>
                      )}
                    </BlockStack>
                  ))
                )}
              </SectionCard>
              <SectionCard heading={t("home.upcoming.heading", { days: upcomingDays })}>
                {refreshing ? (
                  <SkeletonBodyText lines={4} />
                ) : dashboard.upcoming.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("home.upcoming.none", { days: upcomingDays })}
                  </Text>
                ) : (
                  dashboard.upcoming.map((invoice) => (
                    <InlineStack key={`${invoice.templateId}-${invoice.date}`} align="space-between" gap="200">
                      <InlineStack gap="200">
                        <Text as="span">
                          <span title={formatDateTime(invoice.runAt, locale, shop.timeZone)}>{formatCivilDate(invoice.date, locale)}</span>
                        </Text>
                        <Link url={`/app/templates/${invoice.templateId}`}>{invoice.customerName}</Link>
                      </InlineStack>
                      <Text as="span" numeric>
                        {formatAmount(invoice.amount, invoice.currency, locale)}
                      </Text>
                    </InlineStack>
                  ))
                )}
              </SectionCard>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {t("home.mrr.heading")}
                  </Text>
                  {dashboard.mrr.length === 0 ? (
                    <Text as="p" tone="subdued">
                      {t("home.mrr.none")}
                    </Text>
                  ) : (
                    dashboard.mrr.map((entry) => (
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
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {shop.name ?? shop.domain}
                  </Text>
                  <Text as="p">{t("home.status.templates", { active: dashboard.templateCounts.active, paused: dashboard.templateCounts.paused })}</Text>
                  <Text as="p">{t("home.status.timeZone", { timeZone: shop.timeZone })}</Text>
                  <Text as="p">{t("home.status.currency", { currency: shop.currency })}</Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

function ConnectStripeBanner() {
  const { t } = useI18n();
  return (
    <Banner tone="warning" title={t("home.stripe.title")} action={{ content: t("home.stripe.action"), url: "/app/settings" }}>
      <p>{t("home.stripe.body")}</p>
    </Banner>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app" />;
}
