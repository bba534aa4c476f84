import { signedPdfFilename } from "~/domain/signing";
import { findSignatureForShopRun } from "~/models/signature.server";

/**
 * The signed PDF of the shop's run, for the merchant. Reads only.
 * @returns null for another shop's run, an unsigned run or a PDF erased by customers/redact.
 */
export async function signedPdfForRun(shopId: string, runId: string): Promise<{ bytes: Uint8Array; filename: string } | null> {
  const signature = await findSignatureForShopRun(shopId, runId);
  if (!signature?.signedPdf) return null;
  return { bytes: signature.signedPdf, filename: signedPdfFilename(signature.invoiceNumber) };
}
