import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { applyShopifyInvoiceStatus } from "~/services/shopify/invoice-status.server";

/** A Shopify-invoice run's draft order deleted in Shopify (its link is dead): app/services/shopify/invoice-status.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, (webhook) => applyShopifyInvoiceStatus("draft_orders/delete", webhook));
