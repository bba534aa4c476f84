// Settings: the Stripe connection, defaults for new recurring invoices, and
// writing paid invoices back to Shopify as orders.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { PlanCard } from "~/components/plan/PlanCard";
import { RouteError } from "~/components/RouteError";
import { EInvoiceExportCard } from "~/components/settings/EInvoiceExportCard";
import { LegalIdentityForm } from "~/components/settings/LegalIdentityForm";
import { SettingsDefaultsForm } from "~/components/settings/SettingsDefaultsForm";
import { StripeConnectionCard } from "~/components/settings/StripeConnectionCard";
import { useI18n } from "~/i18n/react";
import { loadPlanSummary } from "~/services/billing-plan/plan-summary.server";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { loadSettingsPage } from "~/services/settings/load-settings-page.server";
import { saveSettings } from "~/services/settings/save-settings.server";
import { authenticate } from "~/shopify.server";
import { ADMIN_BODY, orBadRequest, readForm } from "~/http/request-body.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";

/** Where the Stripe card's actions (app.settings.stripe.tsx) send the merchant back after a failure. */
const stripeErrorSchema = z.enum(["connect_failed", "disconnect_failed"]).nullable().catch(null);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, billing, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const shopifyRailGranted = await railAccessOf(scopes)();
  const stripeError = stripeErrorSchema.parse(new URL(request.url).searchParams.get("stripe_error"));
  await refreshPlanIfStale(shop, billing);
  return { ...loadSettingsPage(shop), timeZone: shop.timeZone, stripeError, plan: await loadPlanSummary(shop), shopifyRailGranted };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, scopes } = await authenticate.admin(request);
  // The form is validated by the service's zod schema (settingsFormSchema).
  const form = Object.fromEntries(await orBadRequest(request, () => readForm(request, ADMIN_BODY)));
  const result = await saveSettings(session.shop, form, railAccessOf(scopes));
  return result.ok ? { ok: true as const, errors: {} } : data({ ok: false as const, errors: result.errors }, { status: 422 });
};

export default function Settings() {
  const { settings, billing, timeZone, stripeError, plan, shopifyRailGranted } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useI18n();

  return (
    <Page title={t("settings.title")} backAction={{ content: t("nav.home"), url: "/app" }}>
      <BlockStack gap="400">
        {answer?.ok && (
          <Banner tone="success">
            <p>{t("settings.saved")}</p>
          </Banner>
        )}
        {answer && !answer.ok && (
          <Banner tone="critical" title={t("settings.invalid.title")}>
            <p>{t("settings.invalid.body")}</p>
          </Banner>
        )}
        <Layout>
          <Layout.AnnotatedSection title={t("settings.stripe.heading")} description={t("settings.stripe.description")}>
            <StripeConnectionCard billing={billing} timeZone={timeZone} stripeError={stripeError} />
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("settings.defaults.heading")} description={t("settings.defaults.description")}>
            <SettingsDefaultsForm settings={settings} timeZone={timeZone} shopifyRailGranted={shopifyRailGranted} errors={answer && !answer.ok ? answer.errors : {}} />
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("settings.legalIdentity.heading")} description={t("settings.legalIdentity.description")}>
            <BlockStack gap="400">
              <LegalIdentityForm identity={settings.legalIdentity} />
              <EInvoiceExportCard defaultMonth={new Date().toISOString().slice(0, 7)} />
            </BlockStack>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("plan.title")} description={t("settings.plan.description")}>
            <PlanCard plan={plan} />
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/settings" />;
}
