// The merchant's actions on recurring templates: validation with field-level
// messages, tenant sealing, and the semantics of create, edit, pause, resume,
// skip, cancel and retry — observed through the worker.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { setAppClock } from "~/clock.server";
import { listRunsOfTemplate } from "~/models/invoice-run.server";
import { listTemplateEvents } from "~/models/run-event.server";
import { findTemplateForShop } from "~/models/template.server";
import { NotFoundError, TransitionError, ValidationError } from "~/domain/errors";
import { MAX_TEMPLATE_LINES } from "~/domain/template-input";
import { cancelTemplate } from "~/services/templates/cancel.server";
import { createTemplate } from "~/services/templates/create.server";
import { editTemplate } from "~/services/templates/edit.server";
import { pauseTemplate } from "~/services/templates/pause.server";
import { resumeTemplate } from "~/services/templates/resume.server";
import { retryRun } from "~/services/templates/retry-run.server";
import { skipNextPeriod } from "~/services/templates/skip-next.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, PERIOD_TOTAL, runStates, templateInput, testWorker } from "../helpers/recurring";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

async function fieldErrorsOf(action: Promise<unknown>): Promise<Record<string, string>> {
  const error = await action.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors;
}

describe("create", () => {
  it("stores the snapshot, fills policies from the shop's settings and plans the first period at the anchor", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ settings: { daysUntilDue: 30, timeOfDay: "07:15", signatureRequested: true } });
    const input = templateInput();
    const template = await createTemplate(
      shop,
      { ...input, customer: { ...input.customer, email: "Claire.Martin@Example.fr" }, schedule: { every: 2, unit: "week", anchor: "2026-01-12" } },
      { clock },
    );
    expect(template).toMatchObject({
      status: "active",
      currency: "EUR",
      periodTotal: PERIOD_TOTAL,
      daysUntilDue: 30,
      signatureRequested: true,
      catchUpPolicy: null,
      customerEmail: "claire.martin@example.fr",
      nextPeriodIndex: 0,
      schedule: { every: 2, unit: "week", anchor: "2026-01-12", timeOfDay: "07:15", timeZone: "Europe/Paris" },
    });
    expect(template.nextRunAt?.toISOString()).toBe("2026-01-12T06:15:00.000Z");
    expect(template.lines[0]).toMatchObject({ discountAmount: 0, sku: "CAFE-1K" });
    const events = await listTemplateEvents(shop.id, template.id);
    expect(events.map((event) => [event.type, event.actor, event.toState])).toEqual([["template.created", "merchant", "active"]]);
  });

  it("answers every problem at once, per field, in words a merchant can act on", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    const errors = await fieldErrorsOf(
      createTemplate(
        shop,
        {
          ...input,
          customer: { ...input.customer, name: " ", email: "claire@" },
          lines: [{ title: "Café", quantity: 0, unitAmount: 12.5, taxLines: [{ title: "TVA", ratePercent: "20%" }] }],
        },
        { clock },
      ),
    );
    expect(errors).toEqual({
      "customer.name": "Enter the customer's name.",
      "customer.email": "Enter a valid e-mail address: the invoice is sent there.",
      "lines.0.quantity": "The quantity must be at least 1.",
      "lines.0.unitAmount": "The price must be a whole number of the currency's smallest unit (cents for EUR, yen for JPY).",
      "lines.0.taxLines.0.ratePercent": 'Write the tax rate as a number such as "20" or "8.875", without "%".',
    });
  });

  it("points at the schedule field, the currency or the line that is wrong", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    expect(
      await fieldErrorsOf(createTemplate(shop, { ...input, schedule: { every: 0, unit: "fortnight", anchor: "2026-02-30", timeZone: "Mars/Olympus" } }, { clock })),
    ).toEqual({
      "schedule.every": expect.stringContaining("whole number from 1"),
      "schedule.unit": expect.stringContaining('Use "day", "week", "month" or "year"'),
      "schedule.anchor": expect.stringContaining("does not exist"),
      "schedule.timeZone": expect.stringContaining("Unknown time zone"),
    });
    expect(await fieldErrorsOf(createTemplate(shop, { ...input, schedule: { ...input.schedule, anchor: "2026-01-09" } }, { clock }))).toEqual({
      "schedule.anchor": "The first invoice date 2026-01-09 is in the past. Choose 2026-01-10 or a later date.",
    });
    expect(Object.keys(await fieldErrorsOf(createTemplate(shop, { ...input, currency: "EURO" }, { clock })))).toEqual(["currency"]);
    expect(
      await fieldErrorsOf(createTemplate(shop, { ...input, lines: [{ title: "Café", quantity: 1, unitAmount: 100, discountAmount: 150 }] }, { clock })),
    ).toEqual({ "lines.0.discountAmount": "The discount (150) is larger than the line amount (100)." });
    expect(await prisma.recurringTemplate.count()).toBe(0);
  });

  it("gives each refusal a code and values the merchant's page translates", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    const problemsOf = async (action: Promise<unknown>) => {
      const error = await action.then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).problems;
    };
    expect(await problemsOf(createTemplate(shop, { ...input, schedule: { ...input.schedule, anchor: "2026-01-09", timeZone: "Mars/Olympus" } }, { clock }))).toEqual({
      "schedule.timeZone": { code: "time_zone_invalid", values: { timeZone: "Mars/Olympus" } },
    });
    expect(await problemsOf(createTemplate(shop, { ...input, schedule: { ...input.schedule, anchor: "2026-01-09" } }, { clock }))).toEqual({
      "schedule.anchor": { code: "anchor_in_past", values: { date: { civilDate: "2026-01-09" }, earliest: { civilDate: "2026-01-10" } } },
    });
    expect(
      await problemsOf(
        createTemplate(shop, { ...input, customer: { ...input.customer, name: " " }, lines: [{ title: "Café", quantity: 1, unitAmount: 100, taxLines: [{ title: "TVA", ratePercent: "20%" }] }] }, { clock }),
      ),
    ).toEqual({ "customer.name": { code: "customer_name_required" }, "lines.0.taxLines.0.ratePercent": { code: "tax_rate_invalid" } });
    expect(await problemsOf(createTemplate(shop, { ...input, lines: [{ title: "Café", quantity: 1, unitAmount: 100, discountAmount: 150 }] }, { clock }))).toEqual({
      "lines.0.discountAmount": { code: "discount_exceeds_amount" },
    });
  });

  it("refuses more lines than the form allows, with the form's code", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    const lines = Array.from({ length: MAX_TEMPLATE_LINES + 1 }, () => input.lines[0]!);
    const refused = await createTemplate(shop, { ...input, lines }, { clock }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).problems).toEqual({ lines: { code: "too_many_lines" } });
    expect(await prisma.recurringTemplate.count()).toBe(0);
    await expect(createTemplate(shop, { ...input, lines: lines.slice(1) }, { clock })).resolves.toMatchObject({ status: "active" });
  });

  it("creates one template per idempotency key, even for concurrent calls, and scoped by shop", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const other = await createShop({ domain: "other.myshopify.com" });
    const input = templateInput({ schedule: { every: 1, unit: "month", anchor: "2026-01-12" } });
    const idempotencyKey = "3f1c2a9e-7b5d-4e0a-9c8f-1d2e3f4a5b6c";

    // Five calls in flight at once: all but one lose the race on the primary key and answer with the winner.
    const answers = await Promise.all(Array.from({ length: 5 }, () => createTemplate(shop, input, { clock, idempotencyKey })));
    expect(new Set(answers.map((template) => template.id)).size).toBe(1);
    expect(await prisma.recurringTemplate.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await prisma.runEvent.count({ where: { shopId: shop.id, type: "template.created" } })).toBe(1);

    // Later, even once the anchor is past: the same template, not a refusal.
    clock.set("2026-02-20T10:00:00Z");
    expect((await createTemplate(shop, input, { clock, idempotencyKey })).id).toBe(answers[0]!.id);

    // The same key in another shop is another template, and does not reveal this one.
    const elsewhere = await createTemplate(other, { ...input, schedule: { ...input.schedule, anchor: "2026-02-21" } }, { clock, idempotencyKey });
    expect(elsewhere.id).not.toBe(answers[0]!.id);
    expect(elsewhere.shopId).toBe(other.id);

    expect(await fieldErrorsOf(createTemplate(shop, { ...input, sourceOrderId: "gid://shopify/Order/1002" }, { clock, idempotencyKey }))).toEqual({
      idempotencyKey: expect.stringMatching(/already used for another recurring invoice/),
    });
    expect(await fieldErrorsOf(createTemplate(shop, input, { clock, idempotencyKey: "short" }))).toEqual({
      idempotencyKey: expect.stringMatching(/16 to 100/),
    });
  });
});

