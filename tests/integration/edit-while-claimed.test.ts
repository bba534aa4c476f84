// A merchant edits a recurring invoice's lines while a worker has already
// claimed its next run (planned, not started): the invoice is issued from
// one plan, the one the run's page shows and its total is checked against —
// never the lines the claim read with the total the edit wrote. Found by
// the chaos campaign (seed 1, full size, on PostgreSQL): a run failed
// `total_mismatch` ("Stripe computed 24.80 EUR … expected 31.00 EUR") and its
// period went uninvoiced after the merchant raised a quantity.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { replannableRunsOfTemplate, replanRuns, type LeasedRun } from "~/models/invoice-run.server";
import { createTemplate } from "~/services/templates/create.server";
import { editTemplate } from "~/services/templates/edit.server";
import { claimWorkableRuns } from "~/worker/run-lanes";
import { MemoryGateway } from "../helpers/memory-gateway";
import { claimAndPlan, issueUnderLease, LEASE_MS } from "../helpers/leases";
import { createShop, PERIOD_TOTAL, templateInput } from "../helpers/recurring";

const WORKER_ID = "worker-a";
/** The edit: three bags instead of two. */
const EDITED_LINES = [{ title: "Café en grains", variantTitle: "1 kg", sku: "CAFE-1K", quantity: 3, unitAmount: 2490, taxLines: [{ title: "TVA", ratePercent: "20" }] }];
const EDITED_TOTAL = 3 * 2490 + 490;

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany();
});

/** A monthly template whose first period (15 January) is planned and claimed by a worker. */
async function claimedRun() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await createShop();
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-01-15T08:30:00Z");
  await claimAndPlan(template.id, clock, { workerId: WORKER_ID });
  const [claimed] = await claimWorkableRuns({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 1, leaseMs: LEASE_MS });
  expect(claimed).toMatchObject({ state: "planned", expectedTotal: PERIOD_TOTAL });
  return { clock, shop, template, claimed: claimed! };
}

function issue(run: LeasedRun, gateway: MemoryGateway, clock: ManualClock) {
  return issueUnderLease(run, gateway, clock, { workerId: WORKER_ID });
}

describe("an edit while a worker holds the next run", () => {
  it("the run's lease ran out before it started (a slow worker), the edit re-planned it: the invoice has the edited lines", async () => {
    const { clock, shop, template, claimed } = await claimedRun();
    clock.advance(LEASE_MS + 1);
    await editTemplate(shop, template.id, { lines: EDITED_LINES }, { clock });
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: claimed.id } })).toMatchObject({ expectedTotal: EDITED_TOTAL });

    const gateway = new MemoryGateway();
    expect(await issue(claimed, gateway, clock)).toBe("sent");
    // What Stripe invoiced is what the merchant saved, and what the run's page says.
    expect(gateway.invoices().map((invoice) => invoice.total)).toEqual([EDITED_TOTAL]);
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: claimed.id } })).toMatchObject({ state: "sent", expectedTotal: EDITED_TOTAL, invoicedTotal: EDITED_TOTAL });
  });

  it("the edit read the runs just before the worker's claim committed: the claimed run keeps its plan, the invoice matches it", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:30:00Z");
    await claimAndPlan(template.id, clock, { workerId: WORKER_ID });
    // The edit's transaction reads the replannable runs (PostgreSQL, READ COMMITTED: it does not lock them)…
    const read = await replannableRunsOfTemplate(template.id, clock.nowDate(), prisma);
    expect(read).toHaveLength(1);
    // …a worker's claim commits…
    const [claimed] = await claimWorkableRuns({ now: clock.nowDate(), owner: WORKER_ID, batchSize: 1, leaseMs: LEASE_MS });
    // …then the edit writes the new plan: the run a worker now holds is left as the claim read it.
    const edited = { ...read[0]!.snapshot, lines: read[0]!.snapshot.lines.map((line) => ({ ...line, quantity: 3 })) };
    expect(await replanRuns([read[0]!.id], edited, "EUR", EDITED_TOTAL, clock.nowDate(), prisma)).toEqual([]);
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: claimed!.id } })).toMatchObject({ expectedTotal: PERIOD_TOTAL });

    const gateway = new MemoryGateway();
    expect(await issue(claimed!, gateway, clock)).toBe("sent");
    expect(gateway.invoices().map((invoice) => invoice.total)).toEqual([PERIOD_TOTAL]);
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: claimed!.id } })).toMatchObject({ state: "sent", expectedTotal: PERIOD_TOTAL, invoicedTotal: PERIOD_TOTAL });
  });

  it("an edit with no worker involved re-plans the planned run and records it", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await createShop();
    const template = await createTemplate(shop, templateInput(), { clock });
    clock.set("2026-01-15T08:30:00Z");
    await claimAndPlan(template.id, clock, { workerId: WORKER_ID });
    await editTemplate(shop, template.id, { lines: EDITED_LINES }, { clock });
    const [run] = await prisma.invoiceRun.findMany({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "planned", expectedTotal: EDITED_TOTAL });
    expect(await prisma.runEvent.count({ where: { runId: run!.id, type: "run.replanned" } })).toBe(1);
  });
});
