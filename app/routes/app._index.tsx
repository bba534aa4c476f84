// Home: what needs the merchant first (failed runs, overdue invoices), the
// invoices of the next 30 days, the monthly recurring revenue per currency.
// A shop without templates sees one way forward: pick an order.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { BillingHoldBanner } from "~/components/BillingHoldBanner";
import { AttentionSection } from "~/components/home/AttentionSection";
import { ConnectStripeBanner } from "~/components/home/ConnectStripeBanner";
import { GetStartedCard } from "~/components/home/GetStartedCard";
import { MrrCard } from "~/components/home/MrrCard";
import { DISMISS_SETUP_GUIDE_INTENT, SetupGuide } from "~/components/home/SetupGuide";
import { ShopStatusCard } from "~/components/home/ShopStatusCard";
import { UpcomingSection } from "~/components/home/UpcomingSection";
import { PlanCard } from "~/components/plan/PlanCard";
import { RailScopeNotice } from "~/components/RailScopeNotice";
import { RouteError } from "~/components/RouteError";
import { translator } from "~/i18n";
import { explainRunFailure } from "~/i18n/run-errors";
import { useI18n } from "~/i18n/react";
import { loadPlanSummary } from "~/services/billing-plan/plan-summary.server";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";
import { railScopeLost } from "~/services/shopify/rail-scope-status.server";
import { loadDashboard, UPCOMING_DAYS, type Dashboard } from "~/services/dashboard/load-dashboard.server";
import { dismissSetupGuide, loadSetupGuide } from "~/services/dashboard/setup-guide.server";
import { authenticate } from "~/shopify.server";
import { ADMIN_BODY, orBadRequest, readForm } from "~/http/request-body.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, billing, scopes } = await authenticate.admin(request);
  const { shop, locale } = await loadAdminContext(session.shop, request.url);
  const planName = await refreshPlanIfStale(shop, billing);
  const dashboard = await loadDashboard(shop);
  // What the dashboard read already (the plan, the templates per status) is not read again.
  const [setupGuide, plan] = await Promise.all([
    loadSetupGuide(shop, { templateCounts: dashboard.templateCounts }),
    loadPlanSummary(shop, { plan: planName, activeTemplates: dashboard.templateCounts.active }),
  ]);
  const t = translator(locale);
  // A failed run says why in the merchant's language, with the recorded English detail under it.
  const attention = dashboard.attention.map((item) => ({
    ...item,
    failure: item.state === "failed" ? explainRunFailure(t, item.errorCode, item.errorMessage) : null,
  }));
  return {
    shop: { domain: shop.domain, name: shop.name, timeZone: shop.timeZone, currency: shop.currency },
    dashboard: { ...dashboard, attention },
    upcomingDays: UPCOMING_DAYS,
    setupGuide,
    plan,
    // Shopify invoices whose permission was revoked: said before their next period fails.
    railScopeLost: await railScopeLost(shop.id, railAccessOf(scopes)),
  };
};

/** The home page's one action: dismiss the setup guide (remembered for the shop). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const form = await orBadRequest(request, () => readForm(request, ADMIN_BODY));
  if (form.get("intent") !== DISMISS_SETUP_GUIDE_INTENT) return data({ ok: false as const, error: "unknown_intent" }, { status: 400 });
  await dismissSetupGuide(shop);
  return { ok: true as const };
};

export default function Home() {
  const { shop, dashboard, upcomingDays, setupGuide, plan, railScopeLost: scopeLost } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const navigation = useNavigation();
  const total = Object.values(dashboard.templateCounts).reduce((a, b) => a + b, 0);
  const refreshing = navigation.state === "loading" && navigation.location?.pathname === "/app";

  if (total === 0) {
    return (
      <Page title={t("home.title")}>
        <BlockStack gap="400">
          <StripeBanner dashboard={dashboard} timeZone={shop.timeZone} />
          <SetupGuide guide={setupGuide} />
          <GetStartedCard />
        </BlockStack>
      </Page>
    );
  }

  return (
    <Page title={t("home.title")} primaryAction={{ content: t("home.makeRecurring"), url: "/app/orders" }}>
      <BlockStack gap="400">
        <StripeBanner dashboard={dashboard} timeZone={shop.timeZone} />
        {scopeLost && <RailScopeNotice lost={scopeLost} />}
        <SetupGuide guide={setupGuide} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <AttentionSection items={dashboard.attention} refreshing={refreshing} />
              <UpcomingSection invoices={dashboard.upcoming} days={upcomingDays} timeZone={shop.timeZone} refreshing={refreshing} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <MrrCard mrr={dashboard.mrr} />
              <ShopStatusCard shop={shop} templateCounts={dashboard.templateCounts} />
              <PlanCard plan={plan} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

/** One banner about Stripe at most: invoices held because Stripe refuses access, else not connected yet. */
function StripeBanner(props: { dashboard: { billingConnected: boolean; billingHold: Dashboard["billingHold"] }; timeZone: string }) {
  if (props.dashboard.billingHold) return <BillingHoldBanner hold={props.dashboard.billingHold} timeZone={props.timeZone} />;
  return props.dashboard.billingConnected ? null : <ConnectStripeBanner />;
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app" />;
}
