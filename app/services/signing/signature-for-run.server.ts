import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { isLinkOpen, signerRecord } from "~/domain/signing";
import { findSignatureForShopRun, runEventsOf } from "~/models/signature.server";
import { findLatestLinkOfShopRun } from "~/models/signing-link.server";

export type MerchantSignature = {
  status: "signed";
  id: string;
  signedAt: string;
  viewedAt: string;
  signerName: string | null;
  signerEmail: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  locale: string;
  consentVersion: string;
  documentHash: string;
  signedPdfSha256: string;
  /** `data:image/png;base64,…` for an <img>; null once erased. */
  imageDataUrl: string | null;
  /** The signed PDF is downloadable (/app/runs/<run id>/signed-pdf); false once erased. */
  hasPdf: boolean;
  /** `signed_at` / `signature_id` are on the Stripe invoice. */
  stripeStamped: boolean;
  /** Personal data erased by customers/redact; hashes, times and ids remain. */
  redacted: boolean;
  /** The run's audit trail (every RunEvent, "run.signed" included), oldest first. */
  trail: { type: string; at: string; actor: string }[];
};

export type AwaitingSignature = { status: "awaiting" | "expired"; linkCreatedAt: string; expiresAt: string; firstOpenedAt: string | null };

/**
 * What the merchant sees of a run's signature, for a loader: the signature
 * with its audit trail, or the state of the newest link while none exists.
 * Reads only.
 * @returns null when the run is not the shop's or no signing link was ever issued for it.
 */
export async function signatureForRun(shopId: string, runId: string, options: { clock?: Clock } = {}): Promise<MerchantSignature | AwaitingSignature | null> {
  const signature = await findSignatureForShopRun(shopId, runId);
  if (signature) {
    const events = await runEventsOf(shopId, runId);
    return {
      status: "signed",
      id: signature.id,
      ...signerRecord(signature),
      imageDataUrl: signature.image ? `data:image/png;base64,${Buffer.from(signature.image).toString("base64")}` : null,
      hasPdf: signature.signedPdf !== null,
      stripeStamped: signature.metadataSyncedAt !== null,
      redacted: signature.redactedAt !== null,
      trail: events.map((event) => ({ type: event.type, at: event.at.toISOString(), actor: event.actor })),
    };
  }
  // Links carry their run's shop: another shop's run has none here.
  const link = await findLatestLinkOfShopRun(shopId, runId);
  if (!link) return null;
  return {
    status: isLinkOpen(link, (options.clock ?? appClock).nowDate()) ? "awaiting" : "expired",
    linkCreatedAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    firstOpenedAt: link.viewedAt?.toISOString() ?? null,
  };
}
