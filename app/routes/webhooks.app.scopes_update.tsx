import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleScopesUpdate } from "~/services/shopify/scopes-update.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleScopesUpdate);
