// /app/runs/<run id>/signed-pdf: the signed invoice of one of the shop's runs,
// for the merchant. 404 for another shop's run, an unsigned run, or a PDF
// erased by customers/redact.
//
// The admin runs in an iframe without cookies: fetch this with App Bridge's
// `fetch` (it adds the session token) and save the blob; a plain link has no
// session token and ends on the login bounce.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { pdfResponse } from "~/http/public-response.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { signedPdfForRun } from "~/services/signing/signed-pdf-for-run.server";
import { authenticate } from "~/shopify.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const pdf = await signedPdfForRun(shop.id, params.id ?? "");
  if (!pdf) throw new Response("Not found", { status: 404 });
  return pdfResponse(pdf.bytes, pdf.filename);
}