describe("tenant sealing", () => {
  it("shop B can neither see nor act on shop A's template or run by id", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shopA = await createShop();
    const shopB = await createShop();
    const template = await createTemplate(shopA, templateInput(), { clock });
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "permanent" });
    clock.set("2026-01-15T08:00:00Z");
    await drain(testWorker(gateway, clock));
    const [run] = await listRunsOfTemplate(shopA.id, template.id);
    expect(run?.state).toBe("failed");
    const before = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } });

    expect(await findTemplateForShop(shopB.id, template.id)).toBeNull();
    expect(await listRunsOfTemplate(shopB.id, template.id)).toEqual([]);
    expect(await listTemplateEvents(shopB.id, template.id)).toEqual([]);
    // One after the other: started together, on PostgreSQL (a pool, no queue) they would be refused before anyone listened.
    const attempts = [
      () => pauseTemplate(shopB, template.id, { clock }),
      () => resumeTemplate(shopB, template.id, { clock }),
      () => skipNextPeriod(shopB, template.id, { clock }),
      () => cancelTemplate(shopB, template.id, { clock }),
      () => editTemplate(shopB, template.id, { memo: "hijacked" }, { clock }),
      () => retryRun(shopB, run!.id, { clock }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: template.id } })).toEqual(before);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run!.id } })).state).toBe("failed");
  });
});

