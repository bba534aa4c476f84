// B2B on the Shopify invoice rail: a period's draft order for the company
// location the template's order was placed for.
//
// What Shopify does (and the rail relies on):
// - A B2B draft order is made for a purchasing entity: company, company
//   contact and company location, all three required
//   (https://shopify.dev/docs/api/admin-graphql/latest/input-objects/PurchasingCompanyInput,
//   https://shopify.dev/docs/apps/build/b2b/draft-orders). Shopify then applies
//   the location's prices, tax settings and checkout options
//   (https://help.shopify.com/en/manual/b2b/draft-orders).
// - A location has its own billing and shipping addresses and, optionally,
//   payment terms (`buyerExperienceConfiguration.paymentTermsTemplate`:
//   https://shopify.dev/docs/api/admin-graphql/latest/objects/BuyerExperienceConfiguration).
//
// Decisions:
// - **Which payment terms win**: the template's own due delay when it has one
//   (> 0 days): it is what the merchant set on Ritournelle's form, what the
//   template page shows and what every run froze in its snapshot. With no
//   delay of its own (0, "due on receipt"), the draft takes the location's
//   terms, as Shopify's admin does for a draft of that location.
// - **No silent D2C fallback**: when the location was removed, moved to
//   another company, or the contact may no longer order for it, the run fails
//   with its reason (`shopify_company_location_missing`,
//   `shopify_company_contact_not_permitted`) and nothing is created. A B2B
//   buyer's accounts payable expects the invoice addressed to the company, with
//   its terms and its tax status; a draft to the person instead would be the
//   wrong addressee, and not something to discover after it was e-mailed. The
//   merchant fixes it in Shopify and retries, or makes a new recurring invoice.
import { BillingError, type BillingCompany } from "~/domain/billing";
import type { RunErrorCode } from "~/domain/run-errors";
import { fetchCompanyLocationForDraft, type CompanyAddress } from "./companies.server";
import type { DraftOrderInput } from "./draft-orders.server";
import type { AdminGraphql, RunAdminQueryOptions } from "./graphql.server";

type PaymentTermsInput = NonNullable<DraftOrderInput["paymentTerms"]>;
type AddressInput = NonNullable<DraftOrderInput["billingAddress"]>;

/** What a B2B draft takes from its company location. */
export type CompanyDraftFields = Pick<DraftOrderInput, "purchasingEntity" | "billingAddress" | "shippingAddress"> & {
  /** The location's own payment terms as the draft's input (issued on the period's date), or null when it has none. */
  locationPaymentTerms: PaymentTermsInput | null;
};

export function companyLocationMissing(company: Pick<BillingCompany, "locationId">): BillingError {
  return new BillingError(
    "permanent",
    "shopify_company_location_missing" satisfies RunErrorCode,
    `The Shopify company location this recurring invoice bills (${company.locationId}) no longer exists, or no longer belongs to its company. Nothing was created or sent, and the invoice is not sent to the contact as a private customer. Cancel this recurring invoice and make a new one from an order placed for the company's current location.`,
  );
}

export function companyContactNotPermitted(company: Pick<BillingCompany, "contactId" | "locationId">): BillingError {
  return new BillingError(
    "permanent",
    "shopify_company_contact_not_permitted" satisfies RunErrorCode,
    `The company contact of this recurring invoice (${company.contactId}) can no longer order for its company location (${company.locationId}): removed from the company, or their role at the location was taken away in Shopify. Nothing was created or sent. In Shopify (Customers → Companies), give the contact a role at the location again, then click Retry.`,
  );
}

/**
 * Reads the company location again and gives the draft its purchasing
 * company, the location's addresses and its payment terms.
 * @throws BillingError (permanent) when the location or the contact's permission is gone.
 */
export async function companyDraftFields(
  admin: AdminGraphql,
  company: BillingCompany,
  periodDate: string,
  options?: RunAdminQueryOptions,
): Promise<CompanyDraftFields> {
  const { location, contact } = await fetchCompanyLocationForDraft(admin, { locationId: company.locationId, contactId: company.contactId }, options);
  if (!location || location.companyId !== company.companyId) throw companyLocationMissing(company);
  if (!contact || contact.companyId !== company.companyId || !contact.mayOrderForLocation) throw companyContactNotPermitted(company);
  const billing = location.billingAddress ?? location.shippingAddress;
  const shipping = location.shippingAddress ?? location.billingAddress;
  return {
    purchasingEntity: { purchasingCompany: { companyId: company.companyId, companyContactId: company.contactId, companyLocationId: company.locationId } },
    ...(billing ? { billingAddress: addressInput(billing) } : {}),
    ...(shipping ? { shippingAddress: addressInput(shipping) } : {}),
    locationPaymentTerms: location.paymentTerms && termsInput(location.paymentTerms, periodDate),
  };
}

function addressInput(address: CompanyAddress): AddressInput {
  return {
    company: address.companyName,
    firstName: address.firstName,
    lastName: address.lastName,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    provinceCode: address.zoneCode,
    zip: address.zip,
    countryCode: address.countryCode,
    phone: address.phone,
  };
}

/**
 * The location's terms as a draft's: net terms run from the period's date
 * (every attempt sends the same input); due on receipt is issued that day;
 * due on fulfillment has no date. A fixed date cannot be a location's
 * standing terms (it would be one date for every order): none is sent.
 */
function termsInput(terms: { templateId: string; type: string }, periodDate: string): PaymentTermsInput | null {
  const issuedAt = `${periodDate}T00:00:00Z`;
  switch (terms.type) {
    case "NET":
    case "RECEIPT":
      return { paymentTermsTemplateId: terms.templateId, paymentSchedules: [{ issuedAt }] };
    case "FULFILLMENT":
      return { paymentTermsTemplateId: terms.templateId };
    default:
      return null;
  }
}

/** A refusal of draftOrderCreate on the purchasing company's fields (a change in Shopify since the read), as the rail's reason; null for any other. */
export function companyRefusal(company: BillingCompany, userErrors: readonly { field: readonly string[] | null }[]): BillingError | null {
  const fields = userErrors.flatMap((e) => (e.field?.includes("purchasingCompany") ? [e.field[e.field.length - 1]] : []));
  if (fields.includes("companyContactId")) return companyContactNotPermitted(company);
  if (fields.length > 0) return companyLocationMissing(company);
  return null;
}
