// The API the order page's "Make recurring" admin action calls
// (app/routes/api.extension.orders.$orderId.ts), through its real route
// module: requests as an admin UI extension sends them — cross-origin from
// Shopify's extension CDN, `Authorization: Bearer <session token>` — with
// token exchange and every Admin call against the Shopify stand-in and its
// seeded orders, and a real SQLite database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import prisma from "~/db.server";
import type { OrderActionCreated, OrderActionError, OrderActionPreview } from "~/domain/order-action-contract";
import { action, loader } from "~/routes/api.extension.orders.$orderId";
import { action as newTemplateAction, loader as newTemplateLoader } from "~/routes/app.templates.new";
import type { TemplateFormValues } from "~/domain/template-form";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN } from "../../sandbox/shopify";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const shopifyStandIn = withShopifyStandIn();


// Admin UI extensions are served from Shopify's CDN: every call to the app is cross-origin.
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

function orderGid(shop: string, name: string): string {
  const order = shopifyStandIn().control.orders(shop).find((o) => o.name === name);
  if (!order) throw new Error(`no ${name} in ${shop}`);
  return order.id;
}

const numericId = (gid: string) => gid.split("/").pop()!;
const path = (gid: string, locale?: string) => `/api/extension/orders/${numericId(gid)}${locale ? `?locale=${locale}` : ""}`;

