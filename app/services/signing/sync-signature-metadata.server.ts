import type { Signature } from "@prisma/client";
import { stripeFailureOf } from "~/gateways/stripe/errors.server";
import { stampSignature } from "~/gateways/stripe/invoice-metadata.server";
import { logger } from "~/logger.server";
import { markMetadataSynced } from "~/models/signature.server";

/**
 * Writes `signed_at` and `signature_id` on the Stripe invoice of account
 * `account`, then records at `now` that it is done. Shared by the submit
 * (right after signing), the signed page's view and the worker's retry.
 *
 * Idempotent, safe to run any number of times and concurrently: the stamp
 * carries an idempotency key derived from the signature id, and the record
 * is written only once.
 *
 * Never throws for Stripe's sake: the signature is the fact, the metadata a
 * copy; a Stripe failure is logged and left for a later retry.
 * @returns true when the invoice carries the stamp now; false without an account or when Stripe failed.
 */
export async function syncSignatureMetadata(signature: Pick<Signature, "id" | "invoiceId" | "signedAt">, account: string | null, now: Date): Promise<boolean> {
  if (account === null) return false;
  try {
    await stampSignature(account, signature.invoiceId, signature);
  } catch (error) {
    const failure = stripeFailureOf(error);
    if (!failure) throw error;
    logger.warn({ signatureId: signature.id, code: failure.code, status: failure.status }, "signing: Stripe metadata stamp failed; will retry");
    return false;
  }
  await markMetadataSynced(signature.id, now);
  return true;
}
