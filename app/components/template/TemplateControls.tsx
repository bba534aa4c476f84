// The template's own actions: pause or skip the next period while active,
// resume while paused, cancel (confirmed in a modal) while either; a closed
// template says why it is closed instead.
import { useSubmit } from "@remix-run/react";
import { Button, Card, InlineStack, Modal, Text } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/react";
import type { TemplatePage } from "~/services/templates/detail-page.server";
import { ActionButton } from "./ActionButton";
import type { PendingAction } from "./pending-action";

export function TemplateControls({ template, pending }: { template: Pick<TemplatePage["template"], "status" | "nextRunAt">; pending: PendingAction }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const { busy, intent } = pending;
  const open = template.status === "active" || template.status === "paused";
  return (
    <>
      <Card>
        <InlineStack gap="200">
          {template.status === "active" && (
            <>
              <ActionButton intent="pause" label={t("template.action.pause")} loading={intent === "pause"} disabled={busy} />
              <ActionButton intent="skip" label={t("template.action.skip")} loading={intent === "skip"} disabled={busy || !template.nextRunAt} />
            </>
          )}
          {template.status === "paused" && <ActionButton intent="resume" label={t("template.action.resume")} loading={intent === "resume"} disabled={busy} primary />}
          {open && (
            <Button tone="critical" onClick={() => setConfirmCancel(true)} disabled={busy}>
              {t("template.action.cancel")}
            </Button>
          )}
          {!open && (
            <Text as="p" tone="subdued">
              {t(`template.closed.${template.status === "ended" ? "ended" : "cancelled"}`)}
            </Text>
          )}
        </InlineStack>
      </Card>
      <Modal
        open={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        title={t("template.cancelModal.title")}
        primaryAction={{
          content: t("template.action.cancel"),
          destructive: true,
          loading: intent === "cancel",
          onAction: () => {
            submit({ intent: "cancel" }, { method: "post" });
            setConfirmCancel(false);
          },
        }}
        secondaryActions={[{ content: t("template.cancelModal.keep"), onAction: () => setConfirmCancel(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("template.cancelModal.body")}</Text>
        </Modal.Section>
      </Modal>
    </>
  );
}