describe("pause and resume", () => {
  it("pausing skips runs not started; periods falling while paused are recorded skipped on resume; issuing goes on after", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: null }); // period 0 will wait, not started
    const template = await createTemplate(shop, templateInput(), { clock });
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock);
    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([["2026-01-15", "planned"]]);

    const paused = await pauseTemplate(shop, template.id, { clock });
    expect(paused).toMatchObject({ status: "paused", statusReason: "merchant" });
    expect(await pauseTemplate(shop, template.id, { clock })).toMatchObject({ status: "paused", version: paused.version });
    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: "acct_1" } });

    clock.set("2026-04-01T10:00:00Z"); // Feb 15 and Mar 15 fall while paused
    await drain(worker);
    expect(gateway.invoices()).toEqual([]);
    await expect(skipNextPeriod(shop, template.id, { clock })).rejects.toBeInstanceOf(TransitionError);

    const resumed = await resumeTemplate(shop, template.id, { clock });
    expect(resumed).toMatchObject({ status: "active", nextPeriodIndex: 3 });
    expect(resumed.nextRunAt?.toISOString()).toBe("2026-04-15T07:00:00.000Z"); // 09:00 CEST
    clock.set("2026-04-15T07:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "skipped"],
      ["2026-02-15", "skipped"],
      ["2026-03-15", "skipped"],
      ["2026-04-15", "sent"],
    ]);
    const reasons = await prisma.invoiceRun.findMany({ where: { templateId: template.id, state: "skipped" }, select: { skipReason: true } });
    expect(reasons.map((run) => run.skipReason)).toEqual(["paused", "paused", "paused"]);
    const trail = (await listTemplateEvents(shop.id, template.id)).map((event) => event.type);
    expect(trail.filter((type) => type.startsWith("template."))).toEqual(["template.created", "template.paused", "template.resumed"]);
    expect(trail.filter((type) => type === "run.skipped")).toHaveLength(3);
  });
});

describe("skip next and cancel", () => {
  it("skip next records the upcoming period as skipped and moves on; skipping the last period ends the template", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const input = templateInput();
    const template = await createTemplate(shop, { ...input, schedule: { ...input.schedule, end: { afterCount: 3 } } }, { clock });
    const skipped = await skipNextPeriod(shop, template.id, { clock });
    expect(skipped.nextRunAt?.toISOString()).toBe("2026-02-15T08:00:00.000Z");

    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-02-15T08:00:00Z");
    await drain(worker);
    const last = await skipNextPeriod(shop, template.id, { clock });
    expect(last).toMatchObject({ status: "ended", statusReason: "end_reached", nextRunAt: null });
    clock.set("2026-06-01T00:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "skipped"],
      ["2026-02-15", "sent"],
      ["2026-03-15", "skipped"],
    ]);
    await expect(cancelTemplate(shop, template.id, { clock })).rejects.toMatchObject({ code: "template_closed" });
  });

  it("cancel stops every future period, skips runs not started, and cannot be undone", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: null });
    const template = await createTemplate(shop, templateInput(), { clock });
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);

    const cancelled = await cancelTemplate(shop, template.id, { clock });
    expect(cancelled).toMatchObject({ status: "cancelled", nextRunAt: null });
    expect(await cancelTemplate(shop, template.id, { clock })).toMatchObject({ status: "cancelled", version: cancelled.version });
    await expect(resumeTemplate(shop, template.id, { clock })).rejects.toMatchObject({ code: "template_closed" });
    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: "acct_1" } });
    clock.set("2026-05-01T00:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([["2026-01-15", "skipped"]]);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run.skipReason).toBe("cancelled");
  });
});

