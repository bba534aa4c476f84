// Write-back of paid runs to Shopify: exactly one order per run, through the
// app's real background Admin client (offline session) and the stand-in's
// orderCreate, whatever the number, timing or fate of the calls.
import { beforeAll, describe, expect, it } from "vitest";
import { coerceInputValue, isInputType } from "graphql";
import { Temporal } from "temporal-polyfill";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchOrderForTemplate } from "~/gateways/shopify/orders.server";
import { fetchExistingVariantIds } from "~/gateways/shopify/variants.server";
import { upsertInstalledShop, updateShopSettings } from "~/models/shop.server";
import { findTemplateForShop, type Template } from "~/models/template.server";
import {
  abandonWriteBack,
  claimWriteBack,
  completeWriteBack,
  ensureWriteBack,
  failWriteBack,
  findRunForWriteBack,
  pendingWriteBackRunIds,
  releaseWriteBack,
} from "~/models/write-back.server";
import { plannedContentOf } from "~/domain/template-content";
import { loadOrderSnapshot } from "~/services/orders/load-order.server";
import { createTemplate } from "~/services/templates/create.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { prepareTemplateEdit, saveTemplateEdit } from "~/services/templates/edit-page.server";
import { resumePendingWriteBacks } from "~/services/write-back/resume-pending-write-backs.server";
import { WRITE_BACK_LEASE_MS, writeBackPaidRun } from "~/services/write-back/write-back-paid-run.server";
import { runTag } from "~/domain/write-back";
import { buildWriteBackOrder } from "~/services/write-back/order-input.server";
import { unauthenticated } from "~/shopify.server";
import {
  DEMO_ACCESS_TOKEN,
  DEMO_SHOP_DOMAIN,
  getAdminSchema,
} from "../../sandbox/shopify";
import { storeOfflineSession } from "../helpers/shopify";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const shopifyStandIn = withShopifyStandIn();
let admin: AdminGraphql;
let shopId: string;

beforeAll(async () => {
  await storeOfflineSession(DEMO_SHOP_DOMAIN, DEMO_ACCESS_TOKEN);
  const shop = await upsertInstalledShop(DEMO_SHOP_DOMAIN, { name: "Atelier Ritournelle", timeZone: "Europe/Paris", currency: "EUR" }, new Date());
  shopId = shop.id;
  // The demo shop is on Pro (the stand-in's seed); no admin request reads its plan in this file.
  await prisma.shop.update({ where: { id: shopId }, data: { plan: "pro" } });
  await updateShopSettings(DEMO_SHOP_DOMAIN, { writeBackOrders: true });
  ({ admin } = await unauthenticated.admin(DEMO_SHOP_DOMAIN));
});


function orderId(name: string): string {
  const order = shopifyStandIn().control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === name);
  if (!order) throw new Error(`no ${name}`);
  return order.id;
}

const created = () => shopifyStandIn().control.createdOrders(DEMO_SHOP_DOMAIN);

let periods = 0;

const tomorrowInParis = () => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days: 1 }).toString();

/** The create input of a template made from a seeded order, as "make recurring" sends it. */
async function contentFrom(name: string, customer: Record<string, unknown> = {}) {
  const snapshot = await loadOrderSnapshot(admin, orderId(name));
  return {
    sourceOrderId: snapshot.sourceOrderId,
    currency: snapshot.currency,
    customer: { ...snapshot.customer, ...customer },
    lines: snapshot.lines,
    taxesIncluded: snapshot.taxesIncluded,
    shipping: snapshot.shipping,
    schedule: { every: 1, unit: "month", anchor: tomorrowInParis() },
  };
}

async function templateOf(content: unknown): Promise<Template> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  return createTemplate(shop, content);
}

/** One run of the template, planned from its current content and marked paid (as the Stripe webhook leaves it). */
async function paidRunOf(template: Template): Promise<string> {
  const planned = plannedContentOf(template);
  periods += 1;
  const run = await prisma.invoiceRun.create({
    data: {
      shopId,
      templateId: template.id,
      periodIndex: periods,
      periodDate: tomorrowInParis(),
      scheduledAt: new Date(),
      state: "paid",
      invoiceId: `in_${periods}`,
      invoiceNumber: `RIT-000${periods}`,
      currency: planned.currency,
      expectedTotal: planned.expectedTotal,
      snapshot: JSON.stringify(planned.snapshot),
    },
  });
  return run.id;
}

