// The templates list in keyset pages (app/services/templates/list-page.server.ts):
// what a merchant paging through many recurring invoices sees — every
// template exactly once, newest first, and links (cursors) that keep showing
// the same rows while templates are added.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { createTemplate } from "~/services/templates/create.server";
import { listTemplates, TEMPLATES_PAGE_SIZE } from "~/services/templates/list-page.server";
import { pauseTemplate } from "~/services/templates/pause.server";
import { loadDashboard } from "~/services/dashboard/load-dashboard.server";
import { createShop, PERIOD_TOTAL, templateInput } from "../helpers/recurring";

async function shopWithTemplates(count: number) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop({ domain: `pages-${count}-${Math.random().toString(36).slice(2, 8)}.myshopify.com` });
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await createTemplate(shop, templateInput(), { clock })).id);
  return { shop, ids, clock };
}

/** Ids newest first, as the list orders them (creation time, then id). */
async function newestFirst(shopId: string, status?: string) {
  const rows = await prisma.recurringTemplate.findMany({ where: { shopId, ...(status ? { status } : {}) }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map((row) => row.id);
}

describe("the templates list, page by page", () => {
  it("shows every template once, newest first, forward to the end and back to the start", async () => {
    const { shop } = await shopWithTemplates(TEMPLATES_PAGE_SIZE + 5);
    const other = await shopWithTemplates(2);
    const expected = await newestFirst(shop.id);

    const first = await listTemplates(shop, { filter: "all" });
    expect(first.rows.map((row) => row.id)).toEqual(expected.slice(0, TEMPLATES_PAGE_SIZE));
    expect(first.previous).toBeNull();
    expect(first.counts.active).toBe(TEMPLATES_PAGE_SIZE + 5);

    const second = await listTemplates(shop, { filter: "all", after: first.next! });
    expect(second.rows.map((row) => row.id)).toEqual(expected.slice(TEMPLATES_PAGE_SIZE));
    expect(second.next).toBeNull();
    expect(second.rows.map((row) => row.id)).not.toContain(other.ids[0]);

    const back = await listTemplates(shop, { filter: "all", before: second.previous! });
    expect(back.rows.map((row) => row.id)).toEqual(expected.slice(0, TEMPLATES_PAGE_SIZE));
    expect(back.previous).toBeNull();
    expect(back.next).toBe(first.next);
  });

  it("a page's link shows the same rows after a template is added (an offset would shift them by one)", async () => {
    const { shop, clock } = await shopWithTemplates(TEMPLATES_PAGE_SIZE + 3);
    const first = await listTemplates(shop, { filter: "all" });
    const before = await listTemplates(shop, { filter: "all", after: first.next! });

    clock.set("2026-01-11T10:00:00Z");
    const added = await createTemplate(shop, templateInput(), { clock });
    const after = await listTemplates(shop, { filter: "all", after: first.next! });
    expect(after.rows.map((row) => row.id)).toEqual(before.rows.map((row) => row.id));
    expect((await listTemplates(shop, { filter: "all" })).rows[0]!.id).toBe(added.id);
  });

  it("pages through one status only, and a link whose rows are gone shows the first page", async () => {
    const { shop, ids, clock } = await shopWithTemplates(TEMPLATES_PAGE_SIZE + 4);
    for (const id of ids.slice(0, TEMPLATES_PAGE_SIZE + 2)) await pauseTemplate(shop, id, { clock });
    const paused = await newestFirst(shop.id, "paused");

    const first = await listTemplates(shop, { filter: "paused" });
    expect(first.rows.map((row) => row.id)).toEqual(paused.slice(0, TEMPLATES_PAGE_SIZE));
    const second = await listTemplates(shop, { filter: "paused", after: first.next! });
    expect(second.rows.map((row) => row.id)).toEqual(paused.slice(TEMPLATES_PAGE_SIZE));
    expect(second.rows.every((row) => row.status === "paused")).toBe(true);

    await prisma.recurringTemplate.deleteMany({ where: { id: { in: paused.slice(TEMPLATES_PAGE_SIZE - 1) } } });
    const gone = await listTemplates(shop, { filter: "paused", after: first.next! });
    expect(gone.rows.map((row) => row.id)).toEqual(paused.slice(0, TEMPLATES_PAGE_SIZE - 1));
    expect(gone.previous).toBeNull();
  });
});

describe("the home page's recurring revenue, summed by the database", () => {
  it("adds every active template, by currency and frequency, rounded once; paused ones do not count", async () => {
    const { shop, ids, clock } = await shopWithTemplates(3);
    const weekly = { every: 2, unit: "week" as const, anchor: "2026-01-15", timeOfDay: "09:00", timeZone: "Europe/Paris" };
    for (let index = 0; index < 3; index++) await createTemplate(shop, templateInput({ schedule: weekly }), { clock });
    await createTemplate(shop, templateInput({ currency: "USD" }), { clock });
    await pauseTemplate(shop, ids[0]!, { clock });

    const { mrr } = await loadDashboard(shop, { clock });
    // EUR: 2 monthly × 54.70, and 3 every two weeks × 54.70 × 52 / 12 / 2 = 355.55 (rounded once, not per template).
    expect(mrr).toEqual([
      { currency: "EUR", monthly: 2 * PERIOD_TOTAL + Math.round((3 * PERIOD_TOTAL * 52) / 24) },
      { currency: "USD", monthly: PERIOD_TOTAL },
    ]);
  });
});
