import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleAppUninstalled } from "~/services/shopify/app-uninstalled.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleAppUninstalled);
