// The stand-in's B2B: companies, contacts, locations, an order's purchasing
// entity, and draftOrderCreate refusing a purchasing company Shopify refuses.
import { beforeEach, describe, expect, it } from "vitest";
import { createAdminApi, type AdminApi } from "./admin-api";
import { DEMO_SHOP_DOMAIN } from "./seed";
import { DEMO_COMPANY } from "./seed-demo-companies";
import { createManualClock } from "./state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const TOKEN = "shpat_companies";
const ORDER_1013 = "gid://shopify/Order/6201234561013";
const COFFEE_1KG = "gid://shopify/ProductVariant/45100000000041";

let api: AdminApi;

beforeEach(() => {
  api = createAdminApi({ clock: createManualClock() });
  api.control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, "read_orders,read_customers,write_draft_orders");
});

async function gql(query: string, variables: Record<string, unknown> = {}, token = TOKEN): Promise<Any> {
  const res = await api.execute(DEMO_SHOP_DOMAIN, token, { query, variables });
  expect(res.status).toBe(200);
  return res.body;
}

const PURCHASING = `query O($id: ID!) { order(id: $id) { name purchasingEntity { __typename
  ... on PurchasingCompany { company { id name } contact { id customer { id } } location { id name buyerExperienceConfiguration { paymentTermsTemplate { name dueInDays } } } }
  ... on Customer { id } } } }`;

const CREATE = `mutation Create($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id customer { id } purchasingEntity { __typename ... on PurchasingCompany { location { id } } } shippingAddress { company address1 city } }
    userErrors { field message }
  }
}`;

const purchasing = (overrides: Record<string, string> = {}) => ({
  lineItems: [{ variantId: COFFEE_1KG, quantity: 1 }],
  purchasingEntity: { purchasingCompany: { companyId: DEMO_COMPANY.brasserie, companyContactId: DEMO_COMPANY.jbContact, companyLocationId: DEMO_COMPANY.nantes, ...overrides } },
});

describe("companies", () => {
  it("answers a B2B order's purchasing entity (company, contact, location with its terms) and a D2C order's customer", async () => {
    const orderId = (await gql(`{ orders(first: 1, query: "name:#1013") { nodes { id } } }`)).data.orders.nodes[0].id;
    expect(orderId).toBe(ORDER_1013);
    const b2b = (await gql(PURCHASING, { id: orderId })).data.order.purchasingEntity;
    expect(b2b).toEqual({
      __typename: "PurchasingCompany",
      company: { id: DEMO_COMPANY.brasserie, name: "Brasserie du Port" },
      contact: { id: DEMO_COMPANY.jbContact, customer: { id: "gid://shopify/Customer/7410000000104" } },
      location: { id: DEMO_COMPANY.nantes, name: "Nantes — Quai de la Fosse", buyerExperienceConfiguration: { paymentTermsTemplate: { name: "Net 30", dueInDays: 30 } } },
    });
    const d2c = (await gql(PURCHASING, { id: "gid://shopify/Order/6201234561001" })).data.order.purchasingEntity;
    expect(d2c).toEqual({ __typename: "Customer", id: "gid://shopify/Customer/7410000000101" });
  });

  it("reads a location's addresses and a contact's roles, filtered by location; refuses without read_customers or read_companies", async () => {
    const query = `query L($l: ID!, $c: ID!, $q: String!) { companyLocation(id: $l) { shippingAddress { companyName address1 city zoneCode countryCode } }
      companyContact(id: $c) { company { id } roleAssignments(first: 5, query: $q) { nodes { role { name } companyLocation { id } } } } }`;
    const vars = { l: DEMO_COMPANY.nantes, c: DEMO_COMPANY.jbContact, q: "company_location_id:8820000000502" };
    const body = (await gql(query, vars)).data;
    expect(body.companyLocation.shippingAddress).toEqual({ companyName: "Brasserie du Port", address1: "5 rue de la Fosse", city: "Nantes", zoneCode: null, countryCode: "FR" });
    expect(body.companyContact.roleAssignments.nodes).toEqual([{ role: { name: "Ordering only" }, companyLocation: { id: DEMO_COMPANY.saintNazaire } }]);
    api.control.addAccessToken(DEMO_SHOP_DOMAIN, "shpat_orders_only", "read_orders");
    const denied = await gql(query, vars, "shpat_orders_only");
    expect(denied.errors[0].extensions.code).toBe("ACCESS_DENIED");
  });
});

