// /app/runs/<run id>/facturx: the Factur-X (PDF/A-3 with its CII XML) of one
// of the shop's runs, for the merchant; `?kind=credit_note` for the credit
// note that cancelled it. 404 for another shop's run or a run
// without one. Fetched with App Bridge's `fetch` (the session token), like
// the signed PDF.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { pdfResponse } from "~/http/public-response.server";
import { facturXForRun } from "~/services/documents/template-einvoice.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { authenticate } from "~/shopify.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const kind = new URL(request.url).searchParams.get("kind") === "credit_note" ? "credit_note" : "invoice";
  const document = await facturXForRun(shop.id, params.id ?? "", kind);
  if (!document) throw new Response("Not found", { status: 404 });
  return pdfResponse(document.bytes, document.filename);
}
