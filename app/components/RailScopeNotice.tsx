// Asks the merchant for the Shopify invoice rail's optional scope
// (write_draft_orders) when they choose "Shopify invoice" and the shop has not
// granted it: App Bridge's Scopes API opens the admin's permission modal in
// place, so nothing the merchant typed is lost; once granted, the page's
// loader reads the granted scopes again (the server never trusts the browser's
// word for it: saving checks with Shopify).
// https://shopify.dev/docs/api/app-home/apis/scopes
import { useAppBridge } from "@shopify/app-bridge-react";
import { useRevalidator } from "@remix-run/react";
import { Banner } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/react";

/** Kept in step with app/services/shopify/rail-access.server.ts (a client file cannot import a server one). */
const SHOPIFY_RAIL_SCOPES = ["write_draft_orders"];

/**
 * Without `lost`: the form asks for the scope the merchant's choice needs.
 * With it: the shop revoked it while recurring invoices collect through
 * Shopify (a count, on the home page; "this", on one such template's page):
 * their next invoices would fail, said before they do.
 */
export function RailScopeNotice(props: { lost?: { templates: number } | "this" }) {
  const { t } = useI18n();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [state, setState] = useState<"idle" | "asking" | "declined" | "failed">("idle");
  const ask = () => {
    setState("asking");
    shopify.scopes
      .request(SHOPIFY_RAIL_SCOPES)
      .then((answer) => {
        if (answer.result === "granted-all") {
          setState("idle");
          revalidator.revalidate();
        } else setState("declined");
      })
      .catch(() => setState("failed"));
  };
  const { lost } = props;
  const body = lost === undefined ? t("rail.scope.body") : lost === "this" ? t("rail.scope.lost.template") : t("rail.scope.lost.home", { count: lost.templates });
  return (
    <Banner
      tone={lost !== undefined || state === "declined" || state === "failed" ? "critical" : "warning"}
      title={t(lost === undefined ? "rail.scope.title" : "rail.scope.lost.title")}
      action={{ content: t("rail.scope.grant"), onAction: ask, loading: state === "asking" || revalidator.state === "loading" }}
    >
      <p>{state === "declined" ? t("rail.scope.declined") : state === "failed" ? t("rail.scope.failed") : body}</p>
    </Banner>
  );
}
