// Every recurring invoice of the shop: filter by status, pause or resume
// several at once.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, EmptyState, IndexTable, Link, Page, Tabs, Text, useIndexResourceState } from "@shopify/polaris";
import { z } from "zod";
import { frequencyLabel, TemplateStatusBadge } from "~/components/labels";
import { formatAmount, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { bulkChangeStatus, listTemplates } from "~/services/templates/list-page.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";

/** The status tabs, in order. */
const TEMPLATE_FILTERS = ["all", "active", "paused", "ended", "cancelled"] as const;

const querySchema = z.object({
  status: z.enum(TEMPLATE_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const bulkSchema = z.object({
  intent: z.enum(["pause", "resume"]),
  ids: z.array(z.string().min(1).max(100)).min(1).max(250),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await listTemplates(shop, { filter: query.status, page: query.page });
  return { ...list, filter: query.status };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const body = bulkSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return data({ ok: false as const, intent: null, changed: 0, skipped: 0 }, { status: 400 });
  const result = await bulkChangeStatus(shop, body.data.ids, body.data.intent);
  return { ok: true as const, intent: body.data.intent, ...result };
};

export default function Templates() {
  const { rows, counts, filter, page, hasNext, hasPrevious } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [searchParams, setSearchParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const loading = navigation.state !== "idle" && navigation.location?.pathname === "/app/templates";
  const total = Object.values(counts).reduce((a, b) => a + b, 0);

  const tabs = TEMPLATE_FILTERS.map((id) => ({
    id,
    content: id === "all" ? t("templates.filter.all", { count: total }) : t(`templates.filter.${id}`, { count: counts[id] }),
  }));
  const navigate = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    clearSelection();
    setSearchParams(next);
  };
  const bulk = (intent: "pause" | "resume") => () => {
    const ids = allResourcesSelected ? rows.map((row) => row.id) : selectedResources;
    submit({ intent, ids }, { method: "post", encType: "application/json" });
    clearSelection();
  };

  return (
    <Page title={t("templates.title")} primaryAction={{ content: t("templates.new"), url: "/app/orders" }}>
      <BlockStack gap="400">
        {answer?.ok && (
          <Banner tone={answer.skipped > 0 ? "warning" : "success"}>
            <p>
              {t(answer.intent === "pause" ? "templates.bulk.paused" : "templates.bulk.resumed", { count: answer.changed })}
              {answer.skipped > 0 && ` ${t("templates.bulk.skipped", { count: answer.skipped })}`}
            </p>
          </Banner>
        )}
        <Card padding="0">
          <Tabs tabs={tabs} selected={Math.max(0, TEMPLATE_FILTERS.indexOf(filter))} onSelect={(index) => navigate({ status: TEMPLATE_FILTERS[index] ?? "all", page: "1" })} />
          {rows.length === 0 && !loading ? (
            total === 0 ? (
              <EmptyState heading={t("templates.empty.heading")} action={{ content: t("templates.empty.action"), url: "/app/orders" }} image="">
                <p>{t("templates.empty.body")}</p>
              </EmptyState>
            ) : (
              <EmptyState heading={t("templates.emptyFilter.heading")} image="">
                <p>{t("templates.emptyFilter.body")}</p>
              </EmptyState>
            )
          ) : (
            <IndexTable
              resourceName={{ singular: t("templates.resource.singular"), plural: t("templates.resource.plural") }}
              itemCount={rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              loading={loading}
              promotedBulkActions={[
                { content: t("templates.bulk.pause"), onAction: bulk("pause") },
                { content: t("templates.bulk.resume"), onAction: bulk("resume") },
              ]}
              headings={[
                { title: t("templates.column.customer") },
                { title: t("templates.column.amount"), alignment: "end" },
                { title: t("templates.column.frequency") },
                { title: t("templates.column.next") },
                { title: t("templates.column.status") },
              ]}
              pagination={{
                hasNext,
                hasPrevious,
                onNext: () => navigate({ page: String(page + 1) }),
                onPrevious: () => navigate({ page: String(page - 1) }),
              }}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)}>
                  <IndexTable.Cell>
                    <Link url={`/app/templates/${row.id}`} removeUnderline dataPrimaryLink>
                      <Text as="span" fontWeight="semibold">
                        {row.customerName}
                      </Text>
                    </Link>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {row.customerEmail}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {formatAmount(row.amount, row.currency, locale)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{frequencyLabel(t, row.every, row.unit)}</IndexTable.Cell>
                  <IndexTable.Cell>{row.nextRunAt ? formatDateTime(row.nextRunAt, locale, row.timeZone) : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <TemplateStatusBadge status={row.status} />
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/templates" />;
}
