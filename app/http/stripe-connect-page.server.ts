// The page the merchant's top window shows when a Stripe connection did not
// complete (app/routes/stripe.oauth.start.tsx, stripe.oauth.callback.tsx):
// plain HTML, no script, what happened and what to do.
import { translator, type Locale } from "~/i18n";

/** The page of a connection that did not complete: what happened and what to do. */
export function connectPage(status: number, message: string, locale: Locale, headers: Record<string, string> = {}): Response {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const title = translator(locale)("stripeConnect.page.title");
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ritournelle — ${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#303030}</style></head>
<body><h1>${escape(title)}</h1><p data-testid="stripe-connect-message">${escape(message)}</p></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}
