// The settings page's "Legal identity" form (French e-invoices): the shop as
// seller — name, legal form, SIREN, SIRET, VAT number, address, electronic
// address, VAT regime.
import { z } from "zod";
import { sellerProblems, type EInvoiceProblemCode, type SellerIdentity } from "~/domain/einvoice";
import { compactIdentifier } from "~/domain/french-identifiers";
import { updateShopSettings } from "~/models/shop.server";

const text = (max: number) => z.string().trim().max(max).catch("");

const formSchema = z.object({
  name: text(200),
  legalForm: text(200),
  siren: text(20),
  siret: text(30),
  vatNumber: text(30),
  line1: text(200),
  line2: text(200),
  postalCode: text(20),
  city: text(100),
  country: text(2).transform((value) => value.toUpperCase()),
  electronicAddress: text(125),
  vatOnDebits: z.literal("on").optional().catch(undefined).transform(Boolean),
});

export type LegalIdentityResult = { ok: true; identity: SellerIdentity } | { ok: false; errors: Record<string, EInvoiceProblemCode> };

/** Form field of each problem path ("address.city" → "city"). */
const fieldOf = (path: string) => (path.startsWith("address.") ? path.slice("address.".length) : path);

/**
 * Validates and stores the shop's legal identity.
 *
 * Inputs: the shop's domain and the posted fields.
 * Effects: `settings.legalIdentity` replaced; identifiers stored without spaces.
 * Invoices already issued keep the identity they were issued with (their
 * Factur-X is derived from the run, see app/services/documents/).
 * Idempotency: saving the same form twice stores the same identity.
 * Errors: `{ ok: false, errors }` (field → code; first problem per field), nothing written.
 */
export async function saveLegalIdentity(shopDomain: string, form: Record<string, unknown>): Promise<LegalIdentityResult> {
  const fields = formSchema.parse(form);
  const identity: SellerIdentity = {
    name: fields.name,
    legalForm: fields.legalForm,
    siren: compactIdentifier(fields.siren),
    siret: compactIdentifier(fields.siret),
    vatNumber: compactIdentifier(fields.vatNumber),
    address: { line1: fields.line1, ...(fields.line2 ? { line2: fields.line2 } : {}), postalCode: fields.postalCode, city: fields.city, country: fields.country },
    electronicAddress: compactIdentifier(fields.electronicAddress),
    vatOnDebits: fields.vatOnDebits,
  };
  const problems = sellerProblems(identity);
  if (problems.length > 0) {
    const errors: Record<string, EInvoiceProblemCode> = {};
    for (const problem of problems) errors[fieldOf(problem.field)] ??= problem.code;
    return { ok: false, errors };
  }
  await updateShopSettings(shopDomain, { legalIdentity: identity });
  return { ok: true, identity };
}
