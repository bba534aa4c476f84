// B2B in the Shopify stand-in: companies, their contacts and locations (with
// addresses and payment terms), the purchasing entity of orders placed for a
// company location, and what draftOrderCreate checks of a purchasingCompany.
//
// What Shopify does, and this imitates:
// - A company has contacts (each one a customer of the shop) and locations;
//   a contact orders for a location only through a role assigned to it at
//   that location ("Location admin", "Ordering only")
//   (https://shopify.dev/docs/api/admin-graphql/latest/objects/CompanyContact,
//   https://help.shopify.com/en/manual/b2b/companies/company-permissions).
// - A location has its own billing and shipping addresses and checkout
//   settings, among them its payment terms
//   (`buyerExperienceConfiguration.paymentTermsTemplate`,
//   https://shopify.dev/docs/api/admin-graphql/latest/objects/BuyerExperienceConfiguration).
// - An order placed for a location has `purchasingEntity` a PurchasingCompany
//   (company, contact, location); a D2C order's is the Customer
//   (https://shopify.dev/docs/api/admin-graphql/latest/unions/PurchasingEntity).
// - Reading companies requires `read_customers` or `read_companies`
//   (https://shopify.dev/docs/api/admin-graphql/2024-01/objects/CompanyLocation).
// - draftOrderCreate takes `purchasingEntity.purchasingCompany` = company,
//   contact and location ids, all three required
//   (https://shopify.dev/docs/api/admin-graphql/latest/input-objects/PurchasingCompanyInput,
//   https://shopify.dev/docs/apps/build/b2b/draft-orders); the contact and the
//   location must be the company's and the contact must be allowed to order
//   for the location, else a userError on the id's field. Shopify documents
//   no wording for these refusals: the messages below are the stand-in's.
import { ShopifyResolverError } from "./errors";
import { PAYMENT_TERMS_TEMPLATES } from "./draft-orders";
import type { SeedAddress } from "./seed";
import { hasScope, type ShopState } from "./state";

export interface SeedCompanyContact {
  id: string;
  /** The shop's customer this contact is. */
  customerId: string;
  isMainContact: boolean;
  title: string | null;
  locale: string;
}

export type CompanyRoleName = "Location admin" | "Ordering only";

export interface SeedCompanyLocation {
  id: string;
  name: string;
  billingAddress: SeedAddress | null;
  shippingAddress: SeedAddress | null;
  /** The location's payment terms (a PAYMENT_TERMS_TEMPLATES id), or null for none. */
  paymentTermsTemplateId: string | null;
  /** Who may order for this location, with which role. */
  roles: { contactId: string; role: CompanyRoleName }[];
}

export interface SeedCompany {
  id: string;
  name: string;
  externalId: string | null;
  createdAt: string;
  contacts: SeedCompanyContact[];
  locations: SeedCompanyLocation[];
}

/** An order placed by a contact for one of the company's locations. */
export interface SeedPurchasingCompany {
  companyId: string;
  /** null: an order the merchant made for the location without a contact. */
  contactId: string | null;
  locationId: string;
}

type View = Record<string, unknown>;
type Args = Record<string, unknown>;

const companiesOf = (shop: ShopState): SeedCompany[] => shop.shop.companies ?? [];
const legacyOf = (gid: string) => gid.split("/").pop() ?? "";

export function findCompany(shop: ShopState, id: unknown): SeedCompany | null {
  return companiesOf(shop).find((c) => c.id === id) ?? null;
}

export function findCompanyLocation(shop: ShopState, id: unknown): { company: SeedCompany; location: SeedCompanyLocation } | null {
  for (const company of companiesOf(shop)) {
    const location = company.locations.find((l) => l.id === id);
    if (location) return { company, location };
  }
  return null;
}

export function findCompanyContact(shop: ShopState, id: unknown): { company: SeedCompany; contact: SeedCompanyContact } | null {
  for (const company of companiesOf(shop)) {
    const contact = company.contacts.find((c) => c.id === id);
    if (contact) return { company, contact };
  }
  return null;
}

