import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { config } from "~/config.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { polarisTranslations, translator } from "~/i18n";
import { I18nProvider } from "~/i18n/react";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { locale } = await loadAdminContext(session.shop, request.url);
  const { SHOPIFY_API_KEY, APP_BRIDGE_URL } = config();
  return { apiKey: SHOPIFY_API_KEY, appBridgeUrl: APP_BRIDGE_URL ?? null, locale, shop: session.shop };
};

export default function AppLayout() {
  const { apiKey, appBridgeUrl, locale } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={polarisTranslations(locale)}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <I18nProvider locale={locale}>
        <NavMenu>
          <Link to="/app" rel="home">
            {t("nav.home")}
          </Link>
          <Link to="/app/orders">{t("nav.orders")}</Link>
          <Link to="/app/templates">{t("nav.templates")}</Link>
          <Link to="/app/settings">{t("nav.settings")}</Link>
        </NavMenu>
        <NavigationLoading />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

/** The admin's own loading bar while a page loads or a form is submitted. */
function NavigationLoading() {
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    shopify.loading(busy);
  }, [shopify, busy]);
  return null;
}

// Shopify needs Remix to catch some thrown responses (redirects to the
// session-token bounce page, 401 with reauthorize headers) so that their
// headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
