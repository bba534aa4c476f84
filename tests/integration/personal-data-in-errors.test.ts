// Personal data stays out of stored error text and audit details
// (app/domain/personal-text.ts): the e-mail Stripe refuses is shown to the
// merchant from the live snapshot, never stored in the message; and
// customers/redact scrubs what rows written before held.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { toBillingError } from "~/gateways/stripe/errors.server";
import { listRunsOfTemplate } from "~/models/invoice-run.server";
import { handleCustomersRedact } from "~/services/privacy/redact-customer.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { createTemplate } from "~/services/templates/create.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, templateInput, testWorker } from "../helpers/recurring";
import { placesHolding } from "../helpers/tables";

const EMAIL = "claire.martin@example.fr";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

/** What the Stripe gateway makes of Stripe refusing the customer's e-mail (the real mapping, app/gateways/stripe/errors.server.ts). */
function emailRefused() {
  const raw = { type: "invalid_request_error", code: "email_invalid", param: "email", message: `Invalid email address: ${EMAIL}`, statusCode: 400 } as const;
  return toBillingError(Stripe.errors.StripeError.generate(raw), { customerEmail: EMAIL, currency: "EUR" });
}

async function failedRun() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop();
  const template = await createTemplate(shop, templateInput(), { clock });
  const refused = emailRefused();
  expect(refused.message).toContain(EMAIL); // the scenario: Stripe's words and ours both quote it
  const gateway = new MemoryGateway();
  gateway.failAt({ step: "customer", kind: "permanent", code: refused.code, message: refused.message });
  clock.set("2026-01-15T08:00:00Z");
  await drain(testWorker(gateway, clock));
  const [run] = await listRunsOfTemplate(shop.id, template.id);
  expect(run).toMatchObject({ state: "failed", lastErrorCode: "customer_email_invalid" });
  return { shop, template, run: run!, clock };
}

function redact(shopDomain: string) {
  return handleCustomersRedact({
    webhookId: randomUUID(),
    topic: "customers/redact",
    shop: shopDomain,
    payload: { shop_domain: shopDomain, customer: { id: 7001, email: EMAIL }, orders_to_redact: [] },
  });
}

describe("personal data in error text and audit details", () => {
  it("a refused e-mail is stored as a placeholder; the merchant still reads the address, from the live snapshot", async () => {
    const { shop, template, run } = await failedRun();
    // Only the template's and the run's customer snapshots hold it: no message, no event.
    const places = await placesHolding(EMAIL);
    expect(places).not.toContain("InvoiceRun.lastErrorMessage");
    expect(places).not.toContain("RunEvent.detail");
    expect(places).toContain("InvoiceRun.snapshot");
    expect(run.lastErrorMessage).toContain("{customer.email}");

    const page = await loadTemplatePage(shop, template.id);
    const shown = page.runs.find((view) => view.id === run.id)!;
    expect(shown.errorMessage).toContain(`The customer's email "${EMAIL}" was refused by Stripe: fix it in the template.`);
    expect(shown.errorMessage).toContain(`Stripe said: "Invalid email address: ${EMAIL}"`);
  });

  it("after customers/redact nothing in the database holds the e-mail, older rows that quoted it included", async () => {
    const { shop, template, run } = await failedRun();
    // Rows written before messages were stored without personal data.
    await prisma.invoiceRun.update({ where: { id: run.id }, data: { lastErrorMessage: `The customer's email "${EMAIL}" was refused by Stripe (Claire Martin, 12 rue des Lilas).` } });
    await prisma.runEvent.create({
      data: { shopId: shop.id, templateId: template.id, runId: run.id, type: "run.failed", actor: "worker", detail: JSON.stringify({ step: "customer", message: `Invalid email address: ${EMAIL}` }), at: new Date() },
    });
    await prisma.writeBack.create({ data: { shopId: shop.id, runId: run.id, state: "failed", lastError: `Email ${EMAIL} is invalid` } });
    expect(await placesHolding(EMAIL)).toEqual(expect.arrayContaining(["InvoiceRun.lastErrorMessage", "RunEvent.detail", "WriteBack.lastError"]));

    await redact(shop.domain);

    expect(await placesHolding(EMAIL)).toEqual([]);
    expect(await placesHolding("Claire Martin")).toEqual([]);
    expect(await placesHolding("rue des Lilas")).toEqual([]);
    const page = await loadTemplatePage(shop, template.id);
    expect(page.runs.find((view) => view.id === run.id)!.errorMessage).toContain(`The customer's email "[redacted]" was refused by Stripe`);
  });
});
