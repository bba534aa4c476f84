// One invoice of the timeline: its period, state, number and amount; links
// to the invoice; what can be done with it; its signature, why it was
// skipped, why it failed (with a retry), that Stripe could not confirm the
// e-mail (Send again, beside it, is the answer), or that it was already sent
// when the template stopped (with Void); whether its payment is recorded in
// Shopify.
import { Banner, BlockStack, Divider, InlineStack, Link, Text } from "@shopify/polaris";
import { RunStateBadge } from "~/components/labels";
import { SEND_UNCONFIRMED } from "~/domain/run-errors";
import { formatAmount, formatCivilDate } from "~/i18n/format";
import type { RunFailureView } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import type { RunView } from "~/services/templates/detail-page.server";
import { ActionButton } from "./ActionButton";
import { skipReasonKey } from "./event-labels";
import type { PendingAction } from "./pending-action";
import { RunActions, type DestructiveRunAction } from "./RunActions";
import { SignatureProof } from "./SignatureProof";
import { WriteBackStatus } from "./WriteBackStatus";

/** A run as the page shows it: with its failure explained in the merchant's language (by the loader). */
export type RunItemView = RunView & { failure: RunFailureView | null };

export function RunItem(props: {
  run: RunItemView;
  timeZone: string;
  requestId: string;
  pending: PendingAction;
  onConfirm: (action: DestructiveRunAction) => void;
}) {
  const { t, locale } = useI18n();
  const { run, pending } = props;
  return (
    <BlockStack gap="150">
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span" fontWeight="semibold">
            {formatCivilDate(run.periodDate, locale)}
          </Text>
          <RunStateBadge state={run.state} />
          {run.signed && <RunStateBadge state="signed" />}
          {run.invoiceNumber && (
            <Text as="span" tone="subdued">
              {t("template.runs.invoiceNumber", { number: run.invoiceNumber })}
            </Text>
          )}
        </InlineStack>
        <Text as="span" numeric>
          {formatAmount(run.amount, run.currency, locale)}
        </Text>
      </InlineStack>
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <InlineStack gap="300">
          {run.hostedInvoiceUrl && (
            <Link url={run.hostedInvoiceUrl} target="_blank">
              {t("template.runs.hostedInvoice")}
            </Link>
          )}
          {run.invoicePdfUrl && (
            <Link url={run.invoicePdfUrl} target="_blank">
              {t("template.runs.pdf")}
            </Link>
          )}
          {run.shopifyOrder && (
            <Text as="span" tone="subdued">
              {t("template.runs.shopifyOrder", { name: run.shopifyOrder.name })}
            </Text>
          )}
        </InlineStack>
        {run.actions.length > 0 && (
          <RunActions
            run={run}
            requestId={props.requestId}
            pending={pending.runId === run.id ? pending.intent : null}
            disabled={pending.busy}
            onConfirm={props.onConfirm}
          />
        )}
      </InlineStack>
      {run.signature && <SignatureProof runId={run.id} signature={run.signature} timeZone={props.timeZone} />}
      {run.stopNotice && (
        <Banner
          tone="warning"
          action={{ content: t("template.runs.action.void"), onAction: () => props.onConfirm("void"), disabled: pending.busy }}
        >
          <p>{t(`template.runs.stopNotice.${run.stopNotice}`)}</p>
        </Banner>
      )}
      <WriteBackStatus writeBack={run.writeBack} />
      {run.state === "skipped" && run.skipReason && (
        <Text as="p" tone="subdued" variant="bodySm">
          {t(skipReasonKey(run.skipReason))}
        </Text>
      )}
      {run.errorCode === SEND_UNCONFIRMED && run.actions.includes("resend") && (
        <Banner tone="warning" title={t("template.runs.sendUnconfirmed")}>
          <p>{t("runError.send_unconfirmed")}</p>
        </Banner>
      )}
      {run.failure && (
        <Banner tone="critical">
          <BlockStack gap="200">
            <p>{run.failure.explanation}</p>
            {run.failure.detail && (
              <Text as="p" tone="subdued" variant="bodySm">
                {run.failure.detail}
              </Text>
            )}
            <InlineStack>
              <ActionButton intent="retry" runId={run.id} label={t("template.action.retry")} loading={pending.intent === "retry"} disabled={pending.busy} />
            </InlineStack>
          </BlockStack>
        </Banner>
      )}
      <Divider />
    </BlockStack>
  );
}
