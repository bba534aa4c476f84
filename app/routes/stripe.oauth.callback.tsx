// Stripe's redirect after its consent page. Public (no Shopify session: this
// is the merchant's top window coming back from Stripe); the OAuth state is
// what authenticates it (see app/services/stripe-connect/oauth.server.ts). Success
// goes back to the app's settings in the Shopify admin; anything else is a
// page saying what happened and what to do.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { logger } from "~/logger.server";
import { completeStripeConnect } from "~/services/stripe-connect/complete.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    const result = await completeStripeConnect(new URL(request.url).searchParams);
    return result.ok ? redirect(result.redirectTo) : page(400, result.message);
  } catch (error) {
    logger.error({ err: error }, "stripe connect callback failed");
    return page(502, "Stripe could not be reached to complete the connection. Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe” again.");
  }
};

function page(status: number, message: string): Response {
  const escaped = message.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ritournelle — Stripe not connected</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#303030}</style></head>
<body><h1>Stripe is not connected</h1><p data-testid="stripe-connect-message">${escaped}</p></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
