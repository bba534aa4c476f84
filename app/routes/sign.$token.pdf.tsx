// /sign/<token>/pdf: the signed invoice for the customer who signed it. A
// resource route: only a live, signed link gets the file; anything else is
// the same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  clientAddress,
  negotiateLocale,
  pdfResponse,
  publicError,
  publicRequestContext,
  rateLimitedResponse,
} from "~/services/public-request.server";
import { SigningLinkNotFound, limitSigningRequest, signedPdfForToken } from "~/services/signing.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const locale = negotiateLocale(request);
  try {
    limitSigningRequest("pdf", token, clientAddress(request, publicRequestContext(context)));
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
