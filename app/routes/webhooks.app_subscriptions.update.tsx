import type { ActionFunctionArgs } from "@remix-run/node";
import { shopifyWebhookAction } from "~/http/webhook-route.server";
import { handleSubscriptionUpdate } from "~/services/billing-plan/subscription-update.server";

export const action = ({ request }: ActionFunctionArgs) => shopifyWebhookAction(request, handleSubscriptionUpdate);
