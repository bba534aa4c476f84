import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { signedRunIds } from "~/models/signature.server";
import { runIdsWithLiveLinks } from "~/models/signing-link.server";

export type RunSignatureStatus = "signed" | "awaiting" | "none";

/**
 * The signature badge of each of `runIds`: "signed", "awaiting" (a live
 * link, no signature yet) or "none" (no signature requested, or its link
 * expired). Runs of other shops come back "none". Reads only.
 */
export async function signatureStatuses(shopId: string, runIds: string[], options: { clock?: Clock } = {}): Promise<Record<string, RunSignatureStatus>> {
  const now = (options.clock ?? appClock).nowDate();
  const [signed, awaiting] = await Promise.all([signedRunIds(shopId, runIds), runIdsWithLiveLinks(shopId, runIds, now)]);
  return Object.fromEntries(runIds.map((id) => [id, signed.has(id) ? "signed" : awaiting.has(id) ? "awaiting" : "none"]));
}
