// B2B on the Shopify invoice rail (issue 16, item 2): an order placed for a
// Shopify company location becomes a template that bills that location —
// each period's draft order is made for the purchasing company, with the
// location's addresses and payment terms — and when the location is gone or
// its contact may no longer order for it, the run fails with its reason
// instead of billing the person. Real route modules (the form reads the order
// through the Admin API), the worker, the app's background Admin client and
// the Shopify stand-in.
import { AppProvider } from "@shopify/polaris";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Temporal } from "temporal-polyfill";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import type { TemplateFormValues } from "~/domain/template-form";
import { TemplateSummary } from "~/components/template/TemplateSummary";
import { polarisTranslations, translator, type Locale } from "~/i18n";
import { I18nProvider } from "~/i18n/react";
import { explainRunFailure } from "~/i18n/run-errors";
import { loader as pageLoader } from "~/routes/app.templates.$id";
import { action as newAction, loader as newLoader } from "~/routes/app.templates.new";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { collectCustomerData, eraseCustomerData } from "~/services/privacy/registry.server";
import { retryRun } from "~/services/templates/retry-run.server";
import { Worker } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { DEMO_COMPANY } from "../../sandbox/shopify/seed-demo-companies";
import { MemoryGateway } from "../helpers/memory-gateway";
import { drain } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const standIn = withShopifyStandIn();
const JB = "gid://shopify/Customer/7410000000104";
const CAMILLE = "gid://shopify/Customer/7410000000101";
const BRASSERIE_NANTES = { companyId: DEMO_COMPANY.brasserie, contactId: DEMO_COMPANY.jbContact, locationId: DEMO_COMPANY.nantes };

beforeEach(async () => {
  standIn().control.reset(); // the seed's companies and no drafts; tokens issued before are forgotten, so are the app's sessions
  standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, ["write_draft_orders"]);
  await prisma.session.deleteMany();
  await prisma.recurringTemplate.deleteMany();
});

const get = (path: string) => adminFetchRequest(path, mintSessionToken(DEMO_SHOP_DOMAIN));
const postJson = (path: string, body: unknown) =>
  adminFetchRequest(path, mintSessionToken(DEMO_SHOP_DOMAIN), { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const anchor = Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days: 2 }).toString();

/** The merchant makes the order recurring on the app's form, paid by Shopify invoice; returns the template's id (and the form's initial values in `formStartedWith`). */
let formStartedWith: TemplateFormValues;
let formCompany: unknown;
async function makeRecurring(orderName: string, change: Partial<TemplateFormValues> = {}): Promise<string> {
  const order = standIn().control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === orderName)!;
  const ready = routeAnswer<{ orderId: string; setup: { initialValues: TemplateFormValues; company: unknown } }>(
    await callRoute(newLoader, get(`/app/templates/new?orderId=${encodeURIComponent(order.id)}`)),
  ).body;
  formStartedWith = ready.setup.initialValues;
  formCompany = ready.setup.company;
  const values = { ...ready.setup.initialValues, anchor, rail: "shopify", ...change };
  const created = routeAnswer(await callRoute(newAction, postJson("/app/templates/new", { orderId: ready.orderId, values })));
  expect(created.status).toBe(302);
  return /\/app\/templates\/([^?/]+)/.exec(created.location ?? "")![1]!;
}

/** The template page's summary as the merchant reads it, in their language (the route's data, rendered by the page's own component). */
async function summaryText(id: string, locale: Locale): Promise<string> {
  const page = routeAnswer<{ template: Parameters<typeof TemplateSummary>[0]["template"] }>(await callRoute(pageLoader, get(`/app/templates/${id}`), { id })).body;
  const html = renderToStaticMarkup(
    createElement(AppProvider, { i18n: polarisTranslations(locale) }, createElement(I18nProvider, { locale, children: createElement(TemplateSummary, { template: page.template }) })),
  );
  return html.replace(/<[^>]+>/g, " ").replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");
}

