// Choosing how the customer pays (issue 16, item 1 and item 6): "Stripe
// invoice" or "Shopify invoice", per template on the form (create, edit) and
// the order page's action, shown on the template page, with the shop's
// default in Settings; "Shopify invoice" needs the optional write_draft_orders
// scope, which the server checks with Shopify (the library's scopes.query())
// before anything is saved. Real route modules, real session tokens and token
// exchange against the Shopify stand-in (which answers the scopes query over
// the granted scopes), a real database.
import { randomUUID } from "node:crypto";
import { Temporal } from "temporal-polyfill";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { ValidationError } from "~/domain/errors";
import type { OrderActionError, OrderActionPreview } from "~/domain/order-action-contract";
import type { TemplateFormValues } from "~/domain/template-form";
import { eventText, type EventLabelInput } from "~/components/template/event-labels";
import { translator } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";
import { upsertInstalledShop } from "~/models/shop.server";
import { action as extensionAction, loader as extensionLoader } from "~/routes/api.extension.orders.$orderId";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { loader as pageLoader } from "~/routes/app.templates.$id";
import { action as editAction, loader as editLoader } from "~/routes/app.templates.$id_.edit";
import { action as newAction, loader as newLoader } from "~/routes/app.templates.new";
import { action as shopifyTotalAction } from "~/routes/app.templates.shopify-total";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import type { ShopifyTotalPreview } from "~/services/templates/shopify-total-preview.server";
import { createTemplate } from "~/services/templates/create.server";
import { editTemplate } from "~/services/templates/edit.server";
import { Worker } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "../../sandbox/shopify";
import { MemoryGateway } from "../helpers/memory-gateway";
import { drain, templateInput } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const standIn = withShopifyStandIn();
const RAIL_SCOPES = ["write_draft_orders"];

beforeEach(async () => {
  // Each test starts from a shop that never granted the rail's scope.
  standIn().control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
  standIn().control.revokeOptionalScopes(OTHER_SHOP_DOMAIN, RAIL_SCOPES);
  await prisma.recurringTemplate.deleteMany();
});

