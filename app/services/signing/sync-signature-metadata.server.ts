import type { Signature } from "@prisma/client";
import { BillingError } from "~/domain/billing";
import { toBillingError } from "~/gateways/shopify/billing-adapter.server";
import { isDraftOrderId, stampDraftOrderSignature } from "~/gateways/shopify/draft-order-for-signing.server";
import { httpRefusalStatus } from "~/gateways/shopify/graphql.server";
import { stripeFailureOf } from "~/gateways/stripe/errors.server";
import { stampSignature } from "~/gateways/stripe/invoice-metadata.server";
import { logger } from "~/logger.server";
import { markMetadataSynced } from "~/models/signature.server";
import { backgroundAdmin } from "~/services/shopify/background-admin.server";

/**
 * Writes `signed_at` and `signature_id` on the signed invoice at its
 * provider — the Stripe invoice's metadata in the shop's connected account,
 * or on the Shopify rail the draft order's metafields — then records at
 * `now` that it is done. Shared by the submit (right after signing), the
 * signed page's view and the worker's retry.
 *
 * Idempotent, safe to run any number of times and concurrently: the Stripe
 * stamp carries an idempotency key derived from the signature id, Shopify's
 * sets the same values, and the record is written only once.
 *
 * Never throws for the provider's sake: the signature is the fact, the
 * metadata a copy; a failure is logged and left for a later retry.
 * @returns true when the invoice carries the stamp now; false without a Stripe account or when the provider failed.
 */
export async function syncSignatureMetadata(
  signature: Pick<Signature, "id" | "invoiceId" | "signedAt">,
  shop: { domain: string; billingAccountId: string | null },
  now: Date,
): Promise<boolean> {
  const stamped = isDraftOrderId(signature.invoiceId) ? await stampOnShopify(signature, shop.domain) : await stampOnStripe(signature, shop.billingAccountId);
  if (stamped) await markMetadataSynced(signature.id, now);
  return stamped;
}

async function stampOnStripe(signature: Pick<Signature, "id" | "invoiceId" | "signedAt">, account: string | null): Promise<boolean> {
  if (account === null) return false;
  try {
    await stampSignature(account, signature.invoiceId, signature);
    return true;
  } catch (error) {
    const failure = stripeFailureOf(error);
    if (!failure) throw error;
    logger.warn({ signatureId: signature.id, code: failure.code, status: failure.status }, "signing: Stripe metadata stamp failed; will retry");
    return false;
  }
}

async function stampOnShopify(signature: Pick<Signature, "id" | "invoiceId" | "signedAt">, shopDomain: string): Promise<boolean> {
  try {
    await stampDraftOrderSignature(await backgroundAdmin(shopDomain), signature.invoiceId, signature);
    return true;
  } catch (error) {
    const failure = toBillingError(error);
    const refusedStatus = httpRefusalStatus(error);
    if (!(failure instanceof BillingError) && refusedStatus === null) throw error;
    logger.warn({ signatureId: signature.id, code: failure instanceof BillingError ? failure.code : null, status: refusedStatus }, "signing: Shopify metafield stamp failed; will retry");
    return false;
  }
}
