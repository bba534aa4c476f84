// The invoices of the next days, soonest first: the civil date (the exact
// time in the shop's zone on hover), the customer, the amount.
import { InlineStack, Link, SkeletonBodyText, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import { formatAmount, formatCivilDate, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { UpcomingInvoice } from "~/services/dashboard/load-dashboard.server";

export function UpcomingSection(props: { invoices: UpcomingInvoice[]; days: number; timeZone: string; refreshing: boolean }) {
  const { t, locale } = useI18n();
  return (
    <SectionCard heading={t("home.upcoming.heading", { days: props.days })}>
      {props.refreshing ? (
        <SkeletonBodyText lines={4} />
      ) : props.invoices.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("home.upcoming.none", { days: props.days })}
        </Text>
      ) : (
        props.invoices.map((invoice) => (
          <InlineStack key={`${invoice.templateId}-${invoice.date}`} align="space-between" gap="200">
            <InlineStack gap="200">
              <Text as="span">
                <span title={formatDateTime(invoice.runAt, locale, props.timeZone)}>{formatCivilDate(invoice.date, locale)}</span>
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
  );
}
