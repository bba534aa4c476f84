import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleShopRedact } from "~/services/privacy/redact-shop.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleShopRedact);
