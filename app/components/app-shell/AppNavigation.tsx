// The embedded app's chrome in the Shopify admin: the app's entries in the
// admin's navigation, and the admin's own loading bar while Remix navigates.
import { Link, useNavigation } from "@remix-run/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { useI18n } from "~/i18n/react";

/** The app's pages in the admin's left navigation (App Bridge renders them; the first is the app's home). */
export function AppNavMenu() {
  const { t } = useI18n();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.home")}
      </Link>
      <Link to="/app/orders">{t("nav.orders")}</Link>
      <Link to="/app/templates">{t("nav.templates")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
    </NavMenu>
  );
}

/** The admin's own loading bar while a page loads or a form is submitted. */
export function NavigationLoading() {
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    shopify.loading(busy);
  }, [shopify, busy]);
  return null;
}
