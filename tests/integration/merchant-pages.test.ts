// The merchant's pages through their real route modules: real Requests with
// App Bridge session tokens, token exchange and every Admin call against the
// Shopify stand-in, a real SQLite database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import prisma from "~/db.server";
import { loader as homeLoader } from "~/routes/app._index";
import { loader as ordersLoader } from "~/routes/app.orders";
import { action as newAction, loader as newLoader } from "~/routes/app.templates.new";
import { action as listAction, loader as listLoader } from "~/routes/app.templates._index";
import { action as pageAction, loader as pageLoader } from "~/routes/app.templates.$id";
import { action as editAction, loader as editLoader } from "~/routes/app.templates.$id_.edit";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import type { TemplateFormValues } from "~/domain/template-form";
import type { FieldProblem } from "~/domain/template-input";
import { translator } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";
import { formatCivilDate } from "~/i18n/format";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";

let standIn: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

// ---------------------------------------------------------------------------
// Requests as the embedded admin sends them
// ---------------------------------------------------------------------------

const get = (shop: string, path: string) => adminFetchRequest(path, mintSessionToken(shop));
const postJson = (shop: string, path: string, body: unknown) =>
  adminFetchRequest(path, mintSessionToken(shop), { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const postForm = (shop: string, path: string, fields: Record<string, string>) =>
  adminFetchRequest(path, mintSessionToken(shop), { method: "POST", body: new URLSearchParams(fields) });

function orderId(shop: string, name: string): string {
  const order = standIn.control.orders(shop).find((o) => o.name === name);
  if (!order) throw new Error(`no ${name} in ${shop}`);
  return order.id;
}

const inParis = (days: number) => Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days }).toString();

type Ready = { state: "ready"; orderId: string; setup: { initialValues: TemplateFormValues; context: { currency: string }; snapshot: { orderTotal: number } } };

async function formFor(shop: string, name: string): Promise<Ready> {
  const loaded = routeAnswer<Ready>(await callRoute(newLoader, get(shop, `/app/templates/new?orderId=${encodeURIComponent(orderId(shop, name))}`)));
  expect(loaded.body.state).toBe("ready");
  return loaded.body;
}

async function createFrom(shop: string, name: string, change: Partial<TemplateFormValues> = {}): Promise<string> {
  const ready = await formFor(shop, name);
  const values = { ...ready.setup.initialValues, anchor: inParis(2), ...change };
  const created = routeAnswer(await callRoute(newAction, postJson(shop, "/app/templates/new", { orderId: ready.orderId, values })));
  expect(created.status).toBe(302);
  const id = /\/app\/templates\/([^?/]+)/.exec(created.location ?? "")?.[1];
  if (!id) throw new Error(`no template id in ${created.location}`);
  return id;
}

// ---------------------------------------------------------------------------

describe("orders page", () => {
  it("lists the shop's orders newest first, searchable, with cursors", async () => {
    const page = routeAnswer<{ orders: { name: string }[]; pageInfo: { hasNextPage: boolean }; timeZone: string }>(
      await callRoute(ordersLoader, get(DEMO_SHOP_DOMAIN, "/app/orders")),
    ).body;
    expect(page.orders.map((o) => o.name).slice(0, 3)).toEqual(["#1020", "#1019", "#1018"]);
    expect(page.orders).toHaveLength(20);
    expect(page.pageInfo.hasNextPage).toBe(false);
    // Token exchange recorded the shop with its time zone.
    expect(page.timeZone).toBe("Europe/Paris");

    const search = routeAnswer<{ orders: { name: string }[] }>(await callRoute(ordersLoader, get(DEMO_SHOP_DOMAIN, "/app/orders?q=name:%231007"))).body;
    expect(search.orders.map((o) => o.name)).toEqual(["#1007"]);
  });

  it("shows each shop its own orders only", async () => {
    const other = routeAnswer<{ orders: { id: string }[] }>(await callRoute(ordersLoader, get(OTHER_SHOP_DOMAIN, "/app/orders"))).body;
    const demoIds = new Set(standIn.control.orders(DEMO_SHOP_DOMAIN).map((o) => o.id));
    expect(other.orders.length).toBeGreaterThan(0);
    expect(other.orders.some((o) => demoIds.has(o.id))).toBe(false);
  });
});

