// What the template bills, beside its timeline: the customer, the next
// invoice, the invoice options, and the lines with their amounts.
import { BlockStack, Card, Divider, InlineStack, Text } from "@shopify/polaris";
import { formatAmount, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { TemplatePage } from "~/services/templates/detail-page.server";

type SummaryOf = Pick<
  TemplatePage["template"],
  | "customerEmail"
  | "currency"
  | "timeZone"
  | "nextRunAt"
  | "issuedCount"
  | "daysUntilDue"
  | "catchUpPolicy"
  | "signatureRequested"
  | "rail"
  | "company"
  | "taxesIncluded"
  | "lines"
  | "shipping"
  | "memo"
>;

export function TemplateSummary({ template }: { template: SummaryOf }) {
  const { t, locale } = useI18n();
  const money = (minor: number) => formatAmount(minor, template.currency, locale);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("template.summary.heading")}
        </Text>
        <Text as="p">{template.customerEmail}</Text>
        {template.company && <Text as="p">{t("template.summary.company", { company: template.company.name, location: template.company.location })}</Text>}
        <Text as="p">
          {t("template.summary.next")} {template.nextRunAt ? formatDateTime(template.nextRunAt, locale, template.timeZone) : "—"}
        </Text>
        <Text as="p">{t("template.summary.issued", { count: template.issuedCount })}</Text>
        <Text as="p">{t("template.summary.rail", { rail: t(`rail.${template.rail}`) })}</Text>
        <Text as="p">{t("template.summary.due", { days: template.daysUntilDue })}</Text>
        <Text as="p">{t("template.summary.catchUp", { policy: t(`catchUp.${template.catchUpPolicy ?? "shop"}`) })}</Text>
        <Text as="p">{template.signatureRequested ? t("template.summary.signature") : t("template.summary.noSignature")}</Text>
        <Text as="p">{t(template.taxesIncluded ? "template.summary.taxesIncluded" : "template.summary.taxesAdded")}</Text>
        <Divider />
        {template.lines.map((line, index) => (
          <InlineStack key={index} align="space-between" gap="200" wrap={false}>
            <Text as="span" variant="bodySm">
              {line.quantity} × {line.description}
            </Text>
            <Text as="span" variant="bodySm" numeric>
              {money(line.unitAmount * line.quantity - line.discountAmount)}
            </Text>
          </InlineStack>
        ))}
        {template.shipping && (
          <InlineStack align="space-between" gap="200" wrap={false}>
            <Text as="span" variant="bodySm">
              {template.shipping.title}
            </Text>
            <Text as="span" variant="bodySm" numeric>
              {money(template.shipping.amount)}
            </Text>
          </InlineStack>
        )}
        {template.memo && (
          <Text as="p" tone="subdued" variant="bodySm">
            {template.memo}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
