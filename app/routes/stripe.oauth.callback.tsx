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
import { translator, type Locale } from "~/i18n";
import { logger } from "~/logger.server";
import { completeStripeConnect } from "~/services/stripe-connect/complete.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const locale = negotiateLocale(request);
  try {
    await limitStripeCallback(clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    const seconds = error.retryAfterSeconds;
    return page(429, translator(locale)("stripeConnect.rateLimited", { seconds }), locale, { "Retry-After": String(seconds) });
  }
  try {
    const result = await completeStripeConnect(new URL(request.url).searchParams);
    return result.ok ? redirect(result.redirectTo) : page(400, result.message, locale);
  } catch (error) {
    logger.error({ err: error }, "stripe connect callback failed");
    return page(502, "Stripe could not be reached to complete the connection. Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe” again.", locale);
  }
};

function page(status: number, message: string, locale: Locale, headers: Record<string, string> = {}): Response {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const title = translator(locale)("stripeConnect.page.title");
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ritournelle — ${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#303030}</style></head>
<body><h1>${escape(title)}</h1><p data-testid="stripe-connect-message">${escape(message)}</p></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}
