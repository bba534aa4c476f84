// An invoice must ask for something: a template whose invoice totals zero is
// refused, with a field error in the merchant's words, on every way a
// template is made or changed (the templates service's create and edit, the
// "Make recurring" page's form, the order page's quick action), before
// anything is stored and so before any Stripe call. (The form's own check is
// in tests/unit/zero-total-form.test.ts; runs of templates saved before the
// rule, in zero-total-pipeline.test.ts.)
import { withShopifyStandIn } from "../helpers/shopify-stand-in";
import { randomUUID } from "node:crypto";
import { Temporal } from "temporal-polyfill";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { ValidationError } from "~/domain/errors";
import type { OrderActionError } from "~/domain/order-action-contract";
import type { TemplateFormValues } from "~/domain/template-form";
import { action as extensionAction } from "~/routes/api.extension.orders.$orderId";
import { action as newTemplateAction, loader as newTemplateLoader } from "~/routes/app.templates.new";
import { createTemplate } from "~/services/templates/create.server";
import { editTemplate } from "~/services/templates/edit.server";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { createShop, templateInput } from "../helpers/recurring";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";

const shopifyStandIn = withShopifyStandIn();

/** A free sample, shipped free: an order the quick action would make a template of nothing from. */
let zeroTotalOrderId: string;
beforeAll(async () => {
  // Before any token exchange of the app's: the seed's token is the shop's until the app's first exchange replaces it.
  zeroTotalOrderId = await zeroTotalOrder();
});

const ZERO_LINE = { title: "Échantillon offert", quantity: 1, unitAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] };

async function refusal(action: Promise<unknown>): Promise<ValidationError> {
  const error = await action.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("the templates service", () => {
  it("refuses to create a template whose invoice totals zero, on its lines, and stores nothing", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    // A free sample, shipped free: nothing to ask for.
    const error = await refusal(createTemplate(shop, templateInput({ lines: [ZERO_LINE], shipping: null }), { clock }));
    expect(error.problems).toEqual({ lines: expect.objectContaining({ code: "total_not_positive" }) });
    expect(error.fieldErrors.lines).toContain("must ask for more than zero");
    // A discount of the whole line is no different.
    const discounted = { ...ZERO_LINE, unitAmount: 2490, discountAmount: 2490 };
    expect((await refusal(createTemplate(shop, templateInput({ lines: [discounted], shipping: null }), { clock }))).problems).toMatchObject({
      lines: { code: "total_not_positive" },
    });
    expect(await prisma.recurringTemplate.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("refuses an edit that makes the invoice total zero, and leaves the template and its planned runs as they were", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });

    const error = await refusal(editTemplate(shop, template.id, { lines: [ZERO_LINE], shipping: null }, { clock }));
    expect(error.problems).toMatchObject({ lines: { code: "total_not_positive" } });
    const stored = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } });
    expect(stored).toMatchObject({ periodTotal: template.periodTotal, lines: JSON.stringify(template.lines) });
    expect(await prisma.runEvent.count({ where: { templateId: template.id, type: "template.edited" } })).toBe(0);
  });
});

describe("the merchant's surfaces", () => {
  it("the Make recurring page refuses the form with every price at zero (422, the lines' field error) and stores nothing", async () => {
    const gid = orderGid("#1002"); // no shipping line: the lines are the whole invoice
    const formRequest = (pathname: string, init?: RequestInit) => adminFetchRequest(pathname, mintSessionToken(DEMO_SHOP_DOMAIN), init);
    const ready = (await callRoute(newTemplateLoader, formRequest(`/app/templates/new?orderId=${encodeURIComponent(gid)}`))) as {
      setup: { initialValues: TemplateFormValues };
    };
    const before = await prisma.recurringTemplate.count();
    const values: TemplateFormValues = {
      ...ready.setup.initialValues,
      anchor: inParis(3),
      lines: ready.setup.initialValues.lines.map((line) => ({ ...line, unitPrice: "0", discount: "0" })),
    };
    const answer = await callRoute(
      newTemplateAction,
      formRequest("/app/templates/new", { method: "POST", body: JSON.stringify({ orderId: gid, values }), headers: { "Content-Type": "application/json" } }),
    );
    expect(answer).toMatchObject({ data: { refusal: null, errors: { lines: "total_not_positive" } }, init: { status: 422 } });
    expect(await prisma.recurringTemplate.count()).toBe(before);
  });

  it("the order page's quick action refuses an order that totals zero: 400 naming the lines, in the merchant's language, and creates nothing", async () => {
    const gid = zeroTotalOrderId;
    const before = await prisma.recurringTemplate.count();

    const english = await quickCreate(gid, "en");
    expect(english.status).toBe(400);
    expect(english.body).toEqual({
      error: "invalid_input",
      message: "This order needs changes that this quick action cannot make. Use “Edit all details” to open the full form.",
      fieldErrors: { lines: "This invoice totals zero: a recurring invoice must ask for an amount. Check the prices and discounts of the lines." },
    });
    const french = await quickCreate(gid, "fr");
    expect(french.body).toMatchObject({
      fieldErrors: { lines: "Cette facture a un total nul : une facture récurrente doit demander un montant. Vérifiez les prix et remises des lignes." },
    });
    expect(await prisma.recurringTemplate.count()).toBe(before);
  });
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const inParis = (days: number) => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();

function orderGid(name: string): string {
  const order = shopifyStandIn().control.orders(DEMO_SHOP_DOMAIN).find((each) => each.name === name);
  if (!order) throw new Error(`no ${name} in ${DEMO_SHOP_DOMAIN}`);
  return order.id;
}

/** An order of the demo shop's first customer for a free sample, free of charge: its total is zero. */
async function zeroTotalOrder(): Promise<string> {
  const customerId = shopifyStandIn().control.orders(DEMO_SHOP_DOMAIN).find((each) => each.name === "#1001")!.customerId!;
  const answer = await shopifyStandIn().api.execute(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN, {
    query: `mutation FreeSample($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { field message } } }`,
    variables: {
      order: {
        currency: "EUR",
        presentmentCurrency: "EUR",
        customer: { toAssociate: { id: customerId } },
        financialStatus: "PAID",
        taxesIncluded: true,
        lineItems: [{ title: "Échantillon offert", quantity: 1, priceSet: { shopMoney: { amount: "0.00", currencyCode: "EUR" } }, taxLines: [] }],
      },
    },
  });
  const created = (answer.body as { data?: { orderCreate?: { order: { id: string } | null; userErrors: unknown[] } } }).data?.orderCreate;
  if (!created?.order) throw new Error(`the stand-in refused the order: ${JSON.stringify(answer.body)}`);
  return created.order.id;
}

async function quickCreate(gid: string, locale: "en" | "fr") {
  const numericId = gid.split("/").pop()!;
  const headers = new Headers({ Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" });
  const request = adminFetchRequest(`/api/extension/orders/${numericId}?locale=${locale}`, mintSessionToken(DEMO_SHOP_DOMAIN), {
    method: "POST",
    body: JSON.stringify({ idempotencyKey: randomUUID(), frequency: "monthly", anchor: inParis(2) }),
    headers,
  });
  const answer = (await callRoute(extensionAction, request, { orderId: numericId })) as Response;
  return { status: answer.status, body: (await answer.json()) as OrderActionError };
}
