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

export function RailScopeNotice() {
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
  return (
    <Banner
      tone={state === "declined" || state === "failed" ? "critical" : "warning"}
      title={t("rail.scope.title")}
      action={{ content: t("rail.scope.grant"), onAction: ask, loading: state === "asking" || revalidator.state === "loading" }}
    >
      <p>{t(state === "declined" ? "rail.scope.declined" : state === "failed" ? "rail.scope.failed" : "rail.scope.body")}</p>
    </Banner>
  );
}
