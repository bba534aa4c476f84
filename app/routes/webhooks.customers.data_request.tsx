import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleCustomersDataRequest } from "~/services/privacy/customer-data-request.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleCustomersDataRequest);
