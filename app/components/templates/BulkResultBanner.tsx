// After a bulk pause or resume: how many changed, how many were skipped
// (not the shop's, or in a status that does not allow it), and how many the
// plan left paused (with the way to upgrade).
import { Banner } from "@shopify/polaris";
import { FREE_PLAN_ACTIVE_LIMIT, PLAN_SELECTION_URL } from "~/domain/plan";
import { useI18n } from "~/i18n/react";

export function BulkResultBanner({ result }: { result: { intent: "pause" | "resume"; changed: number; skipped: number; planLimited: number } }) {
  const { t } = useI18n();
  const upgrade = result.planLimited > 0 ? { content: t("plan.upgrade"), url: PLAN_SELECTION_URL, target: "_top" as const } : undefined;
  return (
    <Banner tone={result.skipped > 0 || result.planLimited > 0 ? "warning" : "success"} action={upgrade}>
      <p>
        {t(result.intent === "pause" ? "templates.bulk.paused" : "templates.bulk.resumed", { count: result.changed })}
        {result.skipped > 0 && ` ${t("templates.bulk.skipped", { count: result.skipped })}`}
        {result.planLimited > 0 && ` ${t("templates.bulk.planLimited", { count: result.planLimited, limit: FREE_PLAN_ACTIVE_LIMIT })}`}
      </p>
    </Banner>
  );
}