function requireCompanyAccess(scopes: readonly string[], field: string): void {
  if (hasScope(scopes, "read_customers") || hasScope(scopes, "read_companies")) return;
  throw new ShopifyResolverError(`Access denied for ${field} field. Required access: \`read_customers\` access scope or \`read_companies\` access scope.`, "ACCESS_DENIED", {
    documentation: "https://shopify.dev/api/usage/access-scopes",
    requiredAccess: "`read_customers` access scope or `read_companies` access scope.",
  });
}

function companyAddressView(a: SeedAddress | null, id: string, companyName: string): View | null {
  if (!a) return null;
  return {
    __typename: "CompanyAddress",
    id,
    address1: a.address1 ?? "",
    address2: a.address2,
    city: a.city,
    companyName: a.company ?? companyName,
    country: a.country,
    countryCode: a.countryCodeV2,
    firstName: a.firstName,
    lastName: a.lastName,
    phone: a.phone,
    province: a.province,
    zoneCode: a.provinceCode,
    zip: a.zip,
    recipient: a.name,
    formattedArea: [a.city, a.province, a.country].filter(Boolean).join(", ") || null,
  };
}

/** The roles of a location or a contact, as a connection; `query` filters by `company_location_id:` or `company_contact_id:`. */
function roleAssignments(
  shop: ShopState,
  pairs: { company: SeedCompany; location: SeedCompanyLocation; contactId: string; role: CompanyRoleName }[],
  args: Args,
  connection: Connection,
): View {
  let found = pairs;
  const query = typeof args.query === "string" ? args.query.trim() : "";
  if (query) {
    const match = /^(company_location_id|company_contact_id):(?:gid:\/\/shopify\/\w+\/)?(\d+)$/.exec(query);
    if (!match) throw new ShopifyResolverError(`The stand-in's role assignment search does not understand '${query}'.`, "NOT_IMPLEMENTED_IN_STAND_IN");
    found = pairs.filter((p) => legacyOf(match[1] === "company_location_id" ? p.location.id : p.contactId) === match[2]);
  }
  return connection(found, args, {
    key: (p) => ({ id: Number(legacyOf(p.location.id)) * 1000 + Number(legacyOf(p.contactId)) % 1000, value: Number(legacyOf(p.location.id)) }),
    view: (p) => ({
      __typename: "CompanyContactRoleAssignment",
      id: `gid://shopify/CompanyContactRoleAssignment/${legacyOf(p.location.id)}${legacyOf(p.contactId)}`,
      role: { __typename: "CompanyContactRole", id: `gid://shopify/CompanyContactRole/${p.role === "Location admin" ? 1 : 2}`, name: p.role, note: null },
      company: () => companyView(shop, p.company, connection),
      companyLocation: () => companyLocationView(shop, p.company, p.location, connection),
      companyContact: () => {
        const contact = p.company.contacts.find((c) => c.id === p.contactId);
        return contact ? companyContactView(shop, p.company, contact, connection) : null;
      },
    }),
  });
}

type Connection = <T>(items: readonly T[], args: Args, options: { key: (item: T) => { id: number; value: string | number }; view: (item: T) => unknown }) => View;

export function companyView(shop: ShopState, company: SeedCompany, connection: Connection): View {
  return {
    __typename: "Company",
    id: company.id,
    name: company.name,
    externalId: company.externalId,
    createdAt: company.createdAt,
    contactsCount: { count: company.contacts.length, precision: "EXACT" },
    locationsCount: { count: company.locations.length, precision: "EXACT" },
    locations: (args: Args) =>
      connection(company.locations, args, { key: (l) => ({ id: Number(legacyOf(l.id)), value: Number(legacyOf(l.id)) }), view: (l) => companyLocationView(shop, company, l, connection) }),
    contacts: (args: Args) =>
      connection(company.contacts, args, { key: (c) => ({ id: Number(legacyOf(c.id)), value: Number(legacyOf(c.id)) }), view: (c) => companyContactView(shop, company, c, connection) }),
  };
}