/** A request as the admin sends it for an extension: its Origin, and the session token unless `token` is null. */
function extensionRequest(pathname: string, init: RequestInit & { token?: string | null; shop?: string } = {}) {
  const { token, shop = DEMO_SHOP_DOMAIN, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set("Origin", EXTENSION_ORIGIN);
  return adminFetchRequest(pathname, token === undefined ? mintSessionToken(shop) : token, { ...rest, headers });
}

async function call(fn: typeof loader | typeof action, request: Request, orderId: string) {
  const answer = await callRoute(fn, request, { orderId });
  if (!(answer instanceof Response)) throw new Error(`the route answered without a Response: ${JSON.stringify(answer)}`);
  const text = await answer.text();
  return { status: answer.status, headers: answer.headers, body: text ? (JSON.parse(text) as unknown) : null };
}

const preview = (gid: string, init: Parameters<typeof extensionRequest>[1] = {}, locale?: string) =>
  call(loader, extensionRequest(path(gid, locale), init), numericId(gid));

const create = (gid: string, body: unknown, init: Parameters<typeof extensionRequest>[1] = {}, locale?: string) =>
  call(
    action,
    extensionRequest(path(gid, locale), { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, ...init }),
    numericId(gid),
  );

const inParis = (days: number) => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();
const key = () => randomUUID();

describe("preview (GET)", () => {
  it("shows the order as its recurring invoice: customer, lines, total, the shop's defaults, readable cross-origin", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1001");
    const answer = await preview(gid);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = answer.body as OrderActionPreview;
    expect(body.order).toEqual({ id: gid, name: "#1001", currency: "EUR" });
    expect(body.customer).toEqual({ name: "Camille Dubois", email: "camille.dubois@example.fr" });
    expect(body.lines.map((line) => line.description)).toHaveLength(3); // two products and the shipping
    expect(body.invoiceTotal).toMatch(/^€\d+\.\d{2}$/);
    expect(body.defaults).toEqual({
      frequency: "monthly",
      anchor: Temporal.PlainDate.from(inParis(0)).add({ months: 1 }).toString(),
    });
    expect(body.today).toBe(inParis(0));
    expect(body.terms).toEqual({ timeOfDay: "09:00", timeZone: "Europe/Paris", daysUntilDue: 14 });
    expect(body.frequencies).toContain("biweekly");
    expect(body.formPath).toBe(`/app/templates/new?orderId=${encodeURIComponent(gid)}`);
  });

  it("speaks the language the extension asks for", async () => {
    const body = (await preview(orderGid(DEMO_SHOP_DOMAIN, "#1001"), {}, "fr")).body as OrderActionPreview;
    expect(body.invoiceTotal).toMatch(/^\d+,\d{2}\u00a0€$/);
  });

  it("refuses, saying what to fix, an order without e-mail or without customer", async () => {
    const noEmail = await preview(orderGid(DEMO_SHOP_DOMAIN, "#1006"));
    expect(noEmail.status).toBe(422);
    expect(noEmail.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(noEmail.body).toEqual({
      error: "order_refused",
      message:
        "The customer of order #1006 has no e-mail address, and invoices are sent by e-mail. Add an e-mail address to the customer in Shopify, then try again.",
    });
    const inFrench = (await preview(orderGid(DEMO_SHOP_DOMAIN, "#1006"), {}, "fr")).body as OrderActionError;
    expect(inFrench.message).toMatch(/^Le client de la commande #1006 n’a pas d’adresse e-mail/);

    const noCustomer = await preview(orderGid(DEMO_SHOP_DOMAIN, "#1016"));
    expect(noCustomer).toMatchObject({ status: 422, body: { error: "order_refused", message: expect.stringMatching(/#1016 has no customer/) } });
  });

  it("answers 404 for another shop's order, 400 for something that is not an order id", async () => {
    const otherShops = await preview(orderGid(OTHER_SHOP_DOMAIN, "#1001"));
    expect(otherShops).toMatchObject({ status: 404, body: { error: "order_not_found" } });
    const notAnId = await call(loader, extensionRequest("/api/extension/orders/not-an-order"), "not-an-order");
    expect(notAnId).toMatchObject({ status: 400, body: { error: "invalid_input", fieldErrors: { orderId: expect.any(String) } } });
  });
});

describe("create (POST)", () => {
  it("creates the template with the order's lines and the chosen schedule", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1001");
    const shown = (await preview(gid)).body as OrderActionPreview;
    const answer = await create(gid, { idempotencyKey: key(), frequency: "biweekly", anchor: inParis(3) });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const created = answer.body as OrderActionCreated;
    expect(created.templatePath).toBe(`/app/templates/${created.templateId}`);
    expect(created.message).toMatch(/^First invoice: [A-Z][a-z]{2} \d{1,2}, \d{4}\. Frequency: Every 2 weeks\.$/);

    const row = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: created.templateId } });
    expect(row).toMatchObject({
      sourceOrderId: gid,
      currency: "EUR",
      scheduleEvery: 2,
      scheduleUnit: "week",
      scheduleAnchor: inParis(3),
      scheduleTimeOfDay: "09:00",
      scheduleTimeZone: "Europe/Paris",
      status: "active",
      customerEmail: "camille.dubois@example.fr",
    });
    const lines = JSON.parse(row.lines) as { title: string; unitAmount: number }[];
    expect(lines.map((line) => line.unitAmount)).toEqual([4900, 2990]);
    // The total the action showed is the total each invoice will have.
    const shopRow = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    expect(row.shopId).toBe(shopRow.id);
    expect(shown.invoiceTotal).toBe(`€${(row.periodTotal / 100).toFixed(2)}`);
  });

  it("makes the very template the app's form makes with the same frequency and date", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1007");
    const fromAction = (await create(gid, { idempotencyKey: key(), frequency: "quarterly", anchor: inParis(5) })).body as OrderActionCreated;

    const formRequest = (pathname: string, init?: RequestInit) => adminFetchRequest(pathname, mintSessionToken(DEMO_SHOP_DOMAIN), init);
    const ready = (await callRoute(newTemplateLoader, formRequest(`/app/templates/new?orderId=${encodeURIComponent(gid)}`))) as {
      setup: { initialValues: TemplateFormValues };
    };
    const values: TemplateFormValues = { ...ready.setup.initialValues, frequency: "quarterly", anchor: inParis(5) };
    const redirect = (await callRoute(
      newTemplateAction,
      formRequest("/app/templates/new", { method: "POST", body: JSON.stringify({ orderId: gid, values }), headers: { "Content-Type": "application/json" } }),
    )) as Response;
    const fromFormId = /\/app\/templates\/([^?/]+)/.exec(redirect.headers.get("location") ?? "")?.[1];

    const comparable = async (id: string) => {
      const { id: _id, createdAt: _c, updatedAt: _u, activeSince: _a, ...rest } = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } });
      return rest;
    };
    expect(await comparable(fromAction.templateId)).toEqual(await comparable(fromFormId!));
  });

  it("creates one template for a repeated key (double click, retry after a lost answer), and answers the same", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1003");
    const body = { idempotencyKey: key(), frequency: "monthly", anchor: inParis(2) };
    const before = await prisma.recurringTemplate.count({ where: { sourceOrderId: gid } });

    // Two clicks in flight at once, then a third after both answered.
    const [first, second] = await Promise.all([create(gid, body), create(gid, body)]);
    const third = await create(gid, body);
    for (const answer of [first, second, third]) expect(answer.status).toBe(201);
    const ids = [first, second, third].map((answer) => (answer.body as OrderActionCreated).templateId);
    expect(new Set(ids).size).toBe(1);
    expect(await prisma.recurringTemplate.count({ where: { sourceOrderId: gid } })).toBe(before + 1);
    expect(await prisma.runEvent.count({ where: { templateId: ids[0], type: "template.created" } })).toBe(1);

    // A new opening of the action (a new key) is a new template.
    const again = await create(gid, { ...body, idempotencyKey: key() });
    expect((again.body as OrderActionCreated).templateId).not.toBe(ids[0]);

    // A key reused for another order is refused, not answered with this order's template.
    const misused = await create(orderGid(DEMO_SHOP_DOMAIN, "#1004"), body);
    expect(misused).toMatchObject({ status: 400, body: { error: "invalid_input", fieldErrors: { idempotencyKey: expect.any(String) } } });
  });

  it("answers 400 naming each bad field, in the merchant's language, and creates nothing", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1002");
    const before = await prisma.recurringTemplate.count();

    const shape = await create(gid, { idempotencyKey: "short", frequency: "fortnightly", anchor: "next tuesday" });
    expect(shape.status).toBe(400);
    expect(shape.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(shape.body).toEqual({
      error: "invalid_input",
      message: "Check the highlighted fields, then try again.",
      fieldErrors: {
        idempotencyKey: "This request carries no valid key. Close this window and open it again.",
        frequency: "Choose one of the frequencies in the list.",
        anchor: "Enter a valid date.",
      },
    });

    const past = await create(gid, { idempotencyKey: key(), frequency: "monthly", anchor: inParis(-1) });
    expect(past).toMatchObject({ status: 400, body: { fieldErrors: { anchor: "Choose today or a later date." } } });
    const pastInFrench = await create(gid, { idempotencyKey: key(), frequency: "monthly", anchor: inParis(-1) }, {}, "fr");
    expect(pastInFrench.body).toMatchObject({ message: "Vérifiez les champs signalés, puis réessayez.", fieldErrors: { anchor: "Choisissez aujourd’hui ou une date ultérieure." } });

    const impossibleDate = await create(gid, { idempotencyKey: key(), frequency: "monthly", anchor: "2026-02-30" });
    expect(impossibleDate).toMatchObject({ status: 400, body: { fieldErrors: { anchor: "Enter a valid date." } } });

    const notJson = await call(
      action,
      extensionRequest(path(gid), { method: "POST", body: "frequency=monthly", headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
      numericId(gid),
    );
    expect(notJson).toMatchObject({ status: 400, body: { fieldErrors: { body: expect.any(String) } } });

    expect(await prisma.recurringTemplate.count()).toBe(before);
  });

  it("refuses an order that cannot recur, and another shop's order as not found", async () => {
    const before = await prisma.recurringTemplate.count();
    const noEmail = await create(orderGid(DEMO_SHOP_DOMAIN, "#1006"), { idempotencyKey: key(), frequency: "monthly", anchor: inParis(2) });
    expect(noEmail).toMatchObject({ status: 422, body: { error: "order_refused" } });
    const otherShops = await create(orderGid(OTHER_SHOP_DOMAIN, "#1001"), { idempotencyKey: key(), frequency: "monthly", anchor: inParis(2) });
    expect(otherShops).toMatchObject({ status: 404, body: { error: "order_not_found" } });
    expect(await prisma.recurringTemplate.count()).toBe(before);
  });
});

