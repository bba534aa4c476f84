import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { unsyncedSignatures } from "~/models/signature.server";
import { syncSignatureMetadata } from "./sync-signature-metadata.server";

/**
 * For the worker's tick: stamps on their Stripe invoices up to `limit`
 * signatures whose metadata is still owed (Stripe was down when they were
 * signed), oldest first.
 *
 * Idempotent and safe to run any number of times, concurrently too: the
 * stamp is idempotent and marking it done is conditional. Never throws for
 * Stripe's sake (a failed stamp stays owed).
 * @returns how many were stamped.
 */
export async function stampPendingSignatures(limit: number, options: { clock?: Clock } = {}): Promise<number> {
  const clock = options.clock ?? appClock;
  let stamped = 0;
  for (const signature of await unsyncedSignatures(limit)) {
    if (await syncSignatureMetadata(signature, signature.shop, clock.nowDate())) stamped += 1;
  }
  return stamped;
}
