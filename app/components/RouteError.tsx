// The error boundary of the merchant's pages: "not found" for an id that is
// not the shop's, Shopify's own handling for its authentication responses,
// and a Banner that says what to do for anything else.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, Page } from "@shopify/polaris";
import { useI18n } from "~/i18n/react";

export function RouteError({ backUrl }: { backUrl: string }) {
  const error = useRouteError();
  const { t } = useI18n();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page>
        <Banner tone="warning" title={t("error.notFound.title")} action={{ content: t("error.notFound.action"), url: backUrl }}>
          <p>{t("error.notFound.body")}</p>
        </Banner>
      </Page>
    );
  }
  // Session-token bounce pages and re-authorisation answers: Shopify renders them.
  if (isRouteErrorResponse(error)) return boundary.error(error);
  return (
    <Page>
      <Banner tone="critical" title={t("error.title")} action={{ content: t("error.reload"), url: backUrl }}>
        <p>{t("error.body")}</p>
      </Banner>
    </Page>
  );
}
