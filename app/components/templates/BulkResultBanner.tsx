// After a bulk pause or resume: how many changed, and how many were skipped
// (not the shop's, or in a status that does not allow it).
import { Banner } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";

export function BulkResultBanner({ result }: { result: { intent: "pause" | "resume"; changed: number; skipped: number } }) {
  const { t } = useI18n();
  return (
    <Banner tone={result.skipped > 0 ? "warning" : "success"}>
      <p>
        {t(result.intent === "pause" ? "templates.bulk.paused" : "templates.bulk.resumed", { count: result.changed })}
        {result.skipped > 0 && ` ${t("templates.bulk.skipped", { count: result.skipped })}`}
      </p>
    </Banner>
  );
}
