// What the merchant can do with one issued invoice, beside it: send it again
// (harmless, one click), and behind "More actions" the two that change it for
// good, each confirmed in a modal first (ConfirmRunActionModal).
import { ActionList, Button, InlineStack, Popover } from "@shopify/polaris";
import { useState } from "react";
import { formatCivilDate } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { RunView } from "~/services/templates/detail-page.server";
import { ActionButton } from "./ActionButton";

/** The run actions that change the invoice for good: confirmed before they are posted. */
export type DestructiveRunAction = "void" | "mark_uncollectible";

export function RunActions(props: {
  run: Pick<RunView, "id" | "periodDate" | "actions">;
  requestId: string;
  /** The intent being submitted for this run, if any. */
  pending: FormDataEntryValue | null | undefined;
  disabled: boolean;
  onConfirm: (action: DestructiveRunAction) => void;
}) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const { run } = props;
  const destructive = (["mark_uncollectible", "void"] as const).filter((action) => run.actions.includes(action));
  return (
    <InlineStack gap="200" blockAlign="center">
      {run.actions.includes("resend") && (
        <ActionButton
          intent="resend"
          runId={run.id}
          fields={{ requestId: props.requestId }}
          label={t("template.runs.action.resend")}
          loading={props.pending === "resend"}
          disabled={props.disabled}
          size="slim"
        />
      )}
      {destructive.length > 0 && (
        <Popover
          active={open}
          onClose={() => setOpen(false)}
          activator={
            <Button
              size="slim"
              disclosure
              onClick={() => setOpen((wasOpen) => !wasOpen)}
              disabled={props.disabled && props.pending !== "void" && props.pending !== "mark_uncollectible"}
              loading={props.pending === "void" || props.pending === "mark_uncollectible"}
              accessibilityLabel={t("template.runs.action.moreLabel", { period: formatCivilDate(run.periodDate, locale) })}
            >
              {t("template.runs.action.more")}
            </Button>
          }
        >
          <ActionList
            actionRole="menuitem"
            items={destructive.map((action) => ({
              content: t(`template.runs.action.${action}`),
              destructive: true,
              onAction: () => {
                setOpen(false);
                props.onConfirm(action);
              },
            }))}
          />
        </Popover>
      )}
    </InlineStack>
  );
}
