// The template form's Shopify total (Shopify invoice rail): the form posts its
// values here with a fetcher as the merchant edits them, and shows Shopify's
// calculation beside the template's total (PreviewSection).
//   POST /app/templates/shopify-total  { source: { orderId } | { templateId }, values } → ShopifyTotalPreview
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ADMIN_BODY, readJson } from "~/http/request-body.server";
import { OrderImportError } from "~/services/orders/order-import-error.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";
import { previewShopifyTotal, type ShopifyTotalPreview } from "~/services/templates/shopify-total-preview.server";
import { authenticate } from "~/shopify.server";

const id = z.string().trim().min(1).max(200);
// The values are checked by the service (their shape, then their meaning).
const bodySchema = z.object({ source: z.union([z.object({ orderId: id }), z.object({ templateId: id })]), values: z.unknown() });

export const action = async ({ request }: ActionFunctionArgs): Promise<ShopifyTotalPreview> => {
  const { admin, session, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const body = bodySchema.safeParse(await readJson(request, ADMIN_BODY).catch(() => null));
  if (!body.success) return { state: "incomplete" };
  try {
    return await previewShopifyTotal(shop, admin, body.data.source, body.data.values, railAccessOf(scopes));
  } catch (error) {
    // The order could not be read again: the form's own total stands.
    if (error instanceof OrderImportError) return { state: "unavailable" };
    throw error;
  }
};