describe("edit", () => {
  it("new lines apply to runs not started and to later periods; issued runs keep their snapshot", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock);
    clock.set("2026-01-15T08:00:00Z");
    await drain(worker); // period 0 issued with the original lines
    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: null } });
    clock.set("2026-02-15T08:00:00Z");
    await drain(worker); // period 1 planned, waiting for billing: not started

    const edited = await editTemplate(
      shop,
      template.id,
      { lines: [{ title: "Café en grains", quantity: 3, unitAmount: 2490, taxLines: [{ title: "TVA", ratePercent: "20" }] }], memo: "Merci !" },
      { clock },
    );
    const newTotal = 3 * 2490 + 490;
    expect(edited.periodTotal).toBe(newTotal);
    const [issued, waiting] = await listRunsOfTemplate(shop.id, template.id);
    expect(issued).toMatchObject({ state: "sent", expectedTotal: PERIOD_TOTAL });
    expect(issued!.snapshot.lines[0]!.quantity).toBe(2);
    expect(waiting).toMatchObject({ state: "planned", expectedTotal: newTotal });
    expect(waiting!.snapshot).toMatchObject({ memo: "Merci !", lines: [{ quantity: 3 }, { description: "Colissimo" }] });

    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: "acct_2" } });
    clock.set("2026-03-15T08:00:00Z");
    await drain(worker);
    expect(gateway.invoices().map((invoice) => [invoice.periodIndex, invoice.total])).toEqual([
      [0, PERIOD_TOTAL],
      [1, newTotal],
      [2, newTotal],
    ]);
    const trail = await listTemplateEvents(shop.id, template.id);
    expect(trail.filter((event) => event.type === "run.replanned").map((event) => event.runId)).toEqual([waiting!.id]);
    expect(JSON.parse(trail.find((event) => event.type === "template.edited")!.detail!).fields).toEqual(["lines", "memo"]);
  });

  it("a line keeps its Shopify variant: stored with it, copied into each run's snapshot, kept when the merchant renames it", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const coffee = "gid://shopify/ProductVariant/45100000000041";
    const input = templateInput();
    const template = await createTemplate(shop, { ...input, lines: [{ ...input.lines[0]!, variantId: coffee }] }, { clock });
    expect(template.lines[0]!.variantId).toBe(coffee);
    const gateway = new MemoryGateway();
    const worker = testWorker(gateway, clock);
    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);
    const [issued] = await listRunsOfTemplate(shop.id, template.id);
    // The product line has its variant; shipping, the last line, has none.
    expect(issued!.snapshot.lines.map((line) => line.variantId)).toEqual([coffee, undefined]);

    await prisma.shop.update({ where: { id: shop.id }, data: { billingAccountId: null } });
    clock.set("2026-02-15T08:00:00Z");
    await drain(worker); // period 1 planned, waiting for billing
    await editTemplate(shop, template.id, { lines: [{ ...template.lines[0]!, title: "Café du mois" }] }, { clock });
    expect((await findTemplateForShop(shop.id, template.id))!.lines[0]).toMatchObject({ title: "Café du mois", variantId: coffee });
    const [, replanned] = await listRunsOfTemplate(shop.id, template.id);
    expect(replanned!.snapshot.lines[0]).toMatchObject({ description: "Café du mois — 1 kg (SKU CAFE-1K)", variantId: coffee });
  });

  it("refuses a line variant that is not a Shopify product variant id, naming the line", async () => {
    const shop = await createShop();
    const input = templateInput();
    const errors = await fieldErrorsOf(createTemplate(shop, { ...input, lines: [{ ...input.lines[0]!, variantId: "gid://shopify/Product/9100000000004" }] }));
    expect(errors["lines.0.variantId"]).toMatch(/Shopify product variant id/);
  });

  it("a new recurrence starts after the last planned period and continues the period numbers", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    const worker = testWorker(new MemoryGateway(), clock);
    clock.set("2026-02-20T10:00:00Z");
    await drain(worker); // Jan 15 and Feb 15 issued

    const weekly = { every: 1, unit: "week", timeOfDay: "10:00" };
    expect(await fieldErrorsOf(editTemplate(shop, template.id, { schedule: { ...weekly, anchor: "2026-02-19" } }, { clock }))).toEqual({
      "schedule.anchor": "The first invoice date 2026-02-19 is in the past. Choose 2026-02-20 or a later date.",
    });
    const edited = await editTemplate(shop, template.id, { schedule: { ...weekly, anchor: "2026-02-23", end: { afterCount: 2 } } }, { clock });
    expect(edited).toMatchObject({ periodOffset: 2, nextPeriodIndex: 2 });
    expect(edited.nextRunAt?.toISOString()).toBe("2026-02-23T09:00:00.000Z");

    clock.set("2026-04-01T00:00:00Z");
    await drain(worker);
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
      ["2026-02-23", "sent"],
      ["2026-03-02", "sent"],
    ]);
    expect((await findTemplateForShop(shop.id, template.id))?.status).toBe("ended");
  });

  it("an earlier end drops planned-but-not-started runs after it and ends the template", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop({ billingAccountId: null });
    const input = templateInput();
    const template = await createTemplate(shop, input, { clock });
    clock.set("2026-02-20T10:00:00Z");
    await drain(testWorker(new MemoryGateway(), clock)); // Jan 15 and Feb 15 planned, waiting

    const edited = await editTemplate(shop, template.id, { schedule: { ...input.schedule, end: { until: "2026-01-31" } } }, { clock });
    expect(edited).toMatchObject({ status: "ended", nextRunAt: null });
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "planned"],
      ["2026-02-15", "skipped"],
    ]);
    expect((await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 1 } })).skipReason).toBe("removed_by_edit");
  });

  it("refuses to change the currency, and to edit a cancelled template", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    expect(await fieldErrorsOf(editTemplate(shop, template.id, { currency: "USD" }, { clock }))).toEqual({
      currency: "The currency cannot change once invoices were issued; create a new recurring invoice instead.",
    });
    await cancelTemplate(shop, template.id, { clock });
    await expect(editTemplate(shop, template.id, { memo: "x" }, { clock })).rejects.toMatchObject({ code: "template_closed" });
  });
});