describe("make recurring", () => {
  it("prepares the form from the order with the shop's defaults", async () => {
    const ready = await formFor(DEMO_SHOP_DOMAIN, "#1001");
    expect(ready.setup.context).toMatchObject({ currency: "EUR", taxesIncluded: true, timeZone: "Europe/Paris" });
    expect(ready.setup.initialValues).toMatchObject({ frequency: "monthly", timeOfDay: "09:00", daysUntilDue: "14", catchUp: "shop", endMode: "never" });
    expect(ready.setup.initialValues.lines.map((l) => l.unitPrice)).toEqual(["49.00", "29.90"]);
  });

  it("refuses, saying what to fix, an order without e-mail, without customer, or of another shop", async () => {
    const refusal = async (shop: string, id: string) =>
      routeAnswer<{ state: string; refusal: { code: string; values: Record<string, string> } }>(
        await callRoute(newLoader, get(shop, `/app/templates/new?orderId=${encodeURIComponent(id)}`)),
      ).body;
    expect(await refusal(DEMO_SHOP_DOMAIN, orderId(DEMO_SHOP_DOMAIN, "#1006"))).toMatchObject({ state: "refused", refusal: { code: "no_email", values: { order: "#1006" } } });
    expect(await refusal(DEMO_SHOP_DOMAIN, orderId(DEMO_SHOP_DOMAIN, "#1016"))).toMatchObject({ refusal: { code: "no_customer" } });
    expect(await refusal(DEMO_SHOP_DOMAIN, orderId(OTHER_SHOP_DOMAIN, "#1001"))).toMatchObject({ refusal: { code: "order_not_found" } });
    expect(await refusal(DEMO_SHOP_DOMAIN, "not-an-order")).toMatchObject({ refusal: { code: "invalid_order_id" } });
  });

  it("creates the template and redirects to its page", async () => {
    const id = await createFrom(DEMO_SHOP_DOMAIN, "#1007", { frequency: "quarterly", memo: "PO 4471" });
    const row = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      currency: "USD",
      scheduleEvery: 3,
      scheduleUnit: "month",
      scheduleAnchor: inParis(2),
      scheduleTimeZone: "Europe/Paris",
      memo: "PO 4471",
      status: "active",
      // 54.00 + 27.00 + shipping 35.00, export: no tax.
      periodTotal: 11600,
      sourceOrderId: orderId(DEMO_SHOP_DOMAIN, "#1007"),
    });
    // Each line keeps the product variant of the order line it came from, for the write-back.
    const ordered = standIn.control.orders(DEMO_SHOP_DOMAIN).find((o) => o.name === "#1007")!;
    const variantIds = (JSON.parse(row.lines) as { variantId?: string }[]).map((line) => line.variantId);
    expect(variantIds).toEqual(ordered.lineItems.map((line) => line.variantId));
    expect(variantIds.every((id) => id?.startsWith("gid://shopify/ProductVariant/"))).toBe(true);
  });

  it("answers every invalid field at once, and creates nothing", async () => {
    const before = await prisma.recurringTemplate.count();
    const ready = await formFor(DEMO_SHOP_DOMAIN, "#1002");
    const values: TemplateFormValues = {
      ...ready.setup.initialValues,
      anchor: inParis(-1),
      customerEmail: "nope",
      lines: [{ ...ready.setup.initialValues.lines[0]!, quantity: "0" }],
      endMode: "after",
      endAfterCount: "0",
    };
    const refused = routeAnswer<{ errors: Record<string, string> }>(await callRoute(newAction, postJson(DEMO_SHOP_DOMAIN, "/app/templates/new", { orderId: ready.orderId, values })));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({
      "schedule.anchor": "anchor_past",
      "customer.email": "email_invalid",
      "lines.0.quantity": "quantity_invalid",
      "schedule.end.afterCount": "after_count_invalid",
    });
    expect(await prisma.recurringTemplate.count()).toBe(before);

    const garbage = routeAnswer(await callRoute(newAction, postJson(DEMO_SHOP_DOMAIN, "/app/templates/new", { orderId: ready.orderId, values: { lines: "x" } })));
    expect(garbage.status).toBe(400);
  });
});

