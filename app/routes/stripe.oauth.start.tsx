// The top window's stop on our own origin between the admin's "Connect with
// Stripe" and Stripe's consent page: binds the OAuth state to this browser
// with an HttpOnly, SameSite=Lax cookie, then goes on to Stripe
// (app/services/stripe-connect/oauth.server.ts says why this hop exists).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { negotiateLocale } from "~/http/locale.server";
import { limitStripeCallback } from "~/http/public-rate-limits.server";
import { RateLimited } from "~/http/rate-limit.server";
import { connectPage } from "~/http/stripe-connect-page.server";
import { stripeOAuthCookie } from "~/http/stripe-oauth-cookie.server";
import { translator } from "~/i18n";
import { OAUTH_STATE_TTL_MS } from "~/services/stripe-connect/oauth.server";
import { bindStripeConnectBrowser } from "~/services/stripe-connect/start.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const locale = negotiateLocale(request);
  try {
    await limitStripeCallback(clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    const seconds = error.retryAfterSeconds;
    return connectPage(429, translator(locale)("stripeConnect.rateLimited", { seconds }), locale, { "Retry-After": String(seconds) });
  }
  const binding = await bindStripeConnectBrowser(new URL(request.url).searchParams.get("state") ?? "");
  if (!binding.ok) return connectPage(400, translator(locale)("stripeConnect.failure.not_bindable"), locale);
  return redirect(binding.consentUrl, { headers: { "Set-Cookie": stripeOAuthCookie(binding.browserSecret, OAUTH_STATE_TTL_MS / 1000), "Cache-Control": "no-store" } });
};
