import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { signedPdfFilename } from "~/domain/signing";
import { findLiveLink, SigningLinkNotFound } from "./live-link.server";

/**
 * The signed PDF for the customer holding `token` (/sign/<token>/pdf). Reads only.
 * @throws SigningLinkNotFound when the link is not live, not signed, or the PDF was erased (one 404 for all).
 */
export async function signedPdfForToken(token: string, options: { clock?: Clock } = {}): Promise<{ bytes: Uint8Array; filename: string }> {
  const link = await findLiveLink(token, (options.clock ?? appClock).nowDate());
  const signature = link.run.signature;
  if (!signature?.signedPdf) throw new SigningLinkNotFound();
  return { bytes: signature.signedPdf, filename: signedPdfFilename(signature.invoiceNumber) };
}
