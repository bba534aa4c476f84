// Small shared pieces of the merchant UI: status badges and human labels for
// frequencies, with every word from app/i18n.
import { Badge } from "@shopify/polaris";
import type { ComponentProps } from "react";
import type { RunState } from "~/domain/run-state";
import { useI18n } from "~/i18n/react";

type Tone = ComponentProps<typeof Badge>["tone"];

/** A run's state, and "signed" shown beside it once the customer signed. */
export type RunBadgeState = RunState | "signed";

const RUN_TONES: Record<RunBadgeState, Tone> = {
  planned: undefined,
  issuing: "info",
  sent: "attention",
  paid: "success",
  overdue: "warning",
  void: undefined,
  uncollectible: "critical",
  failed: "critical",
  skipped: undefined,
  signed: "success",
};

export function RunStateBadge({ state }: { state: RunBadgeState }) {
  const { t } = useI18n();
  return <Badge tone={RUN_TONES[state]}>{t(`run.state.${state}`)}</Badge>;
}

export type TemplateStatus = "active" | "paused" | "ended" | "cancelled";

const TEMPLATE_TONES: Record<TemplateStatus, Tone> = { active: "success", paused: "warning", ended: undefined, cancelled: undefined };

export function TemplateStatusBadge({ status }: { status: TemplateStatus }) {
  const { t } = useI18n();
  return <Badge tone={TEMPLATE_TONES[status]}>{t(`template.status.${status}`)}</Badge>;
}

const FINANCIAL_STATUSES = ["AUTHORIZED", "EXPIRED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED"] as const;
type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];

/** Shopify's payment status of an order (null: no payment recorded). */
export function FinancialStatusBadge({ status }: { status: string | null }) {
  const { t } = useI18n();
  if (!status || !(FINANCIAL_STATUSES as readonly string[]).includes(status)) return <Badge>{t("orders.financial.unknown")}</Badge>;
  const known = status as FinancialStatus;
  return <Badge tone={known === "PAID" ? "success" : known === "PENDING" || known === "AUTHORIZED" ? "attention" : undefined}>{t(`orders.financial.${known}`)}</Badge>;
}