describe("draftOrderCreate for a purchasing company", () => {
  it("makes the draft for the location, its customer the contact's", async () => {
    const created = (await gql(CREATE, { input: purchasing() })).data.draftOrderCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.draftOrder.customer).toEqual({ id: "gid://shopify/Customer/7410000000104" });
    expect(created.draftOrder.purchasingEntity).toEqual({ __typename: "PurchasingCompany", location: { id: DEMO_COMPANY.nantes } });
    expect(api.control.draftOrders(DEMO_SHOP_DOMAIN)[0]!.purchasingCompany).toEqual({ companyId: DEMO_COMPANY.brasserie, contactId: DEMO_COMPANY.jbContact, locationId: DEMO_COMPANY.nantes });
  });

  it.each([
    ["a location of another company", { companyLocationId: DEMO_COMPANY.lyon }, "companyLocationId", "Company location does not belong to the company"],
    ["a removed location", { companyLocationId: "gid://shopify/CompanyLocation/1" }, "companyLocationId", "Company location does not exist"],
    ["a contact of another company", { companyContactId: DEMO_COMPANY.theoContact }, "companyContactId", "Company contact does not belong to the company"],
    ["an unknown company", { companyId: "gid://shopify/Company/1" }, "companyId", "Company does not exist"],
  ])("refuses %s on its field, creating nothing", async (_what, overrides, field, message) => {
    const refused = (await gql(CREATE, { input: purchasing(overrides) })).data.draftOrderCreate;
    expect(refused).toEqual({ draftOrder: null, userErrors: [{ field: ["input", "purchasingEntity", "purchasingCompany", field], message }] });
    expect(api.control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
  });

  it("refuses a contact whose role at the location was taken away, and a location removed since", async () => {
    api.control.revokeCompanyLocationRole(DEMO_SHOP_DOMAIN, DEMO_COMPANY.jbContact, DEMO_COMPANY.saintNazaire);
    const noRole = (await gql(CREATE, { input: purchasing({ companyLocationId: DEMO_COMPANY.saintNazaire }) })).data.draftOrderCreate;
    expect(noRole.userErrors).toEqual([{ field: ["input", "purchasingEntity", "purchasingCompany", "companyContactId"], message: "Company contact does not have permission to order for this company location" }]);
    api.control.removeCompanyLocation(DEMO_SHOP_DOMAIN, DEMO_COMPANY.nantes);
    const gone = (await gql(CREATE, { input: purchasing() })).data.draftOrderCreate;
    expect(gone.userErrors[0].field).toEqual(["input", "purchasingEntity", "purchasingCompany", "companyLocationId"]);
    expect((await gql(`query L($id: ID!) { companyLocation(id: $id) { id } }`, { id: DEMO_COMPANY.nantes })).data.companyLocation).toBeNull();
  });

  it("refuses fixed payment terms without a due date, as Shopify needs one", async () => {
    const input = { ...purchasing(), paymentTerms: { paymentTermsTemplateId: "gid://shopify/PaymentTermsTemplate/7", paymentSchedules: [{ issuedAt: "2026-01-15T00:00:00Z" }] } };
    const refused = (await gql(CREATE, { input })).data.draftOrderCreate;
    expect(refused.userErrors).toEqual([{ field: ["input", "paymentTerms", "paymentSchedules"], message: "Fixed payment terms need a payment schedule with dueAt" }]);
  });
});
