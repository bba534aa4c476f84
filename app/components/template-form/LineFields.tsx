// One invoice line of the form: title, quantity, unit price, discount, its
// taxes (as the order taxed it), and the button that removes it.
import { BlockStack, Box, Button, Divider, InlineGrid, Text, TextField } from "@shopify/polaris";
import type { TemplateFormLine } from "~/domain/template-form";
import { formatPercent } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { ErrorOf } from "./fields";

export function LineFields(props: {
  line: TemplateFormLine;
  index: number;
  currency: string;
  taxesIncluded: boolean;
  errorOf: ErrorOf;
  onChange: (patch: Partial<TemplateFormLine>) => void;
  onRemove: () => void;
}) {
  const { t, locale } = useI18n();
  const { line, index, errorOf, onChange } = props;
  const taxMode = props.taxesIncluded ? t("form.lines.taxesIncluded") : t("form.lines.taxesAdded");
  return (
    <BlockStack gap="200">
      <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="200">
        <TextField
          label={t("form.lines.title")}
          autoComplete="off"
          value={line.title}
          onChange={(title) => onChange({ title })}
          error={errorOf(`lines.${index}.title`)}
          helpText={[line.variantTitle, line.sku && t("form.lines.sku", { sku: line.sku })].filter(Boolean).join(" · ") || undefined}
        />
        <TextField
          label={t("form.lines.quantity")}
          type="number"
          min={1}
          autoComplete="off"
          value={line.quantity}
          onChange={(quantity) => onChange({ quantity })}
          error={errorOf(`lines.${index}.quantity`)}
        />
      </InlineGrid>
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="200">
        <TextField
          label={t("form.lines.unitPrice")}
          inputMode="decimal"
          autoComplete="off"
          suffix={props.currency}
          value={line.unitPrice}
          onChange={(unitPrice) => onChange({ unitPrice })}
          error={errorOf(`lines.${index}.unitAmount`)}
        />
        <TextField
          label={t("form.lines.discount")}
          inputMode="decimal"
          autoComplete="off"
          suffix={props.currency}
          value={line.discount}
          onChange={(discount) => onChange({ discount })}
          error={errorOf(`lines.${index}.discountAmount`)}
        />
        <Box paddingBlockStart="600">
          <Button variant="plain" tone="critical" onClick={props.onRemove} accessibilityLabel={t("form.lines.removeLabel", { n: index + 1 })}>
            {t("form.lines.remove")}
          </Button>
        </Box>
      </InlineGrid>
      <Text as="p" tone="subdued" variant="bodySm">
        {line.taxLines.length === 0
          ? t("form.lines.noTax")
          : t("form.lines.taxes", { taxes: line.taxLines.map((tax) => `${tax.title} ${formatPercent(tax.ratePercent, locale)}`).join(", "), mode: taxMode })}
      </Text>
      <Divider />
    </BlockStack>
  );
}
