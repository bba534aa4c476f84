import type { Prisma } from "@prisma/client";
import type { CustomerSubject } from "~/domain/customer-subject";
import { eraseSignaturesOfSubject } from "~/models/signature.server";
import { revokeLinksOfSubject } from "~/models/signing-link.server";

/**
 * customers/redact, in the erasure's transaction `tx`: closes the subject's
 * open signing links (a customer who asked to be forgotten is not asked to
 * sign again), then erases the personal fields of their signatures — what
 * stays identifies no one and keeps /verify answering for a PDF the merchant
 * already holds (see the Signature model). `now` is recorded as the time of
 * both (the erasure's one instant, given by the registry).
 *
 * Idempotent, safe to run any number of times. The "signatures" place of the
 * redact registry (app/services/privacy/registry.server.ts).
 * @returns how many signatures were not yet erased.
 */
export async function eraseSignatureData(shopId: string, subject: CustomerSubject, now: Date, tx?: Prisma.TransactionClient): Promise<number> {
  await revokeLinksOfSubject(shopId, subject, now, tx);
  return eraseSignaturesOfSubject(shopId, subject, now, tx);
}
