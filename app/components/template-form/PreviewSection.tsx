// Beside the form: the dates of the next invoices as the schedule stands, in
// the shop's time zone (the exact time on hover), each with its total.
import { memo } from "react";
import { Banner, BlockStack, InlineStack, Spinner, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import type { InvoiceDraft } from "~/domain/invoice-draft";
import type { Occurrence } from "~/domain/schedule";
import { formatAmount, formatCivilDate, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { ShopifyTotalPreview } from "~/services/templates/shopify-total-preview.server";

function PreviewSectionView(props: {
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
  /** On the Shopify invoice rail: Shopify's own calculation (or that it is on its way); null on Stripe. */
  shopify: ShopifyTotalPreview | "loading" | null;
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
          {props.shopify && <ShopifyTotal preview={props.shopify} />}
        </BlockStack>
      ) : (
        <Text as="p" tone="subdued">
          {props.complete ? t("form.preview.none") : t("form.preview.incomplete")}
        </Text>
      )}
    </SectionCard>
  );
}

/** Shopify's total beside the template's, and why they differ when they do: before the merchant saves. */
function ShopifyTotal({ preview }: { preview: ShopifyTotalPreview | "loading" }) {
  const { t, locale } = useI18n();
  if (preview === "loading") {
    return (
      <InlineStack gap="200" blockAlign="center">
        <Spinner size="small" accessibilityLabel={t("form.preview.shopify.loading")} />
        <Text as="span" tone="subdued" variant="bodySm">
          {t("form.preview.shopify.loading")}
        </Text>
      </InlineStack>
    );
  }
  if (preview.state === "unavailable") {
    return (
      <Text as="p" tone="subdued" variant="bodySm">
        {t("form.preview.shopify.unavailable")}
      </Text>
    );
  }
  if (preview.state !== "ready") return null;
  const { comparison } = preview;
  const money = (minor: number) => formatAmount(minor, comparison.currency, locale);
  const words = { shopify: money(comparison.shopify), ours: money(comparison.ours), difference: money(Math.abs(comparison.difference)), tax: money(comparison.shopifyTax) };
  return (
    <BlockStack gap="150">
      <InlineStack align="space-between" wrap={false} gap="200">
        <Text as="span" variant="bodySm" fontWeight="semibold">
          {t("form.preview.shopify.total")}
        </Text>
        <Text as="span" variant="bodySm" fontWeight="semibold" numeric>
          <span data-testid="shopify-total">{words.shopify}</span>
        </Text>
      </InlineStack>
      {comparison.difference === 0 ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {t("form.preview.shopify.matches", words)}
        </Text>
      ) : (
        <Banner tone="warning" title={t(comparison.difference > 0 ? "form.preview.shopify.more" : "form.preview.shopify.less", words)}>
          <p>{t("form.preview.shopify.why", words)}</p>
        </Banner>
      )}
    </BlockStack>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const PreviewSection = memo(PreviewSectionView);
