// Action of the template page's e-invoice card (Factur-X on or off, the
// buyer's company identity, goods or services per line); the card posts
// here with a fetcher and shows the field errors it answers.
import { data, type ActionFunctionArgs } from "@remix-run/node";
import { saveEInvoiceCard } from "~/services/documents/template-einvoice.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { authenticate } from "~/shopify.server";

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const result = await saveEInvoiceCard(shop.id, params.id ?? "", Object.fromEntries(await request.formData()));
  if (result.ok) return { ok: true as const, errors: {} };
  if ("notFound" in result) throw new Response("Not found", { status: 404 });
  return data({ ok: false as const, errors: result.errors }, { status: 422 });
};
