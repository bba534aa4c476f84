import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { applyShopifyInvoiceStatus } from "~/services/shopify/invoice-status.server";

/** Status of a Shopify-invoice run (draft order or its order): app/services/shopify/invoice-status.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, (webhook) => applyShopifyInvoiceStatus("orders/paid", webhook));
