// The demo shop's B2B companies (companies.ts): Brasserie du Port, whose
// contact Jean-Baptiste Moreau orders for its Nantes location (net 30 days)
// and may order for its Saint-Nazaire one (no payment terms); Café Lumière
// SARL, with Théo Lefèvre for its Lyon location (net 60 days). Order #1013
// (seed-demo-orders.ts) was placed by Jean-Baptiste for Nantes.
import type { SeedCompany } from "./companies";
import { addr } from "./seed-build";

export const DEMO_COMPANY = {
  brasserie: "gid://shopify/Company/8800000000301",
  jbContact: "gid://shopify/CompanyContact/8810000000401",
  nantes: "gid://shopify/CompanyLocation/8820000000501",
  saintNazaire: "gid://shopify/CompanyLocation/8820000000502",
  cafeLumiere: "gid://shopify/Company/8800000000302",
  theoContact: "gid://shopify/CompanyContact/8810000000402",
  lyon: "gid://shopify/CompanyLocation/8820000000503",
} as const;

export function demoCompanies(): SeedCompany[] {
  return [
    {
      id: DEMO_COMPANY.brasserie,
      name: "Brasserie du Port",
      externalId: "BDP-044",
      createdAt: "2026-01-20T09:00:00Z",
      contacts: [{ id: DEMO_COMPANY.jbContact, customerId: "gid://shopify/Customer/7410000000104", isMainContact: true, title: "Gérant", locale: "fr" }],
      locations: [
        {
          id: DEMO_COMPANY.nantes,
          name: "Nantes — Quai de la Fosse",
          billingAddress: addr({ firstName: null, lastName: null, company: "Brasserie du Port", address1: "3 quai de la Fosse", city: "Nantes", zip: "44000", country: "France", countryCodeV2: "FR", phone: "+33240112233" }),
          shippingAddress: addr({ firstName: null, lastName: null, company: "Brasserie du Port", address1: "5 rue de la Fosse", city: "Nantes", zip: "44000", country: "France", countryCodeV2: "FR" }),
          paymentTermsTemplateId: "gid://shopify/PaymentTermsTemplate/4", // Net 30
          roles: [{ contactId: DEMO_COMPANY.jbContact, role: "Location admin" }],
        },
        {
          id: DEMO_COMPANY.saintNazaire,
          name: "Saint-Nazaire — Le Môle",
          billingAddress: addr({ firstName: null, lastName: null, company: "Brasserie du Port", address1: "3 quai de la Fosse", city: "Nantes", zip: "44000", country: "France", countryCodeV2: "FR" }),
          shippingAddress: addr({ firstName: null, lastName: null, company: "Brasserie du Port", address1: "1 boulevard René Coty", city: "Saint-Nazaire", zip: "44600", country: "France", countryCodeV2: "FR" }),
          paymentTermsTemplateId: null,
          roles: [{ contactId: DEMO_COMPANY.jbContact, role: "Ordering only" }],
        },
      ],
    },
    {
      id: DEMO_COMPANY.cafeLumiere,
      name: "Café Lumière SARL",
      externalId: null,
      createdAt: "2026-01-22T09:00:00Z",
      contacts: [{ id: DEMO_COMPANY.theoContact, customerId: "gid://shopify/Customer/7410000000102", isMainContact: true, title: null, locale: "fr" }],
      locations: [
        {
          id: DEMO_COMPANY.lyon,
          name: "Lyon — Terreaux",
          billingAddress: addr({ firstName: null, lastName: null, company: "Café Lumière SARL", address1: "8 place des Terreaux", city: "Lyon", zip: "69001", country: "France", countryCodeV2: "FR" }),
          shippingAddress: addr({ firstName: null, lastName: null, company: "Café Lumière SARL", address1: "8 place des Terreaux", city: "Lyon", zip: "69001", country: "France", countryCodeV2: "FR" }),
          paymentTermsTemplateId: "gid://shopify/PaymentTermsTemplate/5", // Net 60
          roles: [{ contactId: DEMO_COMPANY.theoContact, role: "Location admin" }],
        },
      ],
    },
  ];
}