const get = (path: string) => adminFetchRequest(path, mintSessionToken(DEMO_SHOP_DOMAIN));
const postJson = (path: string, body: unknown) =>
  adminFetchRequest(path, mintSessionToken(DEMO_SHOP_DOMAIN), { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const postForm = (path: string, fields: Record<string, string>) => adminFetchRequest(path, mintSessionToken(DEMO_SHOP_DOMAIN), { method: "POST", body: new URLSearchParams(fields) });

const answer = routeAnswer;

function orderGid(name: string): string {
  const order = standIn().control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === name);
  if (!order) throw new Error(`no ${name}`);
  return order.id;
}

const inParis = (days: number) => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();

type Ready = { state: "ready"; orderId: string; shopifyRailGranted: boolean; setup: { initialValues: TemplateFormValues } };

async function newForm(name = "#1001"): Promise<Ready> {
  const loaded = answer<Ready>(await callRoute(newLoader, get(`/app/templates/new?orderId=${encodeURIComponent(orderGid(name))}`)));
  expect(loaded.body.state).toBe("ready");
  return loaded.body;
}

async function submitNew(ready: Ready, change: Partial<TemplateFormValues>) {
  const values = { ...ready.setup.initialValues, anchor: inParis(2), ...change };
  return answer<{ errors: Record<string, string> }>(await callRoute(newAction, postJson("/app/templates/new", { orderId: ready.orderId, values })));
}

const templateIdOf = (location: string | null) => /\/app\/templates\/([^?/]+)/.exec(location ?? "")?.[1] ?? "";

describe("the template form: how the customer pays", () => {
  it("refuses Shopify invoice until the shop grants draft orders, saying so in English and French; then creates it on that rail and the page shows it", async () => {
    const ready = await newForm();
    expect(ready.setup.initialValues.rail).toBe("stripe"); // the shop's default
    expect(ready.shopifyRailGranted).toBe(false); // the form asks for the permission when Shopify is chosen

    const refused = await submitNew(ready, { rail: "shopify" });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({ rail: "rail_scope_missing" });
    expect(await prisma.recurringTemplate.count()).toBe(0);
    expect(fieldErrorText(translator("en"), "en", "rail_scope_missing")).toContain("Grant access");
    expect(fieldErrorText(translator("fr"), "fr", "rail_scope_missing")).toContain("Accordez l’accès");

    // The merchant grants it in the admin's permission modal (App Bridge's Scopes API).
    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    expect((await newForm()).shopifyRailGranted).toBe(true);
    const created = await submitNew(ready, { rail: "shopify" });
    expect(created.status).toBe(302);
    const id = templateIdOf(created.location);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).rail).toBe("shopify");
    const page = answer<{ template: { rail: string } }>(await callRoute(pageLoader, get(`/app/templates/${id}`), { id }));
    expect(page.body.template.rail).toBe("shopify");
  });

  it("refuses Shopify invoice for an order in another currency than the store's (drafts are issued in the store's currency), naming the field; Stripe still takes it", async () => {
    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    const ready = await newForm();
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    const orderCurrency = standIn().control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === "#1001")!.currencyCode;
    await prisma.shop.update({ where: { id: shop.id }, data: { currency: orderCurrency === "USD" ? "CAD" : "USD" } });
    try {
      const refused = await submitNew(ready, { rail: "shopify" });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual({ rail: "rail_currency_unsupported" });
      expect(await prisma.recurringTemplate.count()).toBe(0);
      expect(fieldErrorText(translator("en"), "en", "rail_currency_unsupported")).toContain("Choose Stripe invoice");
      expect(fieldErrorText(translator("fr"), "fr", "rail_currency_unsupported")).toContain("Choisissez la facture Stripe");
      expect((await submitNew(ready, { rail: "stripe" })).status).toBe(302);
    } finally {
      await prisma.shop.update({ where: { id: shop.id }, data: { currency: shop.currency } });
    }
  });

  it("keeps Stripe invoices working without asking anything: no permission needed, the template is on Stripe", async () => {
    const ready = await newForm();
    const created = await submitNew(ready, { rail: "stripe" });
    expect(created.status).toBe(302);
    expect((await prisma.recurringTemplate.findFirstOrThrow()).rail).toBe("stripe");
    // A caller that leaves the choice out gets the shop's default.
    const { rail: _rail, ...withoutRail } = ready.setup.initialValues;
    const defaulted = answer(await callRoute(newAction, postJson("/app/templates/new", { orderId: ready.orderId, values: { ...withoutRail, anchor: inParis(3) } })));
    expect(defaulted.status).toBe(302);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateIdOf(defaulted.location) } })).rail).toBe("stripe");
  });

  it("edits the rail: switching to Shopify asks for the permission first; a template already on Shopify is not asked again", async () => {
    const created = await submitNew(await newForm(), { rail: "stripe" });
    const id = templateIdOf(created.location);
    const edit = answer<{ initialValues: TemplateFormValues; shopifyRailGranted: boolean }>(await callRoute(editLoader, get(`/app/templates/${id}/edit`), { id })).body;
    expect(edit.initialValues.rail).toBe("stripe");
    expect(edit.shopifyRailGranted).toBe(false);

    const refused = answer<{ errors: Record<string, string> }>(await callRoute(editAction, postJson(`/app/templates/${id}/edit`, { values: { ...edit.initialValues, rail: "shopify" } }), { id }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({ rail: "rail_scope_missing" });
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).rail).toBe("stripe");

    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    const saved = answer(await callRoute(editAction, postJson(`/app/templates/${id}/edit`, { values: { ...edit.initialValues, rail: "shopify" } }), { id }));
    expect(saved.status).toBe(302);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).rail).toBe("shopify");

    // Revoked later: editing anything else on a Shopify template still saves (its runs would say what to do).
    standIn().control.revokeOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    const again = answer<{ initialValues: TemplateFormValues }>(await callRoute(editLoader, get(`/app/templates/${id}/edit`), { id })).body;
    expect(again.initialValues.rail).toBe("shopify");
    const memo = answer(await callRoute(editAction, postJson(`/app/templates/${id}/edit`, { values: { ...again.initialValues, memo: "Merci !" } }), { id }));
    expect(memo.status).toBe(302);

    // Back to Stripe needs nothing.
    const back = answer(await callRoute(editAction, postJson(`/app/templates/${id}/edit`, { values: { ...again.initialValues, rail: "stripe" } }), { id }));
    expect(back.status).toBe(302);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).rail).toBe("stripe");
  });

  it("refuses a rail that is not one, naming the field", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    const error = await createTemplate(shop, { ...templateInput(), rail: "paypal" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toMatchObject({ rail: { code: "rail_invalid" } });
    expect(await prisma.recurringTemplate.count()).toBe(0);
    const ready = await newForm();
    const posted = answer(await callRoute(newAction, postJson("/app/templates/new", { orderId: ready.orderId, values: { ...ready.setup.initialValues, rail: "paypal" } })));
    expect(posted.status).toBe(400);
  });
});

