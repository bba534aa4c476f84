import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleCustomersRedact } from "~/services/privacy/redact-customer.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleCustomersRedact);
