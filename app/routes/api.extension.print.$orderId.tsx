// The order page's print action (extensions/print-recurring, target
// admin.order-details.print-action.render) talks to the app here, from
// Shopify's extension origin, with the session token the admin adds to the
// extension's fetches and to the print preview it loads from the `src` the
// extension gives (https://shopify.dev/docs/apps/build/admin/actions-blocks/build-admin-print-action:
// the print route authenticates with authenticate.admin and answers with cors):
//
//   GET /api/extension/print/:orderId                      → 200 PrintSummary (JSON)
//   GET /api/extension/print/:orderId?document=invoice     → 200 application/pdf, the latest invoice (Stripe's PDF)
//   GET /api/extension/print/:orderId?document=schedule    → 200 text/html, the schedule, printable
//   OPTIONS → the CORS preflight; other methods 405
//   refusals → PrintActionError (400, 401, 404, 405, 502)
//
// :orderId is the order's GID or numeric id; another shop's order is a 404.
// Words in the language the extension asks for (`?locale=`), else the shop's.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { renderToStaticMarkup } from "react-dom/server";
import { SchedulePrint } from "~/components/print/SchedulePrint";
import { PRINT_DOCUMENTS, type PrintActionError, type PrintDocument } from "~/domain/print-action-contract";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { corsJson, authenticateExtensionRequest, withinExtensionRateLimit } from "~/http/extension-request.server";
import { limitExtensionRequest, limitExtensionShop } from "~/http/public-rate-limits.server";
import { resolveLocale, translator, type MessageKey } from "~/i18n";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { latestInvoicePdfForOrder, printScheduleForOrder, printSummaryForOrder, PrintRefusal } from "~/services/orders/order-print.server";

const REFUSALS: Record<PrintRefusal["code"], { error: PrintActionError["error"]; status: number; key: MessageKey }> = {
  invalid_order_id: { error: "invalid_input", status: 400, key: "printAction.error.invalid_order_id" },
  no_template: { error: "no_template", status: 404, key: "printAction.error.no_template" },
  no_invoice: { error: "no_invoice", status: 404, key: "printAction.error.no_invoice" },
  invoice_unavailable: { error: "invoice_unavailable", status: 502, key: "printAction.error.invoice_unavailable" },
};

async function context(request: Request, loadContext: unknown) {
  const locale = resolveLocale(new URL(request.url).searchParams.get("locale"));
  const t = translator(locale);
  // The extension API's budgets (app/http/public-rate-limits.server.ts): per address before authentication, per shop after.
  const tooMany = (seconds: number) => t("orderAction.error.rateLimited", { seconds });
  await withinExtensionRateLimit(request, tooMany, () => limitExtensionRequest(clientAddress(request, publicRequestContext(loadContext))));
  const auth = await authenticateExtensionRequest(request, t("orderAction.error.unauthorized"));
  await withinExtensionRateLimit(request, tooMany, () => limitExtensionShop(auth.session.shop));
  // Without the query string: an extension's call must not change the shop's remembered language.
  const url = new URL(request.url);
  const { shop } = await loadAdminContext(auth.session.shop, `${url.origin}${url.pathname}`);
  return { ...auth, shop, locale, t };
}

export const loader = async ({ request, params, context: loadContext }: LoaderFunctionArgs) => {
  const { shop, locale, t, cors } = await context(request, loadContext);
  const requested = new URL(request.url).searchParams.get("document");
  if (requested !== null && !(PRINT_DOCUMENTS as readonly string[]).includes(requested)) {
    const body: PrintActionError = { error: "invalid_input", message: t("printAction.error.document", { documents: PRINT_DOCUMENTS.join(", ") }) };
    return cors(Response.json(body, { status: 400 }));
  }
  const document = requested as PrintDocument | null;
  const orderId = params.orderId ?? "";
  try {
    if (document === "invoice") {
      const pdf = await latestInvoicePdfForOrder(shop, orderId);
      return cors(
        new Response(Buffer.from(pdf.bytes), {
          headers: {
            "Content-Type": "application/pdf",
            "Content-Disposition": `inline; filename="${pdf.fileName}"`,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
          },
        }),
      );
    }
    if (document === "schedule") {
      const view = await printScheduleForOrder(shop, orderId);
      const html = `<!doctype html>${renderToStaticMarkup(<SchedulePrint view={view} t={t} locale={locale} />)}`;
      return cors(
        new Response(html, {
          headers: {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            // A page for printing: its own inline style, nothing else.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
          },
        }),
      );
    }
    return cors(Response.json(await printSummaryForOrder(shop, orderId)));
  } catch (error) {
    if (!(error instanceof PrintRefusal)) throw error;
    const refusal = REFUSALS[error.code];
    const body: PrintActionError = { error: refusal.error, message: t(refusal.key) };
    return cors(Response.json(body, { status: refusal.status }));
  }
};

export const action = async ({ request, context: loadContext }: ActionFunctionArgs) => {
  // OPTIONS (the preflight) is answered inside: authenticate.admin throws its 204.
  const { t } = await context(request, loadContext);
  const body: PrintActionError = { error: "method_not_allowed", message: t("printAction.error.methodNotAllowed") };
  return corsJson(request, body, 405, { Allow: "GET, OPTIONS" });
};
