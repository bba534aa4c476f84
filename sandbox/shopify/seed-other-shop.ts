// The other shop, `other-shop.myshopify.com`: Brooklyn Brew Supply, USD,
// America/New_York, New York sales tax added to prices. It exists for tenant
// isolation: its orders are numbered from #1001 like the demo shop's, and one
// customer has the same name as a demo customer.

import type { SeedCustomer, SeedProduct, SeedShop, SeedVariant } from "./seed";
import { SEEDED_SCOPES, addr, buildSeedOrder, customer, type SeedCatalog, type SeedOrderInput } from "./seed-build";

export const OTHER_SHOP_DOMAIN = "other-shop.myshopify.com";
export const OTHER_ACCESS_TOKEN = "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";

const C = {
  michael: "gid://shopify/Customer/8520000000201",
  olivia: "gid://shopify/Customer/8520000000202",
  camilleUs: "gid://shopify/Customer/8520000000203",
} as const;

const OTHER_ORDERS: SeedOrderInput[] = [
  {
    number: 1001,
    createdAt: "2026-01-10T14:00:00Z",
    customer: C.michael,
    regime: "NY",
    lines: [
      { sku: "BBS-RENT-M", quantity: 1 },
      { sku: "BBS-MAINT", quantity: 1 },
    ],
    shipping: { title: "UPS Ground", code: "UPS_GROUND", source: "ups_shipping", price: 1500 },
    financialStatus: "PAID",
    peculiarities: ["same name #1001 as the demo shop (tenant isolation)", "NY sales tax 8.875 % itemised in three tax lines, tax-exclusive", "taxed shipping"],
  },
  {
    number: 1002,
    createdAt: "2026-01-18T20:10:00Z",
    customer: C.olivia,
    regime: "NY",
    lines: [{ sku: "BBS-CLUB", quantity: 2 }],
    discountCode: { code: "WELCOME5", amount: 500 },
    financialStatus: "PAID",
    peculiarities: ["fixed code WELCOME5 (5.00) before tax"],
  },
  {
    number: 1003,
    createdAt: "2026-02-02T16:45:00Z",
    customer: C.camilleUs,
    regime: "NY",
    lines: [{ sku: "BBS-RENT-M", quantity: 1 }],
    shipping: { title: "UPS Ground", code: "UPS_GROUND", source: "ups_shipping", price: 1500 },
    financialStatus: "PENDING",
    peculiarities: ["a different Camille Dubois than the demo shop's (tenant isolation for search)"],
  },
  {
    number: 1004,
    createdAt: "2026-02-21T13:20:00Z",
    customer: C.michael,
    regime: "NY",
    lines: [{ sku: "BBS-MAINT", quantity: 1 }],
    financialStatus: "PAID",
    peculiarities: ["single taxable service line"],
  },
];

export function otherShop(): SeedShop {
  const nyAddress = (firstName: string, lastName: string, address1: string, city: string, zip: string, phone: string | null) =>
    addr({
      firstName,
      lastName,
      address1,
      city,
      province: "New York",
      provinceCode: "NY",
      zip,
      country: "United States",
      countryCodeV2: "US",
      phone,
    });
  const customers: SeedCustomer[] = [
    customer(8520000000201, {
      firstName: "Michael",
      lastName: "Johnson",
      email: "m.johnson@example.com",
      phone: "+12125550187",
      locale: "en",
      createdAt: "2025-12-02T15:00:00Z",
      defaultAddress: nyAddress("Michael", "Johnson", "350 W 57th Street", "New York", "10019", "+12125550187"),
    }),
    customer(8520000000202, {
      firstName: "Olivia",
      lastName: "Brown",
      email: "olivia.brown@example.com",
      phone: null,
      locale: "en",
      createdAt: "2025-12-20T19:30:00Z",
      defaultAddress: nyAddress("Olivia", "Brown", "37-10 30th Avenue", "Astoria", "11103", null),
    }),
    customer(8520000000203, {
      firstName: "Camille",
      lastName: "Dubois",
      email: "camille.dubois@example.com",
      phone: null,
      locale: "en",
      createdAt: "2026-01-06T12:00:00Z",
      defaultAddress: nyAddress("Camille", "Dubois", "88 Greenwich Street", "New York", "10006", null),
    }),
  ];
  const products: SeedProduct[] = [
    { id: "gid://shopify/Product/9200000000001", title: "Espresso Machine Rental", handle: "espresso-machine-rental", vendor: "Brooklyn Brew Supply", productType: "Equipment rental", taxClass: "standard" },
    { id: "gid://shopify/Product/9200000000002", title: "Maintenance Plan", handle: "maintenance-plan", vendor: "Brooklyn Brew Supply", productType: "Maintenance", taxClass: "standard" },
    { id: "gid://shopify/Product/9200000000003", title: "Coffee Club Membership", handle: "coffee-club", vendor: "Brooklyn Brew Supply", productType: "Membership", taxClass: "standard" },
  ];
  const variant = (legacy: number, product: string, title: string, sku: string, price: string, requiresShipping: boolean): SeedVariant => ({
    id: `gid://shopify/ProductVariant/${legacy}`,
    legacyResourceId: String(legacy),
    productId: product,
    title,
    sku,
    price,
    taxable: true,
    requiresShipping,
    deleted: false,
    createdAt: "2025-11-01T14:00:00Z",
    updatedAt: "2025-11-01T14:00:00Z",
  });
  const variants: SeedVariant[] = [
    variant(46200000000011, "gid://shopify/Product/9200000000001", "Monthly", "BBS-RENT-M", "89.00", true),
    variant(46200000000021, "gid://shopify/Product/9200000000002", "Default Title", "BBS-MAINT", "35.00", false),
    variant(46200000000031, "gid://shopify/Product/9200000000003", "Default Title", "BBS-CLUB", "25.00", false),
  ];
  const catalog: SeedCatalog = { currency: "USD", orderIdBase: 6309876540000, lineIdBase: 16543200000000, customers, products, variants };
  return {
    myshopifyDomain: OTHER_SHOP_DOMAIN,
    id: "gid://shopify/Shop/68100000002",
    name: "Brooklyn Brew Supply",
    email: "owner@brooklynbrew.example",
    contactEmail: "hello@brooklynbrew.example",
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    primaryDomain: {
      id: "gid://shopify/Domain/97100000002",
      host: OTHER_SHOP_DOMAIN,
      url: `https://${OTHER_SHOP_DOMAIN}`,
    },
    shopAddress: {
      address1: "120 Kent Avenue",
      address2: null,
      city: "Brooklyn",
      province: "New York",
      provinceCode: "NY",
      zip: "11249",
      country: "United States",
      countryCodeV2: "US",
      company: "Brooklyn Brew Supply LLC",
      phone: "+17185550100",
    },
    accessToken: OTHER_ACCESS_TOKEN,
    scopes: SEEDED_SCOPES,
    staff: [
      { id: 128000001, firstName: "Dana", lastName: "Whitfield", email: "dana@brooklynbrew.example", locale: "en", accountOwner: true, collaborator: false },
    ],
    customers,
    products,
    variants,
    orders: OTHER_ORDERS.map((order) => buildSeedOrder(catalog, order)),
  };
}