/** The first period comes and the worker issues it on the Shopify rail. */
async function firstPeriod(templateId: string) {
  const clock = new ManualClock(`${anchor}T12:00:00Z`);
  await drain(new Worker({ gateway: new MemoryGateway(), shopifyGateway: createShopifyRail({ clock }), clock, workerId: "w1", random: () => 0.5, concurrency: 1 }));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId, periodIndex: 0 } });
  const draft = standIn().control.draftOrders(DEMO_SHOP_DOMAIN).find((d) => d.tags.includes(`ritournelle-run-${run.id}`));
  return { clock, run, draft };
}

describe("a template made from a B2B order", () => {
  it("bills the company location: its purchasing company, its addresses and its net 30 terms; the page names the company and the location, in English and French", async () => {
    const id = await makeRecurring("#1013");
    expect(formStartedWith.daysUntilDue).toBe("30"); // the form starts from the location's terms (net 30), not the shop's 14 days
    expect(formCompany).toEqual({ name: "Brasserie du Port", location: "Nantes — Quai de la Fosse" }); // the form says whom it bills
    const stored = JSON.parse((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).customer);
    expect(stored.company).toEqual({ ...BRASSERIE_NANTES, companyName: "Brasserie du Port", locationName: "Nantes — Quai de la Fosse" });

    expect(await summaryText(id, "en")).toContain("Bills the company: Brasserie du Port — Nantes — Quai de la Fosse");
    expect(await summaryText(id, "fr")).toContain("Facture l’entreprise : Brasserie du Port — Nantes — Quai de la Fosse");

    const { run, draft } = await firstPeriod(id);
    expect(run.state).toBe("sent");
    expect(draft!.purchasingCompany).toEqual(BRASSERIE_NANTES);
    expect(draft!.customerId).toBe(JB);
    expect([draft!.billingAddress?.address1, draft!.shippingAddress?.address1, draft!.shippingAddress?.company]).toEqual(["3 quai de la Fosse", "5 rue de la Fosse", "Brasserie du Port"]);
    expect(draft!.paymentTerms?.template.name).toBe("Net 30");
    expect(new Date(draft!.paymentTerms!.issuedAt).toISOString()).toBe(`${run.periodDate}T00:00:00.000Z`);
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === draft!.id)).toHaveLength(1);
  });

  it("takes the template's own due delay over the location's terms; without one (0 days), the location's terms as Shopify has them at the period", async () => {
    const own = await makeRecurring("#1013", { daysUntilDue: "45" });
    const { run, draft } = await firstPeriod(own);
    expect(run.state).toBe("sent");
    expect(draft!.purchasingCompany).toEqual(BRASSERIE_NANTES);
    expect(draft!.paymentTerms?.template.name).toBe("Net 45");

    const none = await makeRecurring("#1013", { daysUntilDue: "0" });
    standIn().control.setCompanyLocationPaymentTerms(DEMO_SHOP_DOMAIN, DEMO_COMPANY.nantes, "gid://shopify/PaymentTermsTemplate/5"); // now net 60
    const second = await firstPeriod(none);
    expect(second.run.state).toBe("sent");
    expect(second.draft!.paymentTerms?.template.name).toBe("Net 60");
  });

  it("leaves a D2C order's template as it was: the customer, their address, no company", async () => {
    const id = await makeRecurring("#1001", { daysUntilDue: "0" });
    expect(formStartedWith.daysUntilDue).toBe("14"); // the shop's default
    expect(formCompany).toBeNull();
    expect(JSON.parse((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).customer).company).toBeUndefined();
    const page = routeAnswer<{ template: { company: unknown } }>(await callRoute(pageLoader, get(`/app/templates/${id}`), { id })).body;
    expect(page.template.company).toBeNull();
    expect(await summaryText(id, "en")).not.toContain("Bills the company");
    const { run, draft } = await firstPeriod(id);
    expect(run.state).toBe("sent");
    expect([draft!.purchasingCompany, draft!.customerId, draft!.paymentTerms]).toEqual([null, CAMILLE, null]);
    expect(draft!.shippingAddress?.address1).toBe("12 rue Oberkampf");
  });
});