export function companyLocationView(shop: ShopState, company: SeedCompany, location: SeedCompanyLocation, connection: Connection): View {
  const terms = PAYMENT_TERMS_TEMPLATES.find((t) => t.id === location.paymentTermsTemplateId) ?? null;
  return {
    __typename: "CompanyLocation",
    id: location.id,
    name: location.name,
    currency: shop.shop.currencyCode,
    company: () => companyView(shop, company, connection),
    billingAddress: companyAddressView(location.billingAddress, `gid://shopify/CompanyAddress/${legacyOf(location.id)}1`, company.name),
    shippingAddress: companyAddressView(location.shippingAddress, `gid://shopify/CompanyAddress/${legacyOf(location.id)}2`, company.name),
    buyerExperienceConfiguration: {
      __typename: "BuyerExperienceConfiguration",
      checkoutToDraft: false,
      editableShippingAddress: false,
      payNowOnly: terms === null,
      deposit: null,
      paymentTermsTemplate: terms && { __typename: "PaymentTermsTemplate", ...terms, translatedName: terms.name },
    },
    roleAssignments: (args: Args) =>
      roleAssignments(shop, location.roles.map((r) => ({ company, location, contactId: r.contactId, role: r.role })), args, connection),
  };
}

export function companyContactView(shop: ShopState, company: SeedCompany, contact: SeedCompanyContact, connection: Connection): View {
  const customer = shop.shop.customers.find((c) => c.id === contact.customerId);
  return {
    __typename: "CompanyContact",
    id: contact.id,
    isMainContact: contact.isMainContact,
    title: contact.title,
    locale: contact.locale,
    company: () => companyView(shop, company, connection),
    customer: customer ? { __typename: "Customer", id: customer.id, displayName: customer.displayName, email: customer.email } : null,
    roleAssignments: (args: Args) =>
      roleAssignments(
        shop,
        company.locations.flatMap((location) => location.roles.filter((r) => r.contactId === contact.id).map((r) => ({ company, location, contactId: r.contactId, role: r.role }))),
        args,
        connection,
      ),
  };
}

/** Order.purchasingEntity (and DraftOrder's): the company when placed for a location, else the customer (null without one). */
export function purchasingEntityView(shop: ShopState, purchasing: SeedPurchasingCompany | null | undefined, customerView: View | null, connection: Connection): View | null {
  if (!purchasing) return customerView && { ...customerView, __typename: "Customer" };
  const found = findCompanyLocation(shop, purchasing.locationId);
  const company = findCompany(shop, purchasing.companyId);
  if (!found || !company) return null;
  const contact = purchasing.contactId ? company.contacts.find((c) => c.id === purchasing.contactId) : undefined;
  return {
    __typename: "PurchasingCompany",
    company: companyView(shop, company, connection),
    location: companyLocationView(shop, found.company, found.location, connection),
    contact: contact ? companyContactView(shop, company, contact, connection) : null,
  };
}

/** The root fields `company`, `companyContact`, `companyLocation`. */
export function companyRoot(shop: ShopState, scopes: readonly string[], connection: Connection): View {
  return {
    company: (args: Args) => {
      requireCompanyAccess(scopes, "company");
      const company = findCompany(shop, args.id);
      return company ? companyView(shop, company, connection) : null;
    },
    companyLocation: (args: Args) => {
      requireCompanyAccess(scopes, "companyLocation");
      const found = findCompanyLocation(shop, args.id);
      return found ? companyLocationView(shop, found.company, found.location, connection) : null;
    },
    companyContact: (args: Args) => {
      requireCompanyAccess(scopes, "companyContact");
      const found = findCompanyContact(shop, args.id);
      return found ? companyContactView(shop, found.company, found.contact, connection) : null;
    },
  };
}

