// Shopify's lifecycle webhooks and recurring templates: app/uninstalled holds
// the schedules; the compliance webhooks report and erase the customer's
// snapshot in templates and runs.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { listRunsOfTemplate } from "~/models/invoice-run.server";
import { listTemplateEvents } from "~/models/run-event.server";
import { upsertInstalledShop } from "~/models/shop.server";
import { findTemplateForShop } from "~/models/template.server";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { createTemplate } from "~/services/templates/create.server";
import { pauseTemplate } from "~/services/templates/pause.server";
import { resumeTemplate } from "~/services/templates/resume.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, templateInput, testWorker } from "../helpers/recurring";
import { asResponse, callRoute } from "../helpers/remix";
import { webhookRequest } from "../helpers/shopify";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

const claire = { id: 7001, email: "claire.martin@example.fr" };

describe("app/uninstalled", () => {
  it("pauses the shop's active templates (reason shop_uninstalled), resumable after reinstalling; other shops untouched", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const other = await createShop();
    const active = await createTemplate(shop, templateInput(), { clock });
    const alreadyPaused = await pauseTemplate(shop, (await createTemplate(shop, templateInput(), { clock })).id, { clock });
    const elsewhere = await createTemplate(other, templateInput(), { clock });

    const response = asResponse(await callRoute(uninstalled, webhookRequest("app/uninstalled", shop.domain, { id: 1 })));
    expect(response.status).toBe(200);
    expect(await findTemplateForShop(shop.id, active.id)).toMatchObject({ status: "paused", statusReason: "shop_uninstalled" });
    expect(await findTemplateForShop(shop.id, alreadyPaused.id)).toMatchObject({ status: "paused", statusReason: "merchant" });
    expect(await findTemplateForShop(other.id, elsewhere.id)).toMatchObject({ status: "active" });
    const events = await listTemplateEvents(shop.id, active.id);
    expect(events.at(-1)).toMatchObject({ type: "template.paused", actor: "shopify", cause: "shop_uninstalled" });

    clock.set("2026-01-15T08:00:00Z");
    const gateway = new MemoryGateway();
    await drain(testWorker(gateway, clock));
    expect(gateway.invoices().map((invoice) => invoice.templateId)).toEqual([elsewhere.id]);

    clock.set("2026-02-01T00:00:00Z"); // reinstalled (what afterAuth records); the merchant resumes
    await upsertInstalledShop(shop.domain, {}, clock.nowDate());
    await resumeTemplate(shop, active.id, { clock });
    clock.set("2026-02-15T08:00:00Z");
    await drain(testWorker(gateway, clock));
    const runs = await listRunsOfTemplate(shop.id, active.id);
    expect(runs.map((run) => [run.periodDate, run.state, run.skipReason])).toEqual([
      ["2026-01-15", "skipped", "paused"],
      ["2026-02-15", "sent", null],
    ]);
  });
});

describe("customers/data_request and customers/redact", () => {
  async function claireAndBob() {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const claires = await createTemplate(shop, templateInput(), { clock });
    const input = templateInput();
    const bobs = await createTemplate(
      shop,
      { ...input, customer: { ...input.customer, shopifyCustomerId: "gid://shopify/Customer/8002", name: "Bob Durand", email: "bob@example.fr" } },
      { clock },
    );
    clock.set("2026-01-15T08:00:00Z");
    await drain(testWorker(new MemoryGateway(), clock));
    return { shop, claires, bobs };
  }

  it("data_request reports the template's customer snapshot and issued invoices", async () => {
    const { shop, claires } = await claireAndBob();
    await callRoute(
      dataRequest,
      webhookRequest("customers/data_request", shop.domain, { shop_domain: shop.domain, customer: claire, orders_requested: [] }),
    );
    const request = await prisma.customerDataRequest.findFirstOrThrow({ where: { shopId: shop.id } });
    const report = JSON.parse(request.report);
    expect(report.data.recurringTemplates).toEqual([
      expect.objectContaining({
        templateId: claires.id,
        customer: expect.objectContaining({ name: "Claire Martin", email: "claire.martin@example.fr" }),
        invoices: [expect.objectContaining({ periodDate: "2026-01-15", invoiceNumber: expect.stringMatching(/^RIT-/) })],
      }),
    ]);
  });

  it("redact erases the customer's name, e-mail and address from templates and runs, keeps amounts, and cancels the template", async () => {
    const { shop, claires, bobs } = await claireAndBob();
    const response = asResponse(
      await callRoute(customersRedact, webhookRequest("customers/redact", shop.domain, { shop_domain: shop.domain, customer: claire, orders_to_redact: [] })),
    );
    expect(response.status).toBe(200);

    const erased = await findTemplateForShop(shop.id, claires.id);
    expect(erased).toMatchObject({
      status: "cancelled",
      statusReason: "customer_redacted",
      customer: { name: "[redacted]", email: "[redacted]", locale: "fr" },
      shopifyCustomerId: null,
      customerEmail: null,
      periodTotal: claires.periodTotal,
    });
    expect(erased!.customer.address).toBeUndefined();
    const [run] = await listRunsOfTemplate(shop.id, claires.id);
    expect(run).toMatchObject({ state: "sent", expectedTotal: claires.periodTotal, snapshot: { customer: { name: "[redacted]", email: "[redacted]" } } });
    const raw = JSON.stringify(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: claires.id } })) + JSON.stringify(run);
    expect(raw).not.toMatch(/Claire|claire\.martin|rue des Lilas/);

    expect(await findTemplateForShop(shop.id, bobs.id)).toMatchObject({ status: "active", customer: { name: "Bob Durand" } });
    const events = await listTemplateEvents(shop.id, claires.id);
    expect(events.slice(-2).map((event) => [event.type, event.cause])).toEqual([
      ["template.cancelled", "customer_redacted"],
      ["template.customer_redacted", "customers/redact"],
    ]);
  });
});
