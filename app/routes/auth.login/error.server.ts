import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";
import type { Translate } from "~/i18n";

export function loginErrorMessage(loginErrors: LoginError, t: Translate): { shop?: string } {
  if (loginErrors?.shop === LoginErrorType.MissingShop) return { shop: t("login.error.missingShop") };
  if (loginErrors?.shop === LoginErrorType.InvalidShop) return { shop: t("login.error.invalidShop") };
  return {};
}
