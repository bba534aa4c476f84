// Stripe's redirect after its consent page. Public (no Shopify session: this
// is the merchant's top window coming back from Stripe); the OAuth state is
// what authenticates it (see app/services/stripe-connect/oauth.server.ts). Success
// goes back to the app's settings in the Shopify admin; anything else is a
// page saying what happened and what to do.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { negotiateLocale } from "~/http/locale.server";
import { limitStripeCallback } from "~/http/public-rate-limits.server";
import { RateLimited } from "~/http/rate-limit.server";
import { clearedStripeOAuthCookie, stripeOAuthSecretOf } from "~/http/stripe-oauth-cookie.server";
import { translator } from "~/i18n";
import { connectPage } from "~/http/stripe-connect-page.server";
import { logger } from "~/logger.server";
import { completeStripeConnect } from "~/services/stripe-connect/complete.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const locale = negotiateLocale(request);
  try {
    await limitStripeCallback(clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    const seconds = error.retryAfterSeconds;
    return connectPage(429, translator(locale)("stripeConnect.rateLimited", { seconds }), locale, { "Retry-After": String(seconds) });
  }
  // The cookie has done its work whatever the outcome (a used or expired state cannot be completed again).
  const cleared = { "Set-Cookie": clearedStripeOAuthCookie() };
  try {
    const result = await completeStripeConnect(new URL(request.url).searchParams, { browserSecret: stripeOAuthSecretOf(request) });
    if (result.ok) return redirect(result.redirectTo, { headers: cleared });
    return connectPage(400, translator(locale)(`stripeConnect.failure.${result.reason}`), locale, result.reason === "other_browser" ? {} : cleared);
  } catch (error) {
    logger.error({ err: error }, "stripe connect callback failed");
    return connectPage(502, translator(locale)("stripeConnect.failure.unreachable"), locale);
  }
};