export interface PurchasingCompanyChoice {
  companyId: string;
  contactId: string;
  locationId: string;
  /** The contact's customer: the draft's customer. */
  customerId: string;
}

/**
 * Checks a DraftOrderInput's `purchasingEntity.purchasingCompany` as Shopify
 * does: each id known, the contact and the location the company's, the
 * contact allowed to order for the location. Field paths are relative to the
 * input (draftOrderCreate prefixes "input").
 */
export function checkPurchasingCompany(
  shop: ShopState,
  input: Record<string, unknown>,
): { choice: PurchasingCompanyChoice } | { errors: { field: string[]; message: string }[] } {
  const field = (name: string) => ["purchasingEntity", "purchasingCompany", name];
  const id = (name: string) => (typeof input[name] === "string" ? (input[name] as string) : "");
  const company = findCompany(shop, id("companyId"));
  if (!company) return { errors: [{ field: field("companyId"), message: "Company does not exist" }] };
  const location = company.locations.find((l) => l.id === id("companyLocationId"));
  if (!location) {
    const elsewhere = findCompanyLocation(shop, id("companyLocationId"));
    return { errors: [{ field: field("companyLocationId"), message: elsewhere ? "Company location does not belong to the company" : "Company location does not exist" }] };
  }
  const contact = company.contacts.find((c) => c.id === id("companyContactId"));
  if (!contact) {
    const elsewhere = findCompanyContact(shop, id("companyContactId"));
    return { errors: [{ field: field("companyContactId"), message: elsewhere ? "Company contact does not belong to the company" : "Company contact does not exist" }] };
  }
  if (!location.roles.some((r) => r.contactId === contact.id)) {
    return { errors: [{ field: field("companyContactId"), message: "Company contact does not have permission to order for this company location" }] };
  }
  return { choice: { companyId: company.id, contactId: contact.id, locationId: location.id, customerId: contact.customerId } };
}

/** Test and demo controls: the merchant removes a location, takes a contact's role at a location away or gives one, changes a location's terms. */
export function companyControl(shopOrThrow: (domain: string) => ShopState) {
  return {
    removeCompanyLocation(shop: string, locationId: string): void {
      const found = findCompanyLocation(shopOrThrow(shop), locationId);
      if (!found) throw new Error(`stand-in: unknown company location ${locationId} in ${shop}`);
      found.company.locations = found.company.locations.filter((l) => l !== found.location);
    },
    revokeCompanyLocationRole(shop: string, contactId: string, locationId: string): void {
      const found = findCompanyLocation(shopOrThrow(shop), locationId);
      if (!found) throw new Error(`stand-in: unknown company location ${locationId} in ${shop}`);
      found.location.roles = found.location.roles.filter((r) => r.contactId !== contactId);
    },
    assignCompanyLocationRole(shop: string, contactId: string, locationId: string, role: CompanyRoleName = "Ordering only"): void {
      const found = findCompanyLocation(shopOrThrow(shop), locationId);
      if (!found || !found.company.contacts.some((c) => c.id === contactId)) throw new Error(`stand-in: no contact ${contactId} of the company of ${locationId} in ${shop}`);
      found.location.roles = [...found.location.roles.filter((r) => r.contactId !== contactId), { contactId, role }];
    },
        setCompanyLocationPaymentTerms(shop: string, locationId: string, templateId: string | null): void {
      const found = findCompanyLocation(shopOrThrow(shop), locationId);
      if (!found) throw new Error(`stand-in: unknown company location ${locationId} in ${shop}`);
      if (templateId !== null && !PAYMENT_TERMS_TEMPLATES.some((t) => t.id === templateId)) throw new Error(`stand-in: unknown payment terms template ${templateId}`);
      found.location.paymentTermsTemplateId = templateId;
    },
  };
}
