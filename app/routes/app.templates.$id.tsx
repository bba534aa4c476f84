// One recurring invoice: its invoices (the run timeline), what it bills, the
// audit trail, and the merchant's actions. Another shop's id is a 404.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  ActionList,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  EmptyState,
  InlineStack,
  Layout,
  Link,
  Modal,
  Page,
  Popover,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { frequencyLabel, RunStateBadge, TemplateStatusBadge } from "~/components/labels";
import { translator, type MessageKey, type Translate } from "~/i18n";
import { formatAmount, formatCivilDate, formatDateTime } from "~/i18n/format";
import { explainRunFailure } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { RUN_ACTIONS } from "~/services/run-actions.server";
import {
  applyTemplateAction,
  loadTemplatePage,
  TEMPLATE_ACTIONS,
  type ActionResult,
  type RunView,
  type SignatureView,
} from "~/services/template-pages.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";
import { orNotFound } from "~/http/not-found.server";
import { SectionCard } from "~/components/SectionCard";

/** Intents that act on one run of the template: they need its id. */
const RUN_INTENTS: ReadonlySet<string> = new Set(["retry", ...RUN_ACTIONS]);
type RunIntent = (typeof RUN_ACTIONS)[number];

const actionSchema = z
  .object({
    intent: z.enum(TEMPLATE_ACTIONS),
    runId: z.string().min(1).max(100).optional(),
    // The page's nonce (from the loader): a double submit carries the same one, so Stripe gets one request.
    requestId: z.string().min(1).max(100).optional(),
  })
  .refine((form) => !RUN_INTENTS.has(form.intent) || form.runId !== undefined, { path: ["runId"], message: "runId is required" });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const page = await orNotFound(() => loadTemplatePage(shop, params.id ?? ""));
  const t = translator(locale);
  // A failed run says why in the merchant's language, with the recorded English detail under it.
  const runs = page.runs.map((run) => ({ ...run, failure: run.state === "failed" ? explainRunFailure(t, run.errorCode, run.errorMessage) : null }));
  // One nonce per rendered page: every form on it posts it, and the page
  // reloads after each action, so a new click gets a new one.
  return { ...page, runs, requestId: crypto.randomUUID() };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const t = translator(locale);
  const form = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) {
    return data({ ok: false, action: null, code: "invalid_action", message: t("template.refused.invalid_action") } as const, { status: 400 });
  }
  const { intent, runId, requestId } = form.data;
  const result: ActionResult = await orNotFound(() => applyTemplateAction(shop, params.id ?? "", intent, runId, { requestId }));
  const answer = { ...result, message: messageOf(result, t) };
  if (result.ok) return answer;
  // Stripe unreachable is worth a retry later; everything else is the invoice's or the shop's state.
  return data(answer, { status: result.code === "stripe_unavailable" ? 503 : 409 });
};

function isRunIntent(intent: string): intent is RunIntent {
  return (RUN_ACTIONS as readonly string[]).includes(intent);
}

/** What the merchant reads after an action, in their language. */
function messageOf(result: ActionResult, t: Translate): string {
  if (result.ok) return result.action === "resend" ? t("template.done.resend", { email: result.customerEmail ?? "" }) : t(`template.done.${result.action}`);
  if (result.code !== "not_allowed") return t(`template.refused.${result.code}`);
  if (!isRunIntent(result.action) || !result.runState) return t("template.refused.invalid_action");
  return t(`template.refused.not_allowed.${result.action}`, { state: t(`run.state.${result.runState}`) });
}