describe("authentication and CORS", () => {
  it("answers the CORS preflight for the extension's POST", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1001");
    const preflight = await call(
      action,
      extensionRequest(path(gid), {
        method: "OPTIONS",
        token: null,
        headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
      }),
      numericId(gid),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const allowed = (preflight.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type"]));
  });

  it("answers 401, readable by the extension, without a token or with a token Shopify did not sign for this app", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1001");
    const before = await prisma.recurringTemplate.count();
    const cases = [
      { name: "no token", token: null },
      { name: "wrong secret", token: mintSessionToken(DEMO_SHOP_DOMAIN, { secret: "not-the-app-secret" }) },
      { name: "another app's token", token: mintSessionToken(DEMO_SHOP_DOMAIN, { apiKey: "another-app" }) },
      { name: "expired", token: mintSessionToken(DEMO_SHOP_DOMAIN, { expiresInSeconds: -120 }) },
      { name: "garbage", token: "not.a.jwt" },
    ];
    for (const { name, token } of cases) {
      const read = await preview(gid, { token });
      expect({ name, status: read.status, cors: read.headers.get("Access-Control-Allow-Origin"), body: read.body }).toEqual({
        name,
        status: 401,
        cors: "*",
        body: { error: "unauthorized", message: "Your Shopify session could not be verified. Close this window and open it again." },
      });
      const write = await create(gid, { idempotencyKey: key(), frequency: "monthly", anchor: inParis(2) }, { token }, "fr");
      expect({ name, status: write.status, body: write.body }).toEqual({
        name,
        status: 401,
        body: { error: "unauthorized", message: "Votre session Shopify n’a pas pu être vérifiée. Fermez cette fenêtre et rouvrez-la." },
      });
    }
    expect(await prisma.recurringTemplate.count()).toBe(before);
  });

  it("refuses other methods with 405", async () => {
    const gid = orderGid(DEMO_SHOP_DOMAIN, "#1001");
    const answer = await call(action, extensionRequest(path(gid), { method: "DELETE" }), numericId(gid));
    expect(answer).toMatchObject({ status: 405, body: { error: "method_not_allowed" } });
    expect(answer.headers.get("Allow")).toBe("GET, POST, OPTIONS");
  });
});
