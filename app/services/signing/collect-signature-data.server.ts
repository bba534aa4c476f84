import type { Prisma } from "@prisma/client";
import type { CustomerSubject } from "~/domain/customer-subject";
import { signerRecord } from "~/domain/signing";
import { findSignaturesOfSubject } from "~/models/signature.server";

/**
 * customers/data_request: everything recorded about the subject's
 * signatures in the shop, read in the report's transaction `tx`. Reads only.
 * The "signatures" place of the redact registry (app/services/privacy/registry.server.ts).
 */
export async function collectSignatureData(shopId: string, subject: CustomerSubject, tx?: Prisma.TransactionClient): Promise<unknown[]> {
  const signatures = await findSignaturesOfSubject(shopId, subject, tx);
  return signatures.map((signature) => ({
    signatureId: signature.id,
    invoiceNumber: signature.invoiceNumber,
    ...signerRecord(signature),
  }));
}