export default function TemplatePage() {
  const { template, runs, events, requestId } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const { t, locale } = useI18n();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [confirmRunAction, setConfirmRunAction] = useState<{ action: "void" | "mark_uncollectible"; run: RunView } | null>(null);
  const submit = useSubmit();
  const busy = navigation.state === "submitting";
  const pendingIntent = busy ? navigation.formData?.get("intent") : null;
  const pendingRunId = busy ? navigation.formData?.get("runId") : null;
  const money = (minor: number) => formatAmount(minor, template.currency, locale);
  const open = template.status === "active" || template.status === "paused";

  return (
    <Page
      title={template.customerName}
      titleMetadata={<TemplateStatusBadge status={template.status} />}
      subtitle={t("template.subtitle", { amount: money(template.amount), frequency: frequencyLabel(t, template.every, template.unit) })}
      backAction={{ content: t("nav.templates"), url: "/app/templates" }}
      primaryAction={open ? { content: t("template.action.edit"), url: `/app/templates/${template.id}/edit` } : undefined}
    >
      <BlockStack gap="400">
        {searchParams.get("created") === "1" && !answer && (
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
            action={answer.code === "billing_not_connected" ? { content: t("nav.settings"), url: "/app/settings" } : undefined}
          >
            <p>{answer.message}</p>
          </Banner>
        )}
        {template.status === "paused" && template.statusReason === "shop_uninstalled" && (
          <Banner tone="warning">
            <p>{t("template.pausedByUninstall")}</p>
          </Banner>
        )}

        <Card>
          <InlineStack gap="200">
            {template.status === "active" && (
              <>
                <ActionButton intent="pause" label={t("template.action.pause")} loading={pendingIntent === "pause"} disabled={busy} />
                <ActionButton intent="skip" label={t("template.action.skip")} loading={pendingIntent === "skip"} disabled={busy || !template.nextRunAt} />
              </>
            )}
            {template.status === "paused" && (
              <ActionButton intent="resume" label={t("template.action.resume")} loading={pendingIntent === "resume"} disabled={busy} primary />
            )}
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

        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <SectionCard heading={t("template.runs.heading")}>
                {runs.length === 0 ? (
                  <EmptyState heading={t("template.runs.empty.heading")} image="">
                    <p>
                      {template.nextRunAt
                        ? t("template.runs.empty.body", { date: formatDateTime(template.nextRunAt, locale, template.timeZone) })
                        : t("template.runs.empty.bodyNoNext")}
                    </p>
                  </EmptyState>
                ) : (
                  runs.map((run) => (
                    <BlockStack gap="150" key={run.id}>
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
                            requestId={requestId}
                            pending={pendingRunId === run.id ? pendingIntent : null}
                            disabled={busy}
                            onConfirm={(action) => setConfirmRunAction({ action, run })}
                          />
                        )}
                      </InlineStack>
                      {run.signature && <SignatureProof runId={run.id} signature={run.signature} timeZone={template.timeZone} />}
                      {run.state === "skipped" && run.skipReason && (
                        <Text as="p" tone="subdued" variant="bodySm">
                          {t(skipReasonKey(run.skipReason))}
                        </Text>
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
                              <ActionButton intent="retry" runId={run.id} label={t("template.action.retry")} loading={pendingIntent === "retry"} disabled={busy} />
                            </InlineStack>
                          </BlockStack>
                        </Banner>
                      )}
                      <Divider />
                    </BlockStack>
                  ))
                )}
              </SectionCard>

              <SectionCard heading={t("template.events.heading")}>
                {events.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("template.events.empty")}
                  </Text>
                ) : (
                  events.map((event) => (
                    <Box key={event.id}>
                      <InlineStack align="space-between" gap="200">
                        <Text as="span">
                          {t(eventKey(event.type, event.toState))}
                          {event.periodDate && ` — ${formatCivilDate(event.periodDate, locale)}`}
                        </Text>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {formatDateTime(event.at, locale, template.timeZone)}
                        </Text>
                      </InlineStack>
                      <Text as="p" tone="subdued" variant="bodySm">
                        {t("template.events.by", { actor: actorLabel(t, event.actor) })}
                        {event.cause && SKIP_REASON_KEYS[event.cause] && ` · ${t(SKIP_REASON_KEYS[event.cause]!)}`}
                      </Text>
                    </Box>
                  ))
                )}
              </SectionCard>
            </BlockStack>
          </Layout.Section>

          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("template.summary.heading")}
                </Text>
                <Text as="p">{template.customerEmail}</Text>
                <Text as="p">
                  {t("template.summary.next")}{" "}
                  {template.nextRunAt ? formatDateTime(template.nextRunAt, locale, template.timeZone) : "—"}
                </Text>
                <Text as="p">{t("template.summary.issued", { count: template.issuedCount })}</Text>
                <Text as="p">{t("template.summary.due", { days: template.daysUntilDue })}</Text>
                <Text as="p">{t("template.summary.catchUp", { policy: t(`catchUp.${template.catchUpPolicy ?? "shop"}`) })}</Text>
                <Text as="p">{template.signatureRequested ? t("template.summary.signature") : t("template.summary.noSignature")}</Text>
                <Text as="p">{t(template.taxesIncluded ? "template.summary.taxesIncluded" : "template.summary.taxesAdded")}</Text>
                <Divider />
                {template.lines.map((line, index) => (
                  <InlineStack key={index} align="space-between" gap="200" wrap={false}>
                    <Text as="span" variant="bodySm">
                      {line.quantity} × {line.description}
                    </Text>
                    <Text as="span" variant="bodySm" numeric>
                      {money(line.unitAmount * line.quantity - line.discountAmount)}
                    </Text>
                  </InlineStack>
                ))}
                {template.shipping && (
                  <InlineStack align="space-between" gap="200" wrap={false}>
                    <Text as="span" variant="bodySm">
                      {template.shipping.title}
                    </Text>
                    <Text as="span" variant="bodySm" numeric>
                      {money(template.shipping.amount)}
                    </Text>
                  </InlineStack>
                )}
                {template.memo && (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {template.memo}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>

      <Modal
        open={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        title={t("template.cancelModal.title")}
        primaryAction={{
          content: t("template.action.cancel"),
          destructive: true,
          loading: pendingIntent === "cancel",
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

      {confirmRunAction && (
        <Modal
          open
          onClose={() => setConfirmRunAction(null)}
          title={t(confirmRunAction.action === "void" ? "template.runs.voidModal.title" : "template.runs.uncollectibleModal.title")}
          primaryAction={{
            content: t(`template.runs.action.${confirmRunAction.action}`),
            destructive: true,
            onAction: () => {
              submit({ intent: confirmRunAction.action, runId: confirmRunAction.run.id, requestId }, { method: "post" });
              setConfirmRunAction(null);
            },
          }}
          secondaryActions={[{ content: t("template.runs.modal.back"), onAction: () => setConfirmRunAction(null) }]}
        >
          <Modal.Section>
            <Text as="p">
              {t(confirmRunAction.action === "void" ? "template.runs.voidModal.body" : "template.runs.uncollectibleModal.body", {
                period: formatCivilDate(confirmRunAction.run.periodDate, locale),
                amount: formatAmount(confirmRunAction.run.amount, confirmRunAction.run.currency, locale),
              })}
            </Text>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}

/**
 * What the merchant can do with one issued invoice, beside it: send it again
 * (harmless, one click), and behind "More actions" the two that change it for
 * good, each confirmed in a modal first.
 */
function RunActions(props: {
  run: RunView;
  requestId: string;
  pending: FormDataEntryValue | null | undefined;
  disabled: boolean;
  onConfirm: (action: "void" | "mark_uncollectible") => void;
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

function ActionButton(props: {
  intent: string;
  runId?: string;
  /** More hidden fields (e.g. the request nonce). */
  fields?: Record<string, string>;
  label: string;
  loading: boolean;
  disabled: boolean;
  primary?: boolean;
  size?: "slim";
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      {props.runId && <input type="hidden" name="runId" value={props.runId} />}
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button submit loading={props.loading} disabled={props.disabled && !props.loading} variant={props.primary ? "primary" : undefined} size={props.size}>
        {props.label}
      </Button>
    </Form>
  );
}

const EVENT_KEYS: Record<string, MessageKey> = {
  "template.created": "event.template.created",
  "template.edited": "event.template.edited",
  "template.paused": "event.template.paused",
  "template.resumed": "event.template.resumed",
  "template.cancelled": "event.template.cancelled",
  "template.ended": "event.template.ended",
  "template.customer_redacted": "event.template.customer_redacted",
  "run.planned": "event.run.planned",
  "run.skipped": "event.run.skipped",
  "run.replanned": "event.run.replanned",
  "run.waiting": "event.run.waiting",
  "run.started": "event.run.started",
  "run.step_completed": "event.run.step_completed",
  "run.invoice_adopted": "event.run.invoice_adopted",
  "run.sent": "event.run.sent",
  "run.retry_scheduled": "event.run.retry_scheduled",
  "run.failed": "event.run.failed",
  "run.retried": "event.run.retried",
  "run.closed": "event.run.closed",
  "run.signed": "event.run.signed",
  "run.written_back": "event.run.written_back",
  "run.overdue": "event.run.overdue",
  "run.payment_failed": "event.run.payment_failed",
  "run.resent": "event.run.resent",
  "run.resumed": "event.run.resumed",
};

/** "Closed" says more as what it closed into. */
const CLOSED_KEYS: Record<string, MessageKey> = {
  paid: "event.run.closed.paid",
  void: "event.run.closed.void",
  uncollectible: "event.run.closed.uncollectible",
};

/** Event types this page does not know yet (added by later work) still show, generically. */
function eventKey(type: string, toState: string | null): MessageKey {
  if (type === "run.closed" && toState && CLOSED_KEYS[toState]) return CLOSED_KEYS[toState];
  return EVENT_KEYS[type] ?? "event.other";
}

const SKIP_REASON_KEYS: Record<string, MessageKey> = {
  catch_up_latest: "skip.catch_up_latest",
  catch_up_none: "skip.catch_up_none",
  paused: "skip.paused",
  merchant_skip: "skip.merchant_skip",
  cancelled: "skip.cancelled",
  customer_redacted: "skip.customer_redacted",
  removed_by_edit: "skip.removed_by_edit",
};

function skipReasonKey(reason: string): MessageKey {
  return SKIP_REASON_KEYS[reason] ?? "skip.other";
}

function actorLabel(t: (key: MessageKey) => string, actor: string): string {
  if (actor === "merchant") return t("actor.merchant");
  if (actor === "shopify") return t("actor.shopify");
  if (actor === "stripe") return t("actor.stripe");
  if (actor === "ritournelle" || actor.startsWith("worker")) return t("actor.worker");
  return actor;
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/templates" />;
}

/**
 * The customer's signature on one run: who, when, from where, what they drew
 * and the document's hash, with the signed PDF. The PDF comes through `fetch`
 * so App Bridge adds the session token (a plain link would have none).
 */
function SignatureProof({ runId, signature, timeZone }: { runId: string; signature: SignatureView; timeZone: string }) {
  const { t, locale } = useI18n();
  const [downloading, setDownloading] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setDownloading(true);
    setFailed(false);
    try {
      const response = await fetch(`/app/runs/${runId}/signed-pdf`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = `${signature.id}.pdf`;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch {
      setFailed(true);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <InlineStack gap="400" blockAlign="center" wrap>
        {signature.imageDataUrl && (
          <img src={signature.imageDataUrl} alt={t("template.runs.signature.imageAlt")} style={{ maxHeight: 64, maxWidth: 200, background: "#fff" }} />
        )}
        <BlockStack gap="100">
          <Text as="p">
            {t("template.runs.signature.by", {
              name: signature.signerName ?? t("template.runs.signature.redacted"),
              date: formatDateTime(signature.signedAt, locale, timeZone),
            })}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            {t("template.runs.signature.proof", { ip: signature.ipAddress ?? "—", hash: signature.documentHash.slice(0, 16), id: signature.id })}
          </Text>
          {failed && (
            <Text as="p" tone="critical" variant="bodySm">
              {t("template.runs.signature.downloadFailed")}
            </Text>
          )}
        </BlockStack>
        {signature.hasPdf && (
          <Button onClick={download} loading={downloading}>
            {t("template.runs.signature.download")}
          </Button>
        )}
      </InlineStack>
    </Box>
  );
}
