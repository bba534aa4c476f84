// "Void this invoice?" / "Mark it uncollectible?": the last word before a run
// action that cannot be undone is posted.
import { useSubmit } from "@remix-run/react";
import { Modal, Text } from "@shopify/polaris";
import { formatAmount, formatCivilDate } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { RunView } from "~/services/templates/detail-page.server";
import type { DestructiveRunAction } from "./RunActions";

export type RunActionToConfirm = {
  action: DestructiveRunAction;
  run: Pick<RunView, "id" | "periodDate" | "amount" | "currency">;
  /** A French e-invoice: voiding it issues a credit note, and the modal says so. */
  creditNote?: boolean;
};

/** What the modal says: voiding a French e-invoice says it issues a credit note. */
export function confirmBodyKey(confirm: Pick<RunActionToConfirm, "action" | "creditNote">) {
  if (confirm.action !== "void") return "template.runs.uncollectibleModal.body" as const;
  return confirm.creditNote ? ("template.runs.voidModal.bodyCreditNote" as const) : ("template.runs.voidModal.body" as const);
}

export function ConfirmRunActionModal({ confirm, requestId, onClose }: { confirm: RunActionToConfirm; requestId: string; onClose: () => void }) {
  const { t, locale } = useI18n();
  const submit = useSubmit();
  const { action, run } = confirm;
  const body = confirmBodyKey(confirm);
  return (
    <Modal
      open
      onClose={onClose}
      title={t(action === "void" ? "template.runs.voidModal.title" : "template.runs.uncollectibleModal.title")}
      primaryAction={{
        content: t(`template.runs.action.${action}`),
        destructive: true,
        onAction: () => {
          submit({ intent: action, runId: run.id, requestId }, { method: "post" });
          onClose();
        },
      }}
      secondaryActions={[{ content: t("template.runs.modal.back"), onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">
          {t(body, {
            period: formatCivilDate(run.periodDate, locale),
            amount: formatAmount(run.amount, run.currency, locale),
          })}
        </Text>
      </Modal.Section>
    </Modal>
  );
}
