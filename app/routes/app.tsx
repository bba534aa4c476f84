// The embedded app's layout: every /app page inside App Bridge and Polaris, in the
// merchant's language, under the app's navigation.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppNavMenu, NavigationLoading } from "~/components/app-shell/AppNavigation";
import { authenticate } from "~/shopify.server";
import { config } from "~/config.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { polarisTranslations } from "~/i18n";
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
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={polarisTranslations(locale)}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <I18nProvider locale={locale}>
        <AppNavMenu />
        <NavigationLoading />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses (redirects to the
// session-token bounce page, 401 with reauthorize headers) so that their
// headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
