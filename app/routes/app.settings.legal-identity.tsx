// Action of the settings page's "Legal identity" card (French e-invoices); the
// card posts here with a fetcher and shows the field errors it answers.
import { data, type ActionFunctionArgs } from "@remix-run/node";
import { saveLegalIdentity } from "~/services/settings/save-legal-identity.server";
import { authenticate } from "~/shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await saveLegalIdentity(session.shop, Object.fromEntries(await request.formData()));
  return result.ok ? { ok: true as const, errors: {} } : data({ ok: false as const, errors: result.errors }, { status: 422 });
};
