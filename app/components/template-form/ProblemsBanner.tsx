// At the top of the form: everything to fix before it can be saved, one line
// per field ("Line 2 — Quantity: …").
import { memo } from "react";
import { Banner, List } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";

function ProblemsBannerView({ problems }: { problems: string[] }) {
  const { t } = useI18n();
  if (problems.length === 0) return null;
  return (
    <Banner tone="critical" title={t("form.errors.title", { count: problems.length })}>
      <List>
        {problems.map((problem) => (
          <List.Item key={problem}>{problem}</List.Item>
        ))}
      </List>
    </Banner>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const ProblemsBanner = memo(ProblemsBannerView);
