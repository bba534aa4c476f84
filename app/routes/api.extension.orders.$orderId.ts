// The order page's "Make recurring" admin action (extensions/make-recurring)
// talks to the app here, from Shopify's extension origin, with the session
// token the admin adds to its fetches (see app/http/extension-request.server.ts):
//
//   GET     /api/extension/orders/:orderId → 200 OrderActionPreview (whether "Shopify invoice" is granted: one scopes query)
//   POST    /api/extension/orders/:orderId → 201 OrderActionCreated (the same answer again for a repeated key)
//           body: OrderActionCreateRequest (JSON)
//   OPTIONS → the CORS preflight
//   refusals → OrderActionError (400, 401, 402, 404, 405, 422, 429 with Retry-After, 503)
//
// :orderId is the order's GID or its numeric id; an order of another shop is
// 404 (the order is read through the authenticated shop's own session).
// Messages are in the language the extension asks for (`?locale=`, the admin
// user's), else the shop's. Contract: app/domain/order-action-contract.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { OrderActionError } from "~/domain/order-action-contract";
import { resolveLocale, translator, type Locale, type Translate } from "~/i18n";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { authenticateExtensionRequest, corsJson, withinExtensionRateLimit } from "~/http/extension-request.server";
import { limitExtensionRequest, limitExtensionShop } from "~/http/public-rate-limits.server";
import { requestLogger } from "~/logger.server";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { createForOrderAction } from "~/services/orders/order-action-create.server";
import { previewForOrderAction } from "~/services/orders/order-action-preview.server";
import { OrderImportError } from "~/services/orders/order-import-error.server";
import { readJson } from "~/http/request-body.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";
import { bodyLimitFor } from "~/http/body-limits";

/** The request's `?locale=` when it names one, else the shop's language. */
function localeOf(request: Request, shopLocale: string): Locale {
  return resolveLocale(new URL(request.url).searchParams.get("locale") ?? shopLocale);
}

async function context(request: Request, loadContext: unknown) {
  const requested = resolveLocale(new URL(request.url).searchParams.get("locale"));
  // Before authentication, per address: each request may cost a token exchange with Shopify.
  const tooMany = (seconds: number) => translator(requested)("orderAction.error.rateLimited", { seconds });
  await withinExtensionRateLimit(request, tooMany, () => limitExtensionRequest(clientAddress(request, publicRequestContext(loadContext))));
  const auth = await authenticateExtensionRequest(request, translator(requested)("orderAction.error.unauthorized"));
  await withinExtensionRateLimit(request, tooMany, () => limitExtensionShop(auth.session.shop));
  // Without the query string: the app's pages remember `locale` as the shop's
  // language, but an extension's call must not change the shop.
  const url = new URL(request.url);
  const { shop } = await loadAdminContext(auth.session.shop, `${url.origin}${url.pathname}`);
  const locale = localeOf(request, shop.locale);
  return { ...auth, shop, locale, t: translator(locale), log: requestLogger(request, { shop: shop.domain }) };
}

function refusal(error: OrderActionError, status: number) {
  return { error, status };
}

/** Why the order cannot be previewed or made recurring, as the extension shows it. */
function orderRefusal(error: unknown, t: Translate): { error: OrderActionError; status: number } {
  if (error instanceof OrderImportError) {
    const message = t(`import.error.${error.code}`, error.values);
    if (error.code === "invalid_order_id") return refusal({ error: "invalid_input", message, fieldErrors: { orderId: message } }, 400);
    if (error.code === "order_not_found") return refusal({ error: "order_not_found", message }, 404);
    if (error.code === "shopify_unavailable") return refusal({ error: "shopify_unavailable", message }, 503);
    return refusal({ error: "order_refused", message }, 422);
  }
  throw error;
}

export const loader = async ({ request, params, context: loadContext }: LoaderFunctionArgs) => {
  const { admin, scopes, shop, locale, t, cors } = await context(request, loadContext);
  try {
    const preview = await previewForOrderAction(admin, shop, params.orderId ?? "", locale, railAccessOf(scopes));
    return cors(Response.json(preview));
  } catch (error) {
    const { error: body, status } = orderRefusal(error, t);
    return cors(Response.json(body, { status }));
  }
};

export const action = async ({ request, params, context: loadContext }: ActionFunctionArgs) => {
  // OPTIONS (the preflight) is answered inside: authenticate.admin throws its 204.
  const { admin, billing, scopes, shop, locale, t, cors, log } = await context(request, loadContext);
  if (request.method !== "POST") {
    const body: OrderActionError = { error: "method_not_allowed", message: t("orderAction.error.methodNotAllowed") };
    return cors(corsJson(request, body, 405, { Allow: "GET, POST, OPTIONS" }));
  }

  // Not JSON is a body the service refuses like any other (400, `fieldErrors.body`).
  const requested: unknown = await readJson(request, { maxBytes: bodyLimitFor("/api/extension").maxBytes }).catch(() => null);
  try {
    // Creating is limited by the plan: read it again if it is stale.
    await refreshPlanIfStale(shop, billing);
    const result = await createForOrderAction(admin, shop, params.orderId ?? "", requested, locale, railAccessOf(scopes));
    if (!result.ok && "planLimit" in result) {
      const body: OrderActionError = { error: "plan_limit_reached", message: result.planLimit.message, upgradeUrl: result.planLimit.planSelectionUrl };
      return cors(Response.json(body, { status: 402 }));
    }
    if (!result.ok) {
      const message = t(result.needsFullForm ? "orderAction.error.openForm" : "orderAction.error.fields");
      const body: OrderActionError = { error: "invalid_input", message, fieldErrors: result.fieldErrors };
      return cors(Response.json(body, { status: 400 }));
    }
    log.info({ templateId: result.created.templateId, orderId: params.orderId }, "template created from the order page action");
    // A repeated key answers exactly as the first call did (same template, same 201), like Stripe's Idempotency-Key.
    return cors(Response.json(result.created, { status: 201 }));
  } catch (error) {
    const { error: body, status } = orderRefusal(error, t);
    return cors(Response.json(body, { status }));
  }
};