/** A template made from a seeded order, and one of its runs marked paid. */
async function paidRunFrom(name: string, customer: Record<string, unknown> = {}): Promise<string> {
  return paidRunOf(await templateOf(await contentFrom(name, customer)));
}

/** An Admin client that records the name of every operation it sends. */
function recording(operations: string[]): AdminGraphql {
  return {
    graphql: (async (document: string, options?: { variables?: Record<string, unknown> }) => {
      operations.push(/(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "?");
      return admin.graphql(document, options);
    }) as AdminGraphql["graphql"],
  };
}

function recordOf(runId: string) {
  const matching = created().filter((record) => record.order.tags.includes(runTag(runId)));
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

describe("writeBackPaidRun", () => {
  it("creates one paid, tagged order with the run's lines, taxes, shipping and invoice number; a second call changes nothing", async () => {
    const runId = await paidRunFrom("#1001");
    const first = await writeBackPaidRun(runId);
    expect(first).toMatchObject({ status: "created", order: { name: expect.stringMatching(/^#\d+$/) } });
    const again = await writeBackPaidRun(runId);
    expect(again).toEqual({ status: "already_done", order: first.status === "created" ? first.order : null });

    const { order, input } = recordOf(runId);
    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: runId } });
    expect(order.tags).toEqual(["ritournelle", runTag(runId)]);
    expect(order.displayFinancialStatus).toBe("PAID");
    expect(order.note).toContain(run.invoiceNumber!);
    expect(order.customerId).toBe("gid://shopify/Customer/7410000000101");
    expect(order.taxesIncluded).toBe(true);
    // The seeded variants still exist: the lines point at them.
    expect(order.lineItems.map((line) => line.variantId)).toEqual(["gid://shopify/ProductVariant/45100000000011", "gid://shopify/ProductVariant/45100000000021"]);
    expect(order.shippingLines.map((line) => line.title)).toEqual(["Colissimo Domicile"]);
    // Shopify's order says what Stripe charged, to the cent.
    expect(order.totalPriceSet.presentmentMoney).toEqual({ amount: "85.8", currencyCode: "EUR" });
    expect(run.expectedTotal).toBe(8580);
    expect((input as { lineItems: { taxLines: { rate: string }[] }[] }).lineItems[0]!.taxLines[0]!.rate).toBe("0.2");

    const page = await loadTemplatePage({ id: shopId }, run.templateId);
    expect(page.runs[0]!.shopifyOrder).toEqual({ id: order.id, name: order.name });
    expect(page.events.some((event) => event.type === "run.written_back")).toBe(true);
  });

  it("creates exactly one order when invoice.paid is handled several times at once", async () => {
    const runId = await paidRunFrom("#1003");
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => writeBackPaidRun(runId)));
    expect(outcomes.filter((outcome) => outcome.status === "created")).toHaveLength(1);
    expect(outcomes.every((outcome) => ["created", "in_progress", "already_done"].includes(outcome.status))).toBe(true);
    recordOf(runId);
    expect(await prisma.writeBack.count({ where: { runId } })).toBe(1);
  });

  it("after an answer lost on the way back, finds the order by its tag instead of creating a second one", async () => {
    const runId = await paidRunFrom("#1004");
    const clock = new ManualClock(Temporal.Now.instant());
    // The orderCreate reaches Shopify, but its answer never reaches us.
    const dropping: AdminGraphql = {
      graphql: (async (document: string, options?: { variables?: Record<string, unknown> }) => {
        const response = await admin.graphql(document, options);
        if (document.includes("orderCreate(")) throw new Error("socket hang up");
        return response;
      }) as AdminGraphql["graphql"],
    };
    await expect(writeBackPaidRun(runId, { clock, adminFor: async () => dropping })).rejects.toThrow("socket hang up");
    expect(created().filter((record) => record.order.tags.includes(runTag(runId)))).toHaveLength(1);

    // A redelivery within the lease waits for it rather than risk a duplicate.
    expect(await writeBackPaidRun(runId, { clock })).toEqual({ status: "in_progress" });
    clock.advance(WRITE_BACK_LEASE_MS + 1);
    const adopted = await writeBackPaidRun(runId, { clock });
    expect(adopted).toMatchObject({ status: "found_existing" });
    const { order } = recordOf(runId);
    expect(adopted).toMatchObject({ order: { id: order.id } });
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "done", shopifyOrderId: order.id, attempts: 2 });
  });

  it("lets the worker finish a write-back left pending once its lease expired", async () => {
    const runId = await paidRunFrom("#1005");
    const clock = new ManualClock(Temporal.Now.instant());
    const unreachable: AdminGraphql = { graphql: (async () => Promise.reject(new Error("connect ETIMEDOUT"))) as AdminGraphql["graphql"] };
    await expect(writeBackPaidRun(runId, { clock, adminFor: async () => unreachable })).rejects.toThrow("ETIMEDOUT");
    // Nothing could have been created (only a read was attempted): the lease is free at once;
    // the worker's sweep waits the first backoff (a minute) before trying again.
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "pending", leaseOwner: null, lastError: "connect ETIMEDOUT" });
    expect(await pendingWriteBackRunIds(clock.nowDate(), 1000)).not.toContain(runId);
    clock.advance(60_000);
    expect(await resumePendingWriteBacks({ clock })).toBeGreaterThanOrEqual(1);
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "done" });
    recordOf(runId);
  });

  it("a caller whose lease expired and was taken over can change nothing: leases are fenced per claim", async () => {
    const runId = await paidRunFrom("#1015");
    const run = (await findRunForWriteBack(runId))!;
    await ensureWriteBack(shopId, runId);
    const now = new Date();
    const soon = new Date(now.getTime() + 1_000);
    // Two callers with the same name (two processes of one worker id) still hold different leases.
    const [late, current] = ["worker-1:a", "worker-1:b"];
    expect(await claimWriteBack(runId, late, now, soon)).not.toBeNull();
    const later = new Date(soon.getTime() + 1);
    expect(await claimWriteBack(runId, current, later, new Date(later.getTime() + WRITE_BACK_LEASE_MS))).not.toBeNull();

    expect(await completeWriteBack(run, late, { id: "gid://shopify/Order/1", name: "#LATE" }, "created", later)).toBe(false);
    await failWriteBack(runId, late, "late refusal");
    await abandonWriteBack(runId, late, "access_revoked");
    await releaseWriteBack(runId, late, "late release", later);
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "pending", leaseOwner: current, lastError: null, shopifyOrderId: null });
    expect(await completeWriteBack(run, current, { id: "gid://shopify/Order/2", name: "#CURRENT" }, "created", later)).toBe(true);
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "done", shopifyOrderName: "#CURRENT" });
  });

  it("closes a pending write-back that no longer applies instead of retrying it forever", async () => {
    const runId = await paidRunFrom("#1014");
    const clock = new ManualClock(Temporal.Now.instant());
    const unreachable: AdminGraphql = { graphql: (async () => Promise.reject(new Error("connect ETIMEDOUT"))) as AdminGraphql["graphql"] };
    await expect(writeBackPaidRun(runId, { clock, adminFor: async () => unreachable })).rejects.toThrow("ETIMEDOUT");
    await updateShopSettings(DEMO_SHOP_DOMAIN, { writeBackOrders: false });
    clock.advance(60_000); // the first backoff
    try {
      await resumePendingWriteBacks({ clock });
    } finally {
      await updateShopSettings(DEMO_SHOP_DOMAIN, { writeBackOrders: true });
    }
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId } })).toMatchObject({ state: "abandoned", lastError: "write_back_disabled", leaseOwner: null });
    expect(created().some((record) => record.order.tags.includes(runTag(runId)))).toBe(false);
  });

  it("writes a line whose variant was deleted from the catalogue since as a custom line with its title, in exactly one order", async () => {
    const coffeeMachine = "gid://shopify/ProductVariant/45100000000011";
    const maintenance = "gid://shopify/ProductVariant/45100000000021";
    const runId = await paidRunFrom("#1001");
    const run = await findRunForWriteBack(runId);
    expect(run!.snapshot.lines.map((line) => line.variantId)).toEqual([coffeeMachine, maintenance, undefined]);
    shopifyStandIn().control.setVariantDeleted(DEMO_SHOP_DOMAIN, maintenance, true);
    const operations: string[] = [];
    try {
      expect(await writeBackPaidRun(runId, { adminFor: async () => recording(operations) })).toMatchObject({ status: "created" });
      expect(await writeBackPaidRun(runId, { adminFor: async () => recording(operations) })).toMatchObject({ status: "already_done" });
    } finally {
      shopifyStandIn().control.setVariantDeleted(DEMO_SHOP_DOMAIN, maintenance, false);
    }
    const { order } = recordOf(runId);
    expect(order.lineItems.map((line) => [line.variantId, line.title])).toEqual([
      [coffeeMachine, "Location machine à espresso"],
      [null, "Contrat de maintenance — Standard (SKU MAINT-STD)"],
    ]);
    // One question for every variant of the run; the source order is not read again (same currency).
    expect(operations).toEqual(["RitournelleExistingVariants", "RitournelleOrderCreate"]);
  });

  it("keeps a line's product when the merchant renamed the line, when two lines share a title, and when the source order is gone", async () => {
    const coffeeMachine = "gid://shopify/ProductVariant/45100000000011";
    const maintenance = "gid://shopify/ProductVariant/45100000000021";
    const template = await templateOf(await contentFrom("#1001"));
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const { initialValues } = await prepareTemplateEdit(shop, template.id);
    const [first, ...others] = initialValues.lines;
    const saved = await saveTemplateEdit(shop, template.id, { ...initialValues, lines: [{ ...first!, title: "Location espresso (contrat 2026)" }, ...others] });
    expect(saved).toEqual({ ok: true });
    const edited = await findTemplateForShop(shopId, template.id);
    expect(edited!.lines.map((line) => [line.title, line.variantId])).toEqual([
      ["Location espresso (contrat 2026)", coffeeMachine],
      ["Contrat de maintenance", maintenance],
    ]);
    const renamed = await paidRunOf(edited!);
    expect(await writeBackPaidRun(renamed)).toMatchObject({ status: "created" });
    expect(recordOf(renamed).order.lineItems.map((line) => line.variantId)).toEqual([coffeeMachine, maintenance]);

    // Same title on two lines, and a source order Shopify no longer has: each line still has its own product.
    const content = await contentFrom("#1001");
    const twins = await templateOf({
      ...content,
      sourceOrderId: "gid://shopify/Order/999999",
      lines: content.lines.map((line) => ({ ...line, title: "Formule atelier", variantTitle: undefined, sku: undefined })),
    });
    const twinsRun = await paidRunOf(twins);
    expect(await writeBackPaidRun(twinsRun)).toMatchObject({ status: "created" });
    expect(recordOf(twinsRun).order.lineItems.map((line) => line.variantId)).toEqual([coffeeMachine, maintenance]);
  });

  it("writes the lines of a template made before lines recorded their variant as custom lines", async () => {
    const content = await contentFrom("#1001");
    const before = await templateOf({ ...content, lines: content.lines.map(({ variantId: _recordedSince, ...line }) => line) });
    const runId = await paidRunOf(before);
    expect(await writeBackPaidRun(runId)).toMatchObject({ status: "created" });
    const { order } = recordOf(runId);
    expect(order.lineItems.map((line) => line.variantId)).toEqual([null, null]);
    expect(order.totalPriceSet.presentmentMoney).toEqual({ amount: "85.8", currencyCode: "EUR" });
  });

  it("still records the payment, with custom lines, for a shop that has not granted read_products yet", async () => {
    const runId = await paidRunFrom("#1001");
    shopifyStandIn().control.addAccessToken(DEMO_SHOP_DOMAIN, "shpat_granted_before_read_products", "read_orders,read_customers,write_orders");
    await prisma.session.update({ where: { id: `offline_${DEMO_SHOP_DOMAIN}` }, data: { accessToken: "shpat_granted_before_read_products" } });
    try {
      expect(await writeBackPaidRun(runId)).toMatchObject({ status: "created" });
    } finally {
      await prisma.session.update({ where: { id: `offline_${DEMO_SHOP_DOMAIN}` }, data: { accessToken: DEMO_ACCESS_TOKEN } });
    }
    expect(recordOf(runId).order.lineItems.map((line) => line.variantId)).toEqual([null, null]);
    expect(await writeBackPaidRun(runId)).toMatchObject({ status: "already_done" });
  });

  it("uses a custom line when the variant was already deleted when the template was made, or the line was custom", async () => {
    shopifyStandIn().control.setVariantDeleted(DEMO_SHOP_DOMAIN, "gid://shopify/ProductVariant/45100000000061", true);
    const deleted = await paidRunFrom("#1010");
    const custom = await paidRunFrom("#1011");
    await writeBackPaidRun(deleted);
    await writeBackPaidRun(custom);
    expect(recordOf(deleted).order.lineItems.map((line) => [line.variantId, line.title])).toEqual([[null, "Ancienne formule café — 1 kg (SKU COF-OLD)"]]);
    expect(recordOf(custom).order.lineItems.map((line) => line.variantId)).toEqual([null, "gid://shopify/ProductVariant/45100000000011"]);
  });

  it("records a foreign-currency invoice in its currency, with shop amounts at the order's exchange rate", async () => {
    const runId = await paidRunFrom("#1007");
    expect(await writeBackPaidRun(runId)).toMatchObject({ status: "created" });
    const { order } = recordOf(runId);
    expect(order.presentmentCurrencyCode).toBe("USD");
    expect(order.totalPriceSet.presentmentMoney).toEqual({ amount: "116.0", currencyCode: "USD" });
    // 1 USD = 0.92 EUR in the source order.
    expect(order.totalPriceSet.shopMoney).toEqual({ amount: "106.72", currencyCode: "EUR" });
  });

  it("does nothing for a run that is not paid, or when the shop turned write-back off", async () => {
    const runId = await paidRunFrom("#1009");
    await prisma.invoiceRun.update({ where: { id: runId }, data: { state: "sent" } });
    expect(await writeBackPaidRun(runId)).toEqual({ status: "skipped", reason: "not_paid" });
    await prisma.invoiceRun.update({ where: { id: runId }, data: { state: "paid" } });
    await updateShopSettings(DEMO_SHOP_DOMAIN, { writeBackOrders: false });
    expect(await writeBackPaidRun(runId)).toEqual({ status: "skipped", reason: "disabled" });
    await updateShopSettings(DEMO_SHOP_DOMAIN, { writeBackOrders: true });
    expect(await writeBackPaidRun("no-such-run")).toEqual({ status: "skipped", reason: "unknown_run" });
    expect(created().some((record) => record.order.tags.includes(runTag(runId)))).toBe(false);
  });

  it("keeps Shopify's refusal as final, without calling again", async () => {
    const runId = await paidRunFrom("#1013", { shopifyCustomerId: "gid://shopify/Customer/999" });
    const before = created().length;
    const refused = await writeBackPaidRun(runId);
    expect(refused).toEqual({ status: "failed", message: "Customer does not exist." });
    expect(await writeBackPaidRun(runId)).toEqual(refused);
    expect(created()).toHaveLength(before);
  });

  it("sends an input that the real schema's OrderCreateOrderInput accepts", async () => {
    const runId = await paidRunFrom("#1015");
    const run = await findRunForWriteBack(runId);
    const variantIds = run!.snapshot.lines.flatMap((line) => (line.variantId ? [line.variantId] : []));
    const built = buildWriteBackOrder(run!, await fetchOrderForTemplate(admin, orderId("#1015")), await fetchExistingVariantIds(admin, variantIds));
    expect(built.ok).toBe(true);
    const type = getAdminSchema().getType("OrderCreateOrderInput");
    expect(type && isInputType(type)).toBe(true);
    const problems: string[] = [];
    coerceInputValue(built.ok ? built.order : null, type as Parameters<typeof coerceInputValue>[1], (path, _value, error) => problems.push(`${path.join(".")}: ${error.message}`));
    expect(problems).toEqual([]);
  });
});
