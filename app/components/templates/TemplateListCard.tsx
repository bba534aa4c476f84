// The shop's recurring invoices as a table: status tabs with counts, one
// page of rows, selection for the bulk pause and resume, pagination. A tab or
// a page is a new URL (the loader reads it); changing it clears the selection.
import { useSearchParams } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Link, Tabs, Text, useIndexResourceState } from "@shopify/polaris";
import { TemplateStatusBadge } from "~/components/labels";
import { formatAmount, formatDateTime, frequencyLabel } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { TemplateRow } from "~/services/templates/list-page.server";
import { TEMPLATE_FILTERS, type TemplateFilter } from "./filters";

export type BulkIntent = "pause" | "resume";

export function TemplateListCard(props: {
  rows: TemplateRow[];
  counts: Record<Exclude<TemplateFilter, "all">, number>;
  filter: TemplateFilter;
  /** Cursors of the next (older) and previous (newer) pages (null at an end): URL-stable, see list-page.server.ts. */
  next: string | null;
  previous: string | null;
  /** The list is being reloaded (another tab or page). */
  loading: boolean;
  onBulk: (intent: BulkIntent, ids: string[]) => void;
}) {
  const { rows, counts } = props;
  const { t, locale } = useI18n();
  const [searchParams, setSearchParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);

  const tabs = TEMPLATE_FILTERS.map((id) => ({
    id,
    content: id === "all" ? t("templates.filter.all", { count: total }) : t(`templates.filter.${id}`, { count: counts[id] }),
  }));
  const navigate = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams);
    next.delete("page"); // the former offset pages' parameter, in links saved before
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    clearSelection();
    setSearchParams(next);
  };
  const bulk = (intent: BulkIntent) => () => {
    props.onBulk(intent, allResourcesSelected ? rows.map((row) => row.id) : selectedResources);
    clearSelection();
  };

  return (
    <Card padding="0">
      <Tabs tabs={tabs} selected={Math.max(0, TEMPLATE_FILTERS.indexOf(props.filter))} onSelect={(index) => navigate({ status: TEMPLATE_FILTERS[index] ?? "all", after: null, before: null })} />
      {rows.length === 0 && !props.loading ? (
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
          loading={props.loading}
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
            hasNext: props.next !== null,
            hasPrevious: props.previous !== null,
            onNext: () => navigate({ after: props.next, before: null }),
            onPrevious: () => navigate({ before: props.previous, after: null }),
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
  );
}
