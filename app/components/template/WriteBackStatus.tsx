// Where recording a paid invoice in Shopify stands, under the invoice: a
// line while it is still being tried, a warning once it will never be
// (Shopify refused the order, or Ritournelle gave up, with the reason). The
// order itself, once recorded, is shown beside the invoice's links (RunItem).
import { Banner, BlockStack, Text } from "@shopify/polaris";
import type { WriteBackAbandonReason, WriteBackStatus as Status } from "~/domain/write-back";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

/** Keyed by the domain's reasons: a new reason without its words does not compile. */
const REASON_KEYS: Record<WriteBackAbandonReason | "unknown", MessageKey> = {
  shop_uninstalled: "template.runs.writeBack.reason.shop_uninstalled",
  no_session: "template.runs.writeBack.reason.no_session",
  access_revoked: "template.runs.writeBack.reason.access_revoked",
  write_back_disabled: "template.runs.writeBack.reason.write_back_disabled",
  run_not_paid: "template.runs.writeBack.reason.run_not_paid",
  exchange_rate_unavailable: "template.runs.writeBack.reason.exchange_rate_unavailable",
  retries_exhausted: "template.runs.writeBack.reason.retries_exhausted",
  unknown: "template.runs.writeBack.reason.unknown",
};

export function WriteBackStatus({ writeBack }: { writeBack: Status | null }) {
  const { t } = useI18n();
  if (!writeBack || writeBack.state === "done") return null;
  if (writeBack.state === "pending") {
    return (
      <Text as="p" tone="subdued" variant="bodySm">
        {t("template.runs.writeBack.pending")}
      </Text>
    );
  }
  if (writeBack.state === "failed") {
    return (
      <Banner tone="warning" title={t("template.runs.writeBack.failed.title")}>
        <BlockStack gap="100">
          <p>{t("template.runs.writeBack.failed.body")}</p>
          {writeBack.detail && (
            <Text as="p" tone="subdued" variant="bodySm">
              {t("template.runs.writeBack.failed.detail", { detail: writeBack.detail })}
            </Text>
          )}
        </BlockStack>
      </Banner>
    );
  }
  return (
    <Banner tone="warning" title={t("template.runs.writeBack.abandoned.title")}>
      <BlockStack gap="100">
        <p>{t(REASON_KEYS[writeBack.reason])}</p>
        <p>{t("template.runs.writeBack.abandoned.body")}</p>
        {writeBack.triedBefore && <p>{t("template.runs.writeBack.abandoned.triedBefore", { tag: writeBack.tag })}</p>}
      </BlockStack>
    </Banner>
  );
}
