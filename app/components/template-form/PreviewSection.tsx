// Beside the form: the dates of the next invoices as the schedule stands, in
// the shop's time zone (the exact time on hover), each with its total.
import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import type { InvoiceDraft } from "~/domain/invoice-draft";
import type { Occurrence } from "~/domain/schedule";
import { formatAmount, formatCivilDate, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";

export function PreviewSection(props: {
  /** How many invoices the preview lists at most (the heading says it). */
  count: number;
  /** The previewed occurrences; empty when the schedule or the lines are incomplete, or the schedule has ended. */
  occurrences: readonly Occurrence[];
  /** The form is complete enough to preview (a valid schedule and lines). */
  complete: boolean;
  draft: InvoiceDraft | null;
  currency: string;
  timeZone: string;
  timeOfDay: string;
}) {
  const { t, locale } = useI18n();
  const { draft } = props;
  return (
    <SectionCard heading={t("form.preview.heading", { count: props.count })}>
      {props.complete && draft && props.occurrences.length > 0 ? (
        <BlockStack gap="150">
          {props.occurrences.map((occurrence) => (
            <InlineStack key={occurrence.index} align="space-between" wrap={false} gap="200">
              <Text as="span" variant="bodySm">
                <span title={formatDateTime(occurrence.runAt, locale, props.timeZone)}>{formatCivilDate(occurrence.date, locale)}</span>
              </Text>
              <Text as="span" variant="bodySm">
                {formatAmount(draft.expectedTotal, props.currency, locale)}
              </Text>
            </InlineStack>
          ))}
          <Text as="p" tone="subdued" variant="bodySm">
            {t("form.preview.timeZone", { timeZone: props.timeZone, time: props.timeOfDay })}
          </Text>
        </BlockStack>
      ) : (
        <Text as="p" tone="subdued">
          {props.complete ? t("form.preview.none") : t("form.preview.incomplete")}
        </Text>
      )}
    </SectionCard>
  );
}
