// One recurring invoice: its invoices (the run timeline), what it bills, the
// audit trail, and the merchant's actions. Another shop's id is a 404.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { FREE_PLAN_ACTIVE_LIMIT } from "~/domain/plan";
import { TemplateStatusBadge } from "~/components/labels";
import { RailScopeNotice } from "~/components/RailScopeNotice";
import { RouteError } from "~/components/RouteError";
import { ActivitySection } from "~/components/template/ActivitySection";
import { EInvoiceCard } from "~/components/template/EInvoiceCard";
import { usePendingAction } from "~/components/template/pending-action";
import { RunsSection } from "~/components/template/RunsSection";
import { TemplateBanners } from "~/components/template/TemplateBanners";
import { TemplateControls } from "~/components/template/TemplateControls";
import { TemplateSummary } from "~/components/template/TemplateSummary";
import { orNotFound } from "~/http/not-found.server";
import { translator, type Translate } from "~/i18n";
import { formatAmount, frequencyLabel } from "~/i18n/format";
import { explainRunFailure } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";
import { RUN_ACTIONS } from "~/services/invoicing/run-actions.server";
import { applyTemplateAction, TEMPLATE_ACTIONS, type ActionResult } from "~/services/templates/apply-action.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { loadEInvoiceCard } from "~/services/documents/template-einvoice.server";
import { authenticate } from "~/shopify.server";
import { ADMIN_BODY, orBadRequest, readForm } from "~/http/request-body.server";

/** Intents that act on one run of the template: they need its id. */
const RUN_INTENTS: ReadonlySet<string> = new Set(["retry", ...RUN_ACTIONS]);
type RunIntent = (typeof RUN_ACTIONS)[number];

// Built by the action only: a schema at module level would ship zod to the page.
const actionSchema = () =>
  z
    .object({
      intent: z.enum(TEMPLATE_ACTIONS),
      runId: z.string().min(1).max(100).optional(),
      // The page's nonce (from the loader): a double submit carries the same one, so Stripe gets one request.
      requestId: z.string().min(1).max(100).optional(),
    })
    .refine((form) => !RUN_INTENTS.has(form.intent) || form.runId !== undefined, { path: ["runId"], message: "runId is required" });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, scopes } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const page = await orNotFound(() => loadTemplatePage(shop, params.id ?? ""));
  const t = translator(locale);
  // A failed run says why in the merchant's language, with the recorded English detail under it.
  const runs = page.runs.map((run) => ({ ...run, failure: run.state === "failed" ? explainRunFailure(t, run.errorCode, run.errorMessage) : null }));
  // One nonce per rendered page: every form on it posts it, and the page
  // reloads after each action, so a new click gets a new one.
  // A Shopify invoice whose permission was revoked: its next period would fail; said now, with the button to grant it again.
  const open = page.template.status === "active" || page.template.status === "paused";
  // This template is one such: only Shopify is asked (the home page counts them, rail-scope-status.server.ts).
  const railScopeLost = page.template.rail === "shopify" && open && !(await railAccessOf(scopes)());
  return { ...page, runs, requestId: crypto.randomUUID(), einvoice: await loadEInvoiceCard(shop, params.id ?? ""), railScopeLost };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, billing } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const t = translator(locale);
  const form = actionSchema().safeParse(Object.fromEntries(await orBadRequest(request, () => readForm(request, ADMIN_BODY))));
  if (!form.success) {
    return data({ ok: false, action: null, code: "invalid_action", message: t("template.refused.invalid_action") } as const, { status: 400 });
  }
  const { intent, runId, requestId } = form.data;
  // Resuming is limited by the plan: read it again if it is stale.
  if (intent === "resume") await refreshPlanIfStale(shop, billing);
  const result: ActionResult = await orNotFound(() => applyTemplateAction(shop, params.id ?? "", intent, runId, { requestId }));
  const answer = { ...result, message: messageOf(result, t) };
  if (result.ok) return answer;
  // Stripe unreachable is worth a retry later; everything else is the invoice's or the shop's state.
  return data(answer, { status: result.code === "stripe_unavailable" || result.code === "shopify_unavailable" ? 503 : 409 });
};

function isRunIntent(intent: string): intent is RunIntent {
  return (RUN_ACTIONS as readonly string[]).includes(intent);
}

/** What the merchant reads after an action, in their language. */
function messageOf(result: ActionResult, t: Translate): string {
  if (result.ok && result.creditNoteNumber) return t("template.done.void_credit_note", { number: result.creditNoteNumber });
  if (result.ok && result.resendConfirmedEarlier) return t("template.done.resend_confirmed", { email: result.customerEmail ?? "" });
  if (result.ok) return result.action === "resend" ? t("template.done.resend", { email: result.customerEmail ?? "" }) : t(`template.done.${result.action}`);
  if (result.code === "resend_in_doubt") return t("template.refused.resend_in_doubt", { minutes: result.retryInMinutes ?? 10 });
  if (result.code !== "not_allowed") return t(`template.refused.${result.code}`, { limit: FREE_PLAN_ACTIVE_LIMIT });
  if (!isRunIntent(result.action) || !result.runState) return t("template.refused.invalid_action");
  return t(`template.refused.not_allowed.${result.action}`, { state: t(`run.state.${result.runState}`) });
}

export default function TemplatePage() {
  const { template, runs, events, billingHold, requestId, einvoice, railScopeLost: scopeLost } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t, locale } = useI18n();
  const pending = usePendingAction();
  const open = template.status === "active" || template.status === "paused";

  return (
    <Page
      title={template.customerName}
      titleMetadata={<TemplateStatusBadge status={template.status} />}
      subtitle={t("template.subtitle", { amount: formatAmount(template.amount, template.currency, locale), frequency: frequencyLabel(t, template.every, template.unit) })}
      backAction={{ content: t("nav.templates"), url: "/app/templates" }}
      primaryAction={open ? { content: t("template.action.edit"), url: `/app/templates/${template.id}/edit` } : undefined}
    >
      <BlockStack gap="400">
        <TemplateBanners template={template} billingHold={billingHold} justCreated={searchParams.get("created") === "1"} answer={answer} />
        {scopeLost && <RailScopeNotice lost="this" />}
        <TemplateControls template={template} pending={pending} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <RunsSection runs={runs} nextRunAt={template.nextRunAt} timeZone={template.timeZone} requestId={requestId} pending={pending} />
              <ActivitySection events={events} timeZone={template.timeZone} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <TemplateSummary template={template} />
              {einvoice && <EInvoiceCard templateId={template.id} card={einvoice} currency={template.currency} />}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/templates" />;
}
