// /sign/<token>/pdf: the signed invoice for the customer who signed it. A
// resource route: only a live, signed link gets the file; anything else is
// the same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { negotiateLocale } from "~/http/locale.server";
import { limitSigningRequest } from "~/http/public-rate-limits.server";
import { pdfResponse, publicError, rateLimitedResponse } from "~/http/public-response.server";
import { SigningLinkNotFound } from "~/services/signing/live-link.server";
import { signedPdfForToken } from "~/services/signing/signed-pdf-for-token.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const locale = negotiateLocale(request);
  try {
    await limitSigningRequest("pdf", token, clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    return rateLimitedResponse(error, locale);
  }
  try {
    const { bytes, filename } = await signedPdfForToken(token);
    return pdfResponse(bytes, filename);
  } catch (error) {
    if (error instanceof SigningLinkNotFound) return publicError(locale, "not_found");
    throw error;
  }
}
