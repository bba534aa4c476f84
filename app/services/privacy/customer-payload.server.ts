// The customer part of Shopify's compliance payloads (customers/data_request,
// customers/redact): who the request is about.
import { z } from "zod";
import type { CustomerSubject } from "~/domain/customer-subject";

export const customerPayloadSchema = z.object({
  customer: z.object({
    id: z.union([z.number(), z.string()]).transform(String),
    email: z.string().nullish(),
  }),
});

export function subjectOfPayload(payload: z.infer<typeof customerPayloadSchema>): CustomerSubject {
  return { shopifyCustomerId: payload.customer.id, email: payload.customer.email ?? undefined };
}
