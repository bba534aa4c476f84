// What needs the merchant first: failed runs (why, in their language, with
// the recorded detail) and overdue invoices, each linked to its template.
import { BlockStack, InlineStack, Link, SkeletonBodyText, Text } from "@shopify/polaris";
import { RunStateBadge } from "~/components/labels";
import { SectionCard } from "~/components/SectionCard";
import { formatAmount, formatCivilDate } from "~/i18n/format";
import type { RunFailureView } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import type { AttentionItem } from "~/services/dashboard/load-dashboard.server";

/** An item as the page shows it: a failed run's failure explained (by the loader). */
export type AttentionItemView = AttentionItem & { failure: RunFailureView | null };

export function AttentionSection({ items, refreshing }: { items: AttentionItemView[]; refreshing: boolean }) {
  const { t, locale } = useI18n();
  return (
    <SectionCard heading={t("home.attention.heading")}>
      {refreshing ? (
        <SkeletonBodyText lines={3} />
      ) : items.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("home.attention.none")}
        </Text>
      ) : (
        items.map((item) => (
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
  );
}
