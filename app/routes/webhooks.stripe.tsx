import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook } from "~/services/stripe-webhooks/dispatch.server";

export const action = ({ request }: ActionFunctionArgs) => handleStripeWebhook(request);
