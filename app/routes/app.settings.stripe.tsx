// Actions of the settings page's Stripe card (the page renders the buttons):
//   intent=connect     → the top window goes to /stripe/oauth/start, then Stripe's consent page;
//   intent=disconnect  → Stripe access revoked, back to /app/settings.
// A failure comes back to /app/settings?stripe_error=connect_failed|disconnect_failed.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { logger } from "~/logger.server";
import { disconnectStripe } from "~/services/stripe-connect/disconnect.server";
import { startStripeConnect } from "~/services/stripe-connect/start.server";
import { authenticate } from "~/shopify.server";
import { ADMIN_BODY, orBadRequest, readForm } from "~/http/request-body.server";

const formSchema = z.object({ intent: z.enum(["connect", "disconnect"]) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken, redirect } = await authenticate.admin(request);
  const form = formSchema.safeParse(Object.fromEntries(await orBadRequest(request, () => readForm(request, ADMIN_BODY))));
  if (!form.success) return new Response("Unknown action", { status: 400 });
  const { intent } = form.data;
  let consentUrl: string | null = null;
  try {
    // The state is bound to the admin user who clicked (the session token's `sub`) and, at the top window's next stop, to this browser.
    if (intent === "connect") consentUrl = (await startStripeConnect(session.shop, { userId: sessionToken?.sub ?? null })).url;
    else await disconnectStripe(session.shop);
  } catch (error) {
    logger.error({ err: error, shop: session.shop, intent }, "stripe settings action failed");
    return redirect(`/app/settings?stripe_error=${intent}_failed`);
  }
  // The top window leaves the admin's iframe: to our own origin (which binds the consent to this browser), then to Stripe's consent page, which refuses to be framed.
  return consentUrl ? redirect(consentUrl, { target: "_top" }) : redirect("/app/settings");
};
