// An issued invoice's PDF, as Stripe serves it (`invoice.invoice_pdf`: a
// pay.stripe.com link that redirects to files.stripe.com; no API key — the
// URL is the secret). The order page's print action prints it through the app
// (services/orders/order-print.server.ts), so the admin gets it from the app's
// origin with the session token, like every extension call.
//
// Only Stripe's own hosts are fetched (or, offline, the stand-in's origin
// from STRIPE_API_URL): the URL comes from our database, and a stored value
// pointing anywhere else must not make the app fetch it. The body is bounded
// and must be a PDF.
import { config } from "~/config.server";

/** Stripe's invoice PDFs are a few hundred kilobytes; anything past this is not one. */
export const MAX_INVOICE_PDF_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 15_000;

export class InvoicePdfUnavailableError extends Error {
  constructor(readonly reason: "not_stripe" | "refused" | "not_pdf" | "too_large" | "unreachable", detail: string) {
    super(`Stripe's invoice PDF is unavailable (${reason}): ${detail}`);
    this.name = "InvoicePdfUnavailableError";
  }
}

/** Whether `url` is one of Stripe's document hosts (https, *.stripe.com), or the offline stand-in's origin. */
export function isStripeDocumentUrl(url: string, apiUrl: string | undefined = config().STRIPE_API_URL): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl && parsed.origin === new URL(apiUrl).origin) return true;
  return parsed.protocol === "https:" && (parsed.hostname === "stripe.com" || parsed.hostname.endsWith(".stripe.com"));
}

/**
 * The PDF's bytes.
 * @throws InvoicePdfUnavailableError when the URL is not Stripe's, Stripe
 *   refuses or does not answer, or the answer is not a PDF of a sane size.
 */
export async function fetchInvoicePdf(url: string): Promise<Uint8Array> {
  if (!isStripeDocumentUrl(url)) throw new InvoicePdfUnavailableError("not_stripe", "the stored link is not Stripe's");
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(TIMEOUT_MS), headers: { Accept: "application/pdf" } });
  } catch (error) {
    throw new InvoicePdfUnavailableError("unreachable", error instanceof Error ? error.message : String(error));
  }
  // A redirect may only land on Stripe too.
  if (response.url && !isStripeDocumentUrl(response.url)) throw new InvoicePdfUnavailableError("not_stripe", "redirected away from Stripe");
  if (!response.ok) throw new InvoicePdfUnavailableError("refused", `HTTP ${response.status}`);
  const declared = Number(response.headers.get("Content-Length") ?? "0");
  if (declared > MAX_INVOICE_PDF_BYTES) throw new InvoicePdfUnavailableError("too_large", `${declared} bytes`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_INVOICE_PDF_BYTES) throw new InvoicePdfUnavailableError("too_large", `${bytes.byteLength} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 5)) !== "%PDF-") throw new InvoicePdfUnavailableError("not_pdf", response.headers.get("Content-Type") ?? "no type");
  return bytes;
}