describe("retry", () => {
  it("retries only a failed run", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:00:00Z");
    await drain(testWorker(new MemoryGateway(), clock));
    const [run] = await listRunsOfTemplate(shop.id, template.id);
    await expect(retryRun(shop, run!.id, { clock })).rejects.toMatchObject({ code: "run_not_failed" });
  });

  it("a failed run retried after the merchant fixed the customer issues with the new data", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    const gateway = new MemoryGateway();
    gateway.failAt({ step: "customer", kind: "permanent", code: "customer_email_invalid", message: "Invalid e-mail address." });
    const worker = testWorker(gateway, clock);
    clock.set("2026-01-15T08:00:00Z");
    await drain(worker);

    const input = templateInput();
    await editTemplate(shop, template.id, { customer: { ...input.customer, email: "claire@example.com" } }, { clock });
    const [failed] = await listRunsOfTemplate(shop.id, template.id);
    expect(failed).toMatchObject({ state: "failed", snapshot: { customer: { email: "claire@example.com" } } });
    const retried = await retryRun(shop, failed!.id, { clock });
    expect(retried).toMatchObject({ state: "issuing", attempt: 0, lastErrorCode: null });
    await drain(worker);
    expect(await runStates(template.id)).toEqual([["2026-01-15", "sent"]]);
  });
});

describe("the process's clock", () => {
  it("a merchant's action without a clock of its own is stamped with the app's clock (the demo's, when it runs)", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    setAppClock(new ManualClock("2026-03-02T12:00:00Z"));
    try {
      await pauseTemplate(shop, template.id);
    } finally {
      setAppClock(undefined);
    }
    const trail = await listTemplateEvents(shop.id, template.id);
    expect(trail.find((event) => event.type === "template.paused")?.at.toISOString()).toBe("2026-03-02T12:00:00.000Z");
  });
});
