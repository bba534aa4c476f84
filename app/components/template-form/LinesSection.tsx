// What each invoice bills: the lines (editable, added, removed), the order's
// shipping, and the live totals of one invoice, compared with the order's.
import { memo } from "react";
import { BlockStack, Button, Divider, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import type { InvoiceDraft } from "~/domain/invoice-draft";
import type { TemplateFormContext, TemplateFormLine } from "~/domain/template-form";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { ErrorOf } from "./fields";
import { LineFields } from "./LineFields";

function LinesSectionView(props: {
  lines: TemplateFormLine[];
  context: Pick<TemplateFormContext, "currency" | "taxesIncluded" | "shipping">;
  /** The totals of one invoice, once the lines are complete enough to compute them. */
  draft: InvoiceDraft | null;
  /** The order's total, to compare with one invoice (new templates only). */
  orderTotal?: number;
  errorOf: ErrorOf;
  onLineChange: (index: number, patch: Partial<TemplateFormLine>) => void;
  onRemoveLine: (index: number) => void;
  onAddLine: () => void;
}) {
  const { t, locale } = useI18n();
  const { context, draft, errorOf } = props;
  const money = (minor: number) => formatAmount(minor, context.currency, locale);
  return (
    <SectionCard heading={t("form.lines.heading")}>
      {props.lines.map((line, index) => (
        <LineFields
          key={line.key}
          line={line}
          index={index}
          currency={context.currency}
          taxesIncluded={context.taxesIncluded}
          errorOf={errorOf}
          onChange={(patch) => props.onLineChange(index, patch)}
          onRemove={() => props.onRemoveLine(index)}
        />
      ))}
      {errorOf("lines") && (
        <Text as="p" tone="critical">
          {errorOf("lines")}
        </Text>
      )}
      <InlineStack>
        <Button onClick={props.onAddLine}>{t("form.lines.add")}</Button>
      </InlineStack>
      {context.shipping && (
        <InlineStack align="space-between">
          <Text as="span">{t("form.lines.shipping", { title: context.shipping.title })}</Text>
          <Text as="span">{money(context.shipping.amount - context.shipping.discountAmount)}</Text>
        </InlineStack>
      )}
      <Divider />
      {draft ? (
        <BlockStack gap="100">
          <InlineStack align="space-between">
            <Text as="span">{t("form.totals.subtotal")}</Text>
            <Text as="span">{money(draft.subtotal)}</Text>
          </InlineStack>
          <InlineStack align="space-between">
            <Text as="span">{context.taxesIncluded ? t("form.totals.taxIncluded") : t("form.totals.taxAdded")}</Text>
            <Text as="span">{money(draft.totalTax)}</Text>
          </InlineStack>
          <InlineStack align="space-between">
            <Text as="span" fontWeight="bold">
              {t("form.totals.total")}
            </Text>
            <Text as="span" fontWeight="bold">
              {money(draft.expectedTotal)}
            </Text>
          </InlineStack>
          {props.orderTotal !== undefined && props.orderTotal !== draft.expectedTotal && (
            <Text as="p" tone="subdued" variant="bodySm">
              {t("form.totals.orderDiffers", { total: money(props.orderTotal) })}
            </Text>
          )}
        </BlockStack>
      ) : (
        <Text as="p" tone="subdued">
          {t("form.totals.incomplete")}
        </Text>
      )}
    </SectionCard>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const LinesSection = memo(LinesSectionView);