describe("when the company location changed in Shopify", () => {
  it("a removed location fails the run with its reason, creating nothing and never billing the contact as a private customer", async () => {
    const id = await makeRecurring("#1013");
    standIn().control.removeCompanyLocation(DEMO_SHOP_DOMAIN, DEMO_COMPANY.nantes);
    const { run, draft } = await firstPeriod(id);
    expect(run).toMatchObject({ state: "failed", lastErrorCode: "shopify_company_location_missing" });
    expect(draft).toBeUndefined();
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
    expect(explainRunFailure(translator("en"), run.lastErrorCode, run.lastErrorMessage).explanation).toContain("no longer exists");
    expect(explainRunFailure(translator("fr"), run.lastErrorCode, run.lastErrorMessage).explanation).toContain("n’existe plus");
  });

  it("a role taken away between the rail's read and draftOrderCreate: Shopify's refusal on the contact's field fails the run with the same reason", async () => {
    const id = await makeRecurring("#1013");
    const execute = standIn().api.execute;
    const api = standIn().api as { execute: typeof execute };
    api.execute = (shop, token, body) => {
      if ((body.query ?? "").includes("draftOrderCreate")) standIn().control.revokeCompanyLocationRole(DEMO_SHOP_DOMAIN, DEMO_COMPANY.jbContact, DEMO_COMPANY.nantes);
      return execute(shop, token, body);
    };
    try {
      const { run } = await firstPeriod(id);
      expect(run).toMatchObject({ state: "failed", lastErrorCode: "shopify_company_contact_not_permitted" });
      expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
    } finally {
      api.execute = execute;
    }
  });

  it("a contact whose role at the location was taken away fails the run; once the role is given back, Retry bills the location", async () => {
    const id = await makeRecurring("#1013");
    standIn().control.revokeCompanyLocationRole(DEMO_SHOP_DOMAIN, DEMO_COMPANY.jbContact, DEMO_COMPANY.nantes);
    const { clock, run } = await firstPeriod(id);
    expect(run).toMatchObject({ state: "failed", lastErrorCode: "shopify_company_contact_not_permitted" });
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
    expect(explainRunFailure(translator("fr"), run.lastErrorCode, null).explanation).toContain("Clients → Entreprises");

    standIn().control.assignCompanyLocationRole(DEMO_SHOP_DOMAIN, DEMO_COMPANY.jbContact, DEMO_COMPANY.nantes, "Location admin"); // the merchant gives it back
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    await retryRun(shop, run.id, { clock });
    await drain(new Worker({ gateway: new MemoryGateway(), shopifyGateway: createShopifyRail({ clock }), clock, workerId: "w1", random: () => 0.5, concurrency: 1 }));
    const retried = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(retried.state).toBe("sent");
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN).map((d) => d.purchasingCompany)).toEqual([BRASSERIE_NANTES]);
  });
});

describe("privacy: the company contact's id is the customer's data", () => {
  it("customers/data_request reports the company location billed with the contact's id; customers/redact erases it from the template and its runs", async () => {
    const id = await makeRecurring("#1013");
    const { clock, run } = await firstPeriod(id);
    expect(run.state).toBe("sent");
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    const subject = { shopifyCustomerId: JB, email: "jb.moreau@example.fr" };
    const report = await prisma.$transaction((tx) => collectCustomerData(shop, subject, clock.nowDate(), tx));
    const [entry] = report.data.recurringTemplates as { customer: { company?: unknown } }[];
    expect(entry!.customer.company).toMatchObject({ contactId: DEMO_COMPANY.jbContact, locationId: DEMO_COMPANY.nantes, companyName: "Brasserie du Port" });

    await prisma.$transaction((tx) => eraseCustomerData(shop.id, subject, clock.nowDate(), tx));
    const template = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } });
    const runs = await prisma.invoiceRun.findMany({ where: { templateId: id } });
    expect(JSON.stringify([template, runs])).not.toContain(DEMO_COMPANY.jbContact);
    expect(JSON.parse(template.customer).company).toBeUndefined();
  });
});
