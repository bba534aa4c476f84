// The customer's copy of their e-invoice: the Factur-X of the run a signing
// link belongs to (/sign/<token>/facturx, linked from the signing page as
// "Facture électronique"). The token is the capability, as for the signed PDF.
import { appClock } from "~/clock.server";
import type { Clock } from "~/domain/clock";
import { findEInvoiceDocumentForShop } from "~/models/einvoice.server";
import { findLiveLink, SigningLinkNotFound } from "~/services/signing/live-link.server";

async function documentFor(token: string, clock: Clock) {
  const link = await findLiveLink(token, clock.nowDate());
  return findEInvoiceDocumentForShop(link.run.shopId, link.run.id);
}

/**
 * The Factur-X of the link's run. Reads only.
 * @throws SigningLinkNotFound when the link is not live or its run has no Factur-X (one 404 for all).
 */
export async function facturXForToken(token: string, options: { clock?: Clock } = {}): Promise<{ bytes: Uint8Array; filename: string }> {
  const document = await documentFor(token, options.clock ?? appClock);
  if (!document) throw new SigningLinkNotFound();
  return { bytes: new Uint8Array(document.pdf), filename: `${document.number.replace(/[^A-Za-z0-9_-]/g, "_")}-factur-x.pdf` };
}

/** Whether the signing page offers the Factur-X; false for a link that is not live. */
export async function hasFacturXForToken(token: string, options: { clock?: Clock } = {}): Promise<boolean> {
  try {
    return (await documentFor(token, options.clock ?? appClock)) !== null;
  } catch (error) {
    if (error instanceof SigningLinkNotFound) return false;
    throw error;
  }
}
