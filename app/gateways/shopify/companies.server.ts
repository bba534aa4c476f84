// B2B companies in the Shopify Admin API: what the Shopify invoice rail reads
// of a company location before it makes a period's draft order for it — the
// location (still there, still the company's), its billing and shipping
// addresses, its payment terms, and whether the order's contact may still
// order for it. Scope: read_customers (Company, CompanyContact and
// CompanyLocation require read_customers or read_companies:
// https://shopify.dev/docs/api/admin-graphql/2024-01/objects/CompanyLocation).
import type { CountryCode } from "./generated/admin.types";
import { runAdminDocument, type AdminGraphql, type RunAdminQueryOptions } from "./graphql.server";

export const COMPANY_LOCATION_FOR_DRAFT = `#graphql
  fragment RitournelleCompanyAddress on CompanyAddress {
    companyName
    firstName
    lastName
    address1
    address2
    city
    zoneCode
    zip
    countryCode
    phone
  }

  query RitournelleCompanyLocationForDraft($locationId: ID!, $contactId: ID!, $roleQuery: String!) {
    companyLocation(id: $locationId) {
      id
      name
      company {
        id
        name
      }
      billingAddress {
        ...RitournelleCompanyAddress
      }
      shippingAddress {
        ...RitournelleCompanyAddress
      }
      buyerExperienceConfiguration {
        paymentTermsTemplate {
          id
          paymentTermsType
          dueInDays
        }
      }
    }
    companyContact(id: $contactId) {
      id
      company {
        id
      }
      roleAssignments(first: 1, query: $roleQuery) {
        nodes {
          companyLocation {
            id
          }
        }
      }
    }
  }
`;

export type CompanyAddress = {
  companyName: string;
  firstName: string | null;
  lastName: string | null;
  address1: string;
  address2: string | null;
  city: string | null;
  zoneCode: string | null;
  zip: string | null;
  countryCode: CountryCode;
  phone: string | null;
};

/** A company location as the rail reads it, and whether the contact may order for it. */
export type CompanyLocationForDraft = {
  /** null: the location no longer exists (removed in Shopify). */
  location: {
    id: string;
    name: string;
    companyId: string;
    companyName: string;
    billingAddress: CompanyAddress | null;
    shippingAddress: CompanyAddress | null;
    /** The location's own payment terms (Shopify: Customers → Companies → location → Payment terms), or null. */
    paymentTerms: { templateId: string; type: string; dueInDays: number | null } | null;
  } | null;
  /** null: the contact no longer exists. */
  contact: {
    companyId: string;
    /** The contact has a role (Location admin, Ordering only) at this location. */
    mayOrderForLocation: boolean;
  } | null;
};

export async function fetchCompanyLocationForDraft(
  admin: AdminGraphql,
  ids: { locationId: string; contactId: string },
  options?: RunAdminQueryOptions,
): Promise<CompanyLocationForDraft> {
  const roleQuery = `company_location_id:${ids.locationId.split("/").pop() ?? ""}`;
  const data = await runAdminDocument(admin, COMPANY_LOCATION_FOR_DRAFT, { ...ids, roleQuery }, options);
  const location = data.companyLocation;
  const contact = data.companyContact;
  const terms = location?.buyerExperienceConfiguration?.paymentTermsTemplate ?? null;
  return {
    location: location && {
      id: location.id,
      name: location.name,
      companyId: location.company.id,
      companyName: location.company.name,
      billingAddress: location.billingAddress,
      shippingAddress: location.shippingAddress,
      paymentTerms: terms && { templateId: terms.id, type: terms.paymentTermsType, dueInDays: terms.dueInDays ?? null },
    },
    contact: contact && {
      companyId: contact.company.id,
      mayOrderForLocation: contact.roleAssignments.nodes.some((role) => role.companyLocation.id === ids.locationId),
    },
  };
}
