// The shop's orders, newest first, searchable; "Make recurring" opens the
// template form for one of them.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { FinancialStatusBadge } from "~/components/labels";
import { parseDecimal } from "~/domain/money";
import { formatAmount, formatDate } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { listOrders } from "~/services/orders/list-orders.server";
import { OrderImportError } from "~/services/orders/order-import-error.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";

const searchSchema = z.object({
  q: z.string().trim().max(200).optional(),
  after: z.string().max(1000).optional(),
  before: z.string().max(1000).optional(),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const parsed = searchSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const search = parsed.success ? parsed.data : {};
  const query = search.q || undefined;
  try {
    const page = await listOrders(admin, { query, after: search.after, before: search.before });
    return { ...page, query: query ?? "", timeZone: shop.timeZone, unavailable: false };
  } catch (error) {
    if (!(error instanceof OrderImportError && error.code === "shopify_unavailable")) throw error;
    return {
      orders: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      query: query ?? "",
      timeZone: shop.timeZone,
      unavailable: true,
    };
  }
};

export default function Orders() {
  const { orders, pageInfo, query, timeZone, unavailable } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const navigation = useNavigation();
  const [searchParams, setSearchParams] = useSearchParams();
  const [search, setSearch] = useState(query);
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/orders";

  const goTo = (cursor: { after?: string; before?: string }) => {
    const next = new URLSearchParams(searchParams);
    next.delete("after");
    next.delete("before");
    for (const [key, value] of Object.entries(cursor)) if (value) next.set(key, value);
    setSearchParams(next);
  };

  return (
    <Page title={t("orders.title")} subtitle={t("orders.subtitle")} backAction={{ content: t("nav.home"), url: "/app" }}>
      <BlockStack gap="400">
        {unavailable && (
          <Banner tone="critical" title={t("orders.unavailable.title")}>
            <p>{t("orders.unavailable.body")}</p>
          </Banner>
        )}
        <Card>
          <Form method="get">
            <InlineStack gap="200" blockAlign="end" wrap={false}>
              <div style={{ flexGrow: 1 }}>
                <TextField
                  label={t("orders.search.label")}
                  labelHidden
                  name="q"
                  value={search}
                  onChange={setSearch}
                  placeholder={t("orders.search.placeholder")}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setSearch("")}
                />
              </div>
              <Button submit loading={loading}>
                {t("orders.search.submit")}
              </Button>
            </InlineStack>
          </Form>
        </Card>
        <Card padding="0">
          {orders.length === 0 && !loading ? (
            <EmptyState heading={query ? t("orders.empty.searchHeading") : t("orders.empty.heading")} image="">
              <p>{query ? t("orders.empty.searchBody", { query }) : t("orders.empty.body")}</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: t("orders.resource.singular"), plural: t("orders.resource.plural") }}
              itemCount={orders.length}
              selectable={false}
              loading={loading}
              headings={[
                { title: t("orders.column.order") },
                { title: t("orders.column.date") },
                { title: t("orders.column.customer") },
                { title: t("orders.column.total"), alignment: "end" },
                { title: t("orders.column.payment") },
                { title: t("orders.column.action"), hidden: true },
              ]}
              pagination={{
                hasNext: pageInfo.hasNextPage,
                hasPrevious: pageInfo.hasPreviousPage,
                onNext: () => goTo({ after: pageInfo.endCursor ?? undefined }),
                onPrevious: () => goTo({ before: pageInfo.startCursor ?? undefined }),
              }}
            >
              {orders.map((order, index) => {
                const total = order.totalPriceSet.presentmentMoney;
                return (
                  <IndexTable.Row id={order.id} key={order.id} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {order.name}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{formatDate(order.createdAt, locale, timeZone)}</IndexTable.Cell>
                    <IndexTable.Cell>{order.customer?.displayName ?? t("orders.noCustomer")}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {formatAmount(parseDecimal(total.amount, total.currencyCode), total.currencyCode, locale)}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <FinancialStatusBadge status={order.displayFinancialStatus} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Button url={`/app/templates/new?orderId=${encodeURIComponent(order.id)}`} accessibilityLabel={t("orders.makeRecurringLabel", { order: order.name })}>
                        {t("orders.makeRecurring")}
                      </Button>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                );
              })}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/orders" />;
}
