// /app/einvoices/export?month=YYYY-MM: the shop's Factur-X of that month as a
// ZIP with a CSV index (Settings → Legal identity offers it). 400 for a
// malformed month. Fetched with App Bridge's `fetch` (the session token).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { monthlyExport } from "~/services/documents/monthly-export.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { authenticate } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const exported = await monthlyExport(shop.id, new URL(request.url).searchParams.get("month") ?? "");
  if (!exported) throw new Response("month must be YYYY-MM", { status: 400 });
  return new Response(Buffer.from(exported.bytes), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${exported.filename}"`,
      "Content-Length": String(exported.bytes.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
