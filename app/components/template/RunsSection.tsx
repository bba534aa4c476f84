// The template's invoices, newest period first (the run timeline), with the
// confirmation asked before a run action that cannot be undone.
import { EmptyState } from "@shopify/polaris";
import { useState } from "react";
import { SectionCard } from "~/components/SectionCard";
import { formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import { ConfirmRunActionModal, type RunActionToConfirm } from "./ConfirmRunActionModal";
import type { PendingAction } from "./pending-action";
import { RunItem, type RunItemView } from "./RunItem";

export function RunsSection(props: {
  runs: RunItemView[];
  /** When the next invoice goes out (ISO instant), for the empty timeline. */
  nextRunAt: string | null;
  timeZone: string;
  /** The page's nonce, posted with run actions that reach Stripe. */
  requestId: string;
  pending: PendingAction;
}) {
  const { t, locale } = useI18n();
  const [confirm, setConfirm] = useState<RunActionToConfirm | null>(null);
  return (
    <SectionCard heading={t("template.runs.heading")}>
      {props.runs.length === 0 ? (
        <EmptyState heading={t("template.runs.empty.heading")} image="">
          <p>
            {props.nextRunAt
              ? t("template.runs.empty.body", { date: formatDateTime(props.nextRunAt, locale, props.timeZone) })
              : t("template.runs.empty.bodyNoNext")}
          </p>
        </EmptyState>
      ) : (
        props.runs.map((run) => (
          <RunItem
            key={run.id}
            run={run}
            timeZone={props.timeZone}
            requestId={props.requestId}
            pending={props.pending}
            onConfirm={(action) => setConfirm({ action, run, creditNote: run.einvoice })}
          />
        ))
      )}
      {confirm && <ConfirmRunActionModal confirm={confirm} requestId={props.requestId} onClose={() => setConfirm(null)} />}
    </SectionCard>
  );
}