describe("a change of rail applies from the next period", () => {
  it("a run already planned keeps its rail; the next period is planned and issued on the new one", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await upsertInstalledShop("rail-switch.myshopify.com", { timeZone: "Europe/Paris", currency: "EUR" }, clock.nowDate());
    const template = await createTemplate(shop, templateInput(), { clock });
    expect(template.rail).toBe("stripe");
    const stripe = new MemoryGateway();
    const shopify = new MemoryGateway();
    const worker = new Worker({ gateway: stripe, shopifyGateway: shopify, clock, workerId: "w1", random: () => 0.5, concurrency: 1 });

    // Period 0 comes: Stripe is not connected, so its run is planned and waits.
    clock.set("2026-01-15T08:30:00Z");
    await drain(worker);
    const [first] = await prisma.invoiceRun.findMany({ where: { templateId: template.id } });
    expect(first).toMatchObject({ periodIndex: 0, state: "planned" });

    await editTemplate(shop, template.id, { rail: "shopify" }, { clock });
    const kept = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: first!.id } });
    expect(JSON.parse(kept.snapshot).rail).toBeUndefined(); // still a Stripe invoice

    // Period 1 comes: planned on the Shopify rail, issued through it (no Stripe connection needed).
    clock.set("2026-02-15T08:30:00Z");
    await drain(worker);
    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    expect(runs.map((run) => [run.periodIndex, run.state, JSON.parse(run.snapshot).rail ?? "stripe"])).toEqual([
      [0, "planned", "stripe"],
      [1, "sent", "shopify"],
    ]);
    expect(stripe.ledger()).toEqual([]); // Stripe heard nothing
    expect(shopify.invoices()).toHaveLength(1);
  });
});

describe("settings: the shop's default rail", () => {
  it("is Stripe; Shopify as the default needs the permission; new templates then start on it", async () => {
    const loaded = answer<{ settings: { defaultRail: string }; shopifyRailGranted: boolean }>(await callRoute(settingsLoader, get("/app/settings"))).body;
    expect(loaded.settings.defaultRail).toBe("stripe");
    expect(loaded.shopifyRailGranted).toBe(false);
    const fields = { daysUntilDue: "14", timeOfDay: "09:00", catchUp: "all", defaultRail: "shopify" };

    const refused = answer<{ errors: Record<string, string> }>(await callRoute(settingsAction, postForm("/app/settings", fields)));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({ defaultRail: "rail_scope_missing" });
    const invalid = answer<{ errors: Record<string, string> }>(await callRoute(settingsAction, postForm("/app/settings", { ...fields, defaultRail: "cash" })));
    expect(invalid.body.errors).toEqual({ defaultRail: "rail_invalid" });

    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    expect(answer<{ ok: boolean }>(await callRoute(settingsAction, postForm("/app/settings", fields))).body.ok).toBe(true);
    expect((await newForm()).setup.initialValues.rail).toBe("shopify");
    // Back to Stripe for the other tests of this file.
    expect(answer<{ ok: boolean }>(await callRoute(settingsAction, postForm("/app/settings", { ...fields, defaultRail: "stripe" }))).body.ok).toBe(true);
  });
});