describe("templates list, page and actions", () => {
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    mine = await createFrom(DEMO_SHOP_DOMAIN, "#1001");
    theirs = await createFrom(OTHER_SHOP_DOMAIN, "#1001");
  });

  it("lists the shop's templates with status counts, and filters", async () => {
    const all = routeAnswer<{ rows: { id: string; status: string; currency: string }[]; counts: Record<string, number> }>(
      await callRoute(listLoader, get(DEMO_SHOP_DOMAIN, "/app/templates")),
    ).body;
    expect(all.rows.map((r) => r.id)).toContain(mine);
    expect(all.rows.map((r) => r.id)).not.toContain(theirs);
    expect(all.counts.active).toBe(all.rows.length);
    const paused = routeAnswer<{ rows: unknown[] }>(await callRoute(listLoader, get(DEMO_SHOP_DOMAIN, "/app/templates?status=paused"))).body;
    expect(paused.rows).toEqual([]);
  });

  it("pauses and resumes in bulk, leaving another shop's ids alone", async () => {
    const paused = routeAnswer<{ changed: number; skipped: number }>(
      await callRoute(listAction, postJson(DEMO_SHOP_DOMAIN, "/app/templates", { intent: "pause", ids: [mine, theirs] })),
    ).body;
    expect(paused).toMatchObject({ changed: 1, skipped: 1 });
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: mine } })).status).toBe("paused");
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: theirs } })).status).toBe("active");
    const resumed = routeAnswer<{ changed: number }>(await callRoute(listAction, postJson(DEMO_SHOP_DOMAIN, "/app/templates", { intent: "resume", ids: [mine] }))).body;
    expect(resumed.changed).toBe(1);
  });

  it("shows a template with its invoices and audit trail; another shop's id is 404", async () => {
    const page = routeAnswer<{ template: { id: string; customerName: string }; runs: unknown[]; events: { type: string }[] }>(
      await callRoute(pageLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`), { id: mine }),
    ).body;
    expect(page.template).toMatchObject({ id: mine, customerName: "Camille Dubois" });
    expect(page.events.map((e) => e.type)).toEqual(["template.resumed", "template.paused", "template.created"]);

    expect(routeAnswer(await callRoute(pageLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${theirs}`), { id: theirs })).status).toBe(404);
    expect(routeAnswer(await callRoute(pageLoader, get(DEMO_SHOP_DOMAIN, "/app/templates/nope"), { id: "nope" })).status).toBe(404);
    expect(routeAnswer(await callRoute(editLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${theirs}/edit`), { id: theirs })).status).toBe(404);
  });

  it("cannot change another shop's template or run", async () => {
    for (const intent of ["pause", "cancel", "skip"]) {
      const refused = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${theirs}`, { intent }), { id: theirs }));
      expect(refused.status).toBe(404);
    }
    const run = await failedRun(theirs);
    const retry = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${theirs}`, { intent: "retry", runId: run }), { id: theirs }));
    expect(retry.status).toBe(404);
    // Nor through one of its own templates' URL.
    const smuggled = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "retry", runId: run }), { id: mine }));
    expect(smuggled.status).toBe(404);
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run } })).state).toBe("failed");
    const edit = routeAnswer(await callRoute(editAction, postJson(DEMO_SHOP_DOMAIN, `/app/templates/${theirs}/edit`, { values: {} }), { id: theirs }));
    expect(edit.status).toBe(400);
    expect((await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: theirs } })).status).toBe("active");
  });

  it("retries a failed run, skips the next period, and says why an action does not apply", async () => {
    const run = await failedRun(mine);
    const retried = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "retry", runId: run }), { id: mine }));
    expect(retried.body).toEqual({ ok: true, action: "retry", message: "The invoice will be issued again in a moment." });
    expect((await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run } })).state).toBe("issuing");

    const before = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: mine } });
    const skipped = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "skip" }), { id: mine }));
    expect(skipped.body).toEqual({ ok: true, action: "skip", message: "The next invoice will not be sent." });
    const after = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: mine } });
    expect(after.nextPeriodIndex).toBe(before.nextPeriodIndex + 1);

    const resumeActive = routeAnswer<{ ok: boolean }>(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "resume" }), { id: mine }));
    expect(resumeActive.body.ok).toBe(true);
    const bogus = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "explode" }), { id: mine }));
    expect(bogus.status).toBe(400);
  });

  it("edits lines and schedule with field errors, then cancels", async () => {
    const setup = routeAnswer<{ initialValues: TemplateFormValues; editable: boolean }>(
      await callRoute(editLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${mine}/edit`), { id: mine }),
    ).body;
    expect(setup.editable).toBe(true);
    const values = setup.initialValues;
    const invalid = routeAnswer<{ errors: Record<string, string> }>(
      await callRoute(editAction, postJson(DEMO_SHOP_DOMAIN, `/app/templates/${mine}/edit`, { values: { ...values, daysUntilDue: "400", lines: [] } }), { id: mine }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual({ lines: "no_lines", "policies.daysUntilDue": "days_until_due_invalid" });

    const importedVariants = values.lines.map((line) => line.variantId);
    expect(importedVariants).toEqual(["gid://shopify/ProductVariant/45100000000011", "gid://shopify/ProductVariant/45100000000021"]);
    const lines = [
      { ...values.lines[0]!, quantity: "2", title: "Location espresso" },
      values.lines[1]!,
      // A line added by hand, posted with a variant id it never had: it stays a custom line.
      { key: "new-1", title: "Échantillon offert", variantId: "gid://shopify/ProductVariant/45100000000051", quantity: "1", unitPrice: "0", discount: "0", taxLines: [] },
    ];
    const saved = routeAnswer(await callRoute(editAction, postJson(DEMO_SHOP_DOMAIN, `/app/templates/${mine}/edit`, { values: { ...values, lines, daysUntilDue: "30" } }), { id: mine }));
    expect(saved.status).toBe(302);
    const row = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: mine } });
    // 2 × 49.00 + 29.90 + 0.00 + shipping 6.90, VAT included.
    expect(row).toMatchObject({ periodTotal: 13480, daysUntilDue: 30 });
    expect((JSON.parse(row.lines) as { title: string; variantId?: string }[]).map((line) => [line.title, line.variantId])).toEqual([
      ["Location espresso", importedVariants[0]],
      [values.lines[1]!.title, importedVariants[1]],
      ["Échantillon offert", undefined],
    ]);

    const cancelled = routeAnswer(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "cancel" }), { id: mine }));
    expect(cancelled.body).toEqual({ ok: true, action: "cancel", message: "Cancelled. No further invoice will be sent." });
    const paused = routeAnswer<{ ok: boolean; code: string }>(await callRoute(pageAction, postForm(DEMO_SHOP_DOMAIN, `/app/templates/${mine}`, { intent: "pause" }), { id: mine }));
    expect(paused).toMatchObject({
      status: 409,
      body: { ok: false, code: "template_closed", message: "This recurring invoice has ended or was cancelled: nothing can change it any more." },
    });
    const closedEdit = routeAnswer<{ editable: boolean }>(await callRoute(editLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${mine}/edit`), { id: mine })).body;
    expect(closedEdit.editable).toBe(false);
  });
});

describe("home", () => {
  it("shows failed runs first, the next 30 days and MRR per currency", async () => {
    const id = await createFrom(DEMO_SHOP_DOMAIN, "#1008", { frequency: "weekly" });
    await failedRun(id);
    const home = routeAnswer<{
      dashboard: {
        attention: { state: string; templateId: string; failure: { explanation: string; detail: string | null } | null }[];
        upcoming: { templateId: string; date: string; amount: number; currency: string }[];
        mrr: { currency: string; monthly: number }[];
        billingConnected: boolean;
      };
    }>(await callRoute(homeLoader, get(DEMO_SHOP_DOMAIN, "/app"))).body;
    expect(home.dashboard.attention[0]).toMatchObject({
      state: "failed",
      templateId: id,
      failure: {
        explanation: "Stripe refused the customer's e-mail address. Correct it with Edit, then click Retry.",
        detail: "Details: The customer's e-mail bounced.",
      },
    });
    const weekly = home.dashboard.upcoming.filter((u) => u.templateId === id);
    // Weekly from two days from now at 09:00 Paris: days 2, 9, 16, 23 and, if 09:00 is already past today, 30.
    const horizon = Temporal.Now.instant().add({ hours: 30 * 24 });
    const expected = [2, 9, 16, 23, 30]
      .map((days) => inParis(days))
      .filter((date) => Temporal.Instant.compare(Temporal.PlainDateTime.from(`${date}T09:00`).toZonedDateTime("Europe/Paris").toInstant(), horizon) <= 0);
    expect(weekly.map((u) => u.date)).toEqual(expected);
    expect(weekly[0]).toMatchObject({ amount: 31500, currency: "JPY" });
    // 31500 JPY weekly → 31500 × 52 / 12 = 136500.
    expect(home.dashboard.mrr.find((m) => m.currency === "JPY")).toEqual({ currency: "JPY", monthly: 136500 });
    expect(home.dashboard.billingConnected).toBe(false);
  });

  it("leads a shop without templates to the orders page", async () => {
    await prisma.recurringTemplate.deleteMany({ where: { shop: { domain: OTHER_SHOP_DOMAIN } } });
    const home = routeAnswer<{ dashboard: { templateCounts: Record<string, number> } }>(await callRoute(homeLoader, get(OTHER_SHOP_DOMAIN, "/app"))).body;
    expect(Object.values(home.dashboard.templateCounts).every((count) => count === 0)).toBe(true);
  });
});

describe("in French", () => {
  type RunWithFailure = { id: string; state: string; failure: { explanation: string; detail: string | null } | null };
  const setLocale = (locale: string) => prisma.shop.update({ where: { domain: DEMO_SHOP_DOMAIN }, data: { locale } });
  afterAll(() => setLocale("en"));

  it("a failed run says why and what to do in French, with the recorded detail, on the template page and at home", async () => {
    const id = await createFrom(DEMO_SHOP_DOMAIN, "#1008");
    const run = await failedRun(id);
    await setLocale("fr");
    const expected = {
      explanation: "Stripe a refusé l’adresse e-mail du client. Corrigez-la avec Modifier, puis cliquez sur Réessayer.",
      detail: "Détails : The customer's e-mail bounced.",
    };

    const page = routeAnswer<{ runs: RunWithFailure[] }>(await callRoute(pageLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${id}`), { id })).body;
    expect(page.runs.find((r) => r.id === run)).toMatchObject({ state: "failed", failure: expected });
    // Runs that did not fail carry no explanation.
    expect(page.runs.filter((r) => r.id !== run).every((r) => r.failure === null)).toBe(true);

    const home = routeAnswer<{ dashboard: { attention: { runId: string; failure: unknown }[] } }>(await callRoute(homeLoader, get(DEMO_SHOP_DOMAIN, "/app"))).body;
    expect(home.dashboard.attention.find((item) => item.runId === run)?.failure).toEqual(expected);

    // A code the app does not know (an older release's, say): the generic line, and the detail still shown.
    await prisma.invoiceRun.update({ where: { id: run }, data: { lastErrorCode: "something_new" } });
    const unknown = routeAnswer<{ runs: RunWithFailure[] }>(await callRoute(pageLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${id}`), { id })).body;
    expect(unknown.runs.find((r) => r.id === run)?.failure).toEqual({
      explanation: "Cette facture n’a pas pu être émise. Cliquez sur Réessayer ; si l’échec se répète, contactez l’assistance.",
      detail: expected.detail,
    });
  });

  it("the templates service's refusal of a past first invoice date reaches the form as a code the page says in French", async () => {
    const id = await createFrom(DEMO_SHOP_DOMAIN, "#1008");
    // The schedule started a week ago: the form keeps the current first date, so only the server can refuse
    // it once the frequency changes (a new schedule cannot start in the past).
    const past = inParis(-7);
    const before = await prisma.recurringTemplate.update({ where: { id }, data: { scheduleAnchor: past } });
    await setLocale("fr");
    const setup = routeAnswer<{ initialValues: TemplateFormValues }>(await callRoute(editLoader, get(DEMO_SHOP_DOMAIN, `/app/templates/${id}/edit`), { id })).body;
    expect(setup.initialValues.anchor).toBe(past);

    const refused = routeAnswer<{ errors: Record<string, string>; messages: Record<string, FieldProblem> }>(
      await callRoute(editAction, postJson(DEMO_SHOP_DOMAIN, `/app/templates/${id}/edit`, { values: { ...setup.initialValues, frequency: before.scheduleUnit === "week" ? "monthly" : "weekly" } }), { id }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({});
    const today = inParis(0);
    expect(refused.body.messages).toEqual({
      "schedule.anchor": { code: "anchor_in_past", values: { date: { civilDate: past }, earliest: { civilDate: today } } },
    });
    // What the form shows beside the field and in its Banner (TemplateForm renders with this function).
    const shown = fieldErrorText(translator("fr"), "fr", refused.body.messages["schedule.anchor"]!);
    expect(shown).toBe(
      `La date de la première facture, ${formatCivilDate(past, "fr")}, est passée. Choisissez le ${formatCivilDate(today, "fr")} ou une date ultérieure.`,
    );
    expect(shown).not.toContain(past);
    // Nothing changed.
    expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id } })).toMatchObject({ scheduleAnchor: past, scheduleUnit: before.scheduleUnit });
  });
});

describe("settings", () => {
  it("saves the defaults and write-back, refuses invalid values per field", async () => {
    const saved = routeAnswer<{ ok: boolean }>(
      await callRoute(settingsAction, postForm(DEMO_SHOP_DOMAIN, "/app/settings", { daysUntilDue: "30", timeOfDay: "07:30", catchUp: "latest", writeBackOrders: "on" })),
    );
    expect(saved.body.ok).toBe(true);
    const loaded = routeAnswer<{ settings: Record<string, unknown>; billing: { connected: boolean } }>(await callRoute(settingsLoader, get(DEMO_SHOP_DOMAIN, "/app/settings"))).body;
    expect(loaded.settings).toEqual({ defaultRail: "stripe", daysUntilDue: 30, timeOfDay: "07:30", catchUp: "latest", signatureRequested: false, writeBackOrders: true });
    expect(loaded.billing.connected).toBe(false);
    const afterFailedConnect = routeAnswer<{ stripeError: string | null }>(await callRoute(settingsLoader, get(DEMO_SHOP_DOMAIN, "/app/settings?stripe_error=connect_failed"))).body;
    expect(afterFailedConnect.stripeError).toBe("connect_failed");
    const forged = routeAnswer<{ stripeError: string | null }>(await callRoute(settingsLoader, get(DEMO_SHOP_DOMAIN, "/app/settings?stripe_error=%3Cscript%3E"))).body;
    expect(forged.stripeError).toBeNull();

    const refused = routeAnswer<{ errors: Record<string, string> }>(
      await callRoute(settingsAction, postForm(DEMO_SHOP_DOMAIN, "/app/settings", { daysUntilDue: "-1", timeOfDay: "7h", catchUp: "sometimes" })),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({ daysUntilDue: "days_until_due_invalid", timeOfDay: "time_invalid", catchUp: "catch_up_invalid" });

    // New templates take the new defaults.
    const ready = await formFor(DEMO_SHOP_DOMAIN, "#1003");
    expect(ready.setup.initialValues).toMatchObject({ daysUntilDue: "30", timeOfDay: "07:30" });
  });
});

/** A run of `templateId` that failed (as the worker would leave it). */
async function failedRun(templateId: string): Promise<string> {
  const template = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } });
  const last = await prisma.invoiceRun.findFirst({ where: { templateId }, orderBy: { periodIndex: "desc" } });
  const run = await prisma.invoiceRun.create({
    data: {
      shopId: template.shopId,
      templateId,
      periodIndex: (last?.periodIndex ?? -1) + 1 + 100,
      periodDate: inParis(-3),
      scheduledAt: new Date(),
      state: "failed",
      step: "customer",
      lastErrorCode: "customer_email_invalid",
      lastErrorMessage: "The customer's e-mail bounced.",
      currency: template.currency,
      expectedTotal: template.periodTotal,
      snapshot: JSON.stringify({ customer: JSON.parse(template.customer), lines: [], daysUntilDue: 14, signatureRequested: false }),
    },
  });
  return run.id;
}
