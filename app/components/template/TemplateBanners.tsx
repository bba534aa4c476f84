// The news at the top of the template page: just created (and when the first
// invoice goes out), the answer to the merchant's last action, a pause the app
// made itself when the shop uninstalled it, and invoices held because Stripe
// refuses access.
import { Banner } from "@shopify/polaris";
import { BillingHoldBanner } from "~/components/BillingHoldBanner";
import { PLAN_SELECTION_URL } from "~/domain/plan";
import { formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { TemplatePage } from "~/services/templates/detail-page.server";

/** The action's answer, already in the merchant's words (the route's action builds `message`). */
export type ActionAnswer = { ok: true; message: string } | { ok: false; code: string; message: string };

export function TemplateBanners(props: {
  template: Pick<TemplatePage["template"], "status" | "statusReason" | "nextRunAt" | "timeZone">;
  billingHold: TemplatePage["billingHold"];
  /** The page was reached right after creating the template (`?created=1`). */
  justCreated: boolean;
  answer: ActionAnswer | undefined;
}) {
  const { t, locale } = useI18n();
  const { template, answer } = props;
  return (
    <>
      {props.justCreated && !answer && (
        <Banner tone="success" title={t("template.created.title")}>
          <p>
            {template.nextRunAt
              ? t("template.created.body", { date: formatDateTime(template.nextRunAt, locale, template.timeZone) })
              : t("template.created.bodyNoNext")}
          </p>
        </Banner>
      )}
      {answer && answer.ok && (
        <Banner tone="success">
          <p>{answer.message}</p>
        </Banner>
      )}
      {answer && !answer.ok && (
        <Banner
          tone="warning"
          action={
            answer.code === "billing_not_connected"
              ? { content: t("nav.settings"), url: "/app/settings" }
              : answer.code === "plan_limit_reached"
                ? { content: t("plan.upgrade"), url: PLAN_SELECTION_URL, target: "_top" }
                : undefined
          }
        >
          <p>{answer.message}</p>
        </Banner>
      )}
      {props.billingHold && <BillingHoldBanner hold={props.billingHold} timeZone={template.timeZone} />}
      {template.status === "paused" && template.statusReason === "shop_uninstalled" && (
        <Banner tone="warning">
          <p>{t("template.pausedByUninstall")}</p>
        </Banner>
      )}
    </>
  );
}