describe("the order page's action", () => {
  const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
  const numericId = (gid: string) => gid.split("/").pop()!;
  function extensionRequest(pathname: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("Origin", EXTENSION_ORIGIN);
    return adminFetchRequest(pathname, mintSessionToken(DEMO_SHOP_DOMAIN), { ...init, headers });
  }
  async function call(fn: typeof extensionLoader | typeof extensionAction, request: Request, orderId: string) {
    const response = (await callRoute(fn, request, { orderId })) as Response;
    return { status: response.status, body: (await response.json()) as unknown };
  }
  const create = (gid: string, body: unknown, locale = "en") =>
    call(
      extensionAction,
      extensionRequest(`/api/extension/orders/${numericId(gid)}?locale=${locale}`, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      numericId(gid),
    );

  it("offers both rails with the shop's default; Shopify without the permission sends the merchant to the full form, in their language", async () => {
    const gid = orderGid("#1001");
    const preview = (await call(extensionLoader, extensionRequest(`/api/extension/orders/${numericId(gid)}`), numericId(gid))).body as OrderActionPreview;
    expect(preview.rails).toEqual({ choices: ["stripe", "shopify"], default: "stripe", shopifyGranted: false });

    const request = { idempotencyKey: randomUUID(), frequency: "monthly", anchor: inParis(5), rail: "shopify" };
    const refused = await create(gid, request, "fr");
    expect(refused.status).toBe(400);
    const body = refused.body as OrderActionError;
    expect(body.error).toBe("invalid_input");
    expect(body.fieldErrors?.rail).toBe(fieldErrorText(translator("fr"), "fr", "rail_scope_missing"));
    expect(body.message).toBe(translator("fr")("orderAction.error.openForm"));
    expect(await prisma.recurringTemplate.count()).toBe(0);

    const wrong = (await create(gid, { ...request, idempotencyKey: randomUUID(), rail: "wire" })).body as OrderActionError;
    expect(wrong.fieldErrors).toEqual({ rail: translator("en")("orderAction.error.rail_invalid") });

    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    const created = await create(gid, { ...request, idempotencyKey: randomUUID() });
    expect(created.status).toBe(201);
    expect((await prisma.recurringTemplate.findFirstOrThrow()).rail).toBe("shopify");
  });
});

describe("the form's preview on the Shopify rail: Shopify's own total beside the template's", () => {
  const shopifyTotal = async (shop: string, source: unknown, values: unknown) =>
    answer<ShopifyTotalPreview>(
      await callRoute(
        shopifyTotalAction,
        adminFetchRequest("/app/templates/shopify-total", mintSessionToken(shop), { method: "POST", body: JSON.stringify({ source, values }), headers: { "Content-Type": "application/json" } }),
      ),
    ).body;

  it("asks Shopify (draftOrderCalculate, nothing created) for the form as typed; agrees on French VAT; needs the permission first", async () => {
    const ready = await newForm("#1001");
    const values = { ...ready.setup.initialValues, anchor: inParis(2), rail: "shopify" };
    expect(await shopifyTotal(DEMO_SHOP_DOMAIN, { orderId: ready.orderId }, values)).toEqual({ state: "scope_missing" });

    standIn().control.grantOptionalScopes(DEMO_SHOP_DOMAIN, RAIL_SCOPES);
    const preview = await shopifyTotal(DEMO_SHOP_DOMAIN, { orderId: ready.orderId }, values);
    expect(preview).toMatchObject({ state: "ready", comparison: { currency: "EUR", difference: 0 } });
    const { comparison } = preview as Extract<ShopifyTotalPreview, { state: "ready" }>;
    expect(comparison.shopify).toBe(comparison.ours);
    // A quantity typed into the form is what Shopify is asked about.
    const doubled = { ...values, lines: values.lines.map((line, index) => (index === 0 ? { ...line, quantity: String(Number(line.quantity) * 2) } : line)) };
    const more = (await shopifyTotal(DEMO_SHOP_DOMAIN, { orderId: ready.orderId }, doubled)) as Extract<ShopifyTotalPreview, { state: "ready" }>;
    expect(more.comparison.shopify).toBeGreaterThan(comparison.shopify);
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
    // A field not valid yet: nothing to compare, no call.
    expect(await shopifyTotal(DEMO_SHOP_DOMAIN, { orderId: ready.orderId }, { ...values, customerEmail: "not-an-address" })).toEqual({ state: "incomplete" });
  });

  it("explains a difference before saving (New York's three taxes, each rounded, against one 8.875 % rate), and the run records Shopify's total", async () => {
    const clock = new ManualClock("2026-01-10T15:00:00Z");
    const shop = await upsertInstalledShop(OTHER_SHOP_DOMAIN, { timeZone: "America/New_York", currency: "USD" }, clock.nowDate());
    const template = await createTemplate(
      shop,
      templateInput({
        sourceOrderId: "gid://shopify/Order/2001",
        currency: "USD",
        customer: { name: "Client", email: "client@example.com", address: { line1: "1 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" } },
        lines: [{ title: "Service", quantity: 2, unitAmount: 1010, taxLines: [{ title: "NY", ratePercent: "8.875" }] }],
        taxesIncluded: false,
        shipping: null,
        schedule: { every: 1, unit: "month", anchor: "2026-01-15", timeOfDay: "09:00", timeZone: "America/New_York" },
        rail: "shopify",
      }),
      { clock },
    );
    standIn().control.grantOptionalScopes(OTHER_SHOP_DOMAIN, RAIL_SCOPES);
    const edit = answer<{ initialValues: TemplateFormValues }>(
      await callRoute(editLoader, adminFetchRequest(`/app/templates/${template.id}/edit`, mintSessionToken(OTHER_SHOP_DOMAIN)), { id: template.id }),
    ).body;
    const preview = await shopifyTotal(OTHER_SHOP_DOMAIN, { templateId: template.id }, edit.initialValues);
    // 20.20 × 8.875 % = 1.79 in one rate; Shopify: 0.81 + 0.91 + 0.08 = 1.80.
    expect(preview).toEqual({ state: "ready", comparison: { currency: "USD", ours: 2199, shopify: 2200, difference: 1, shopifyTax: 180 } });
    // What the merchant reads beside the preview, in English and in French.
    const words = { shopify: "$22.00", ours: "$21.99", difference: "$0.01", tax: "$1.80" };
    expect(translator("en")("form.preview.shopify.more", words)).toBe("Shopify will charge $22.00: $0.01 more than this recurring invoice's $21.99");
    expect(translator("fr")("form.preview.shopify.more", words)).toContain("0.01 de plus");
    // Another shop cannot ask about this template.
    expect(await shopifyTotal(DEMO_SHOP_DOMAIN, { templateId: template.id }, edit.initialValues)).toEqual({ state: "incomplete" });

    // The period comes: the draft is created on Shopify, and the run records Shopify's total, which the page shows.
    clock.set("2026-01-15T15:00:00Z");
    const worker = new Worker({ gateway: new MemoryGateway(), shopifyGateway: createShopifyRail({ clock }), clock, workerId: "w1", random: () => 0.5, concurrency: 1 });
    await drain(worker);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", expectedTotal: 2199, invoicedTotal: 2200 });
    const page = answer<{ runs: { amount: number }[]; events: EventLabelInput[] }>(
      await callRoute(pageLoader, adminFetchRequest(`/app/templates/${template.id}`, mintSessionToken(OTHER_SHOP_DOMAIN)), { id: template.id }),
    ).body;
    expect(page.runs.map((r) => r.amount)).toEqual([2200]);
    // The trail names Shopify, not Stripe, for this run's provider steps.
    const trail = page.events.map((event) => eventText(translator("fr"), event));
    expect(trail).toContain("Commande provisoire créée dans Shopify");
    expect(trail.join("\n")).not.toContain("Stripe");
  });
});
