// Shops take turns in the work claim (invoice-run.server.ts, claimOrder; on
// PostgreSQL the claim's own statement, hot-sql.server.ts): a shop whose
// invoices all fell due first does not fill every claim while another
// shop's wait behind them. Found by the lag bench: 10,000 invoices due in one
// minute, each second's from one shop, left at 8 to 10 a second instead of the
// accounts' 80, the lanes all on one or two shops' rate limits.
// Runs on SQLite and PostgreSQL (`npm run vitest:postgres`, and CI).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { logger } from "~/logger.server";
import { preferredWorker } from "~/domain/shop-affinity";
import { createTemplate } from "~/services/templates/create.server";
import { claimWorkableRuns } from "~/worker/run-lanes";
import { planDueTemplates } from "~/worker/scheduler";
import { createShop, templateInput } from "../helpers/recurring";

beforeAll(async () => {
  await configureDatabase(prisma);
});

beforeEach(async () => {
  await prisma.shop.deleteMany(); // and their templates and runs
});

/** `count` monthly templates of a new shop, each its own customer, due on 15 January at `timeOfDay` (Paris). */
async function shopWithDueTemplates(name: string, count: number, timeOfDay: string, clock: ManualClock) {
  const shop = await createShop({ domain: `${name}.myshopify.com`, billingAccountId: `acct_${name}` });
  const input = templateInput();
  for (let index = 0; index < count; index++) {
    const customer = { ...input.customer, shopifyCustomerId: `gid://shopify/Customer/${name.length * 1000 + index}` };
    await createTemplate(shop, { ...input, customer, schedule: { ...input.schedule, timeOfDay } }, { clock });
  }
  return shop;
}

describe("the work claim lets shops take turns", () => {
  it("a shop whose 8 runs fell due first does not fill the claim: the other shop's runs come second and fourth", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const early = await shopWithDueTemplates("early-backlog", 8, "08:00", clock);
    const late = await shopWithDueTemplates("later", 3, "08:30", clock);
    clock.set("2026-01-15T09:00:00Z");
    const planned = await planDueTemplates({ workerId: "planner", clock, batchSize: 100, leaseMs: 60_000, maxPeriodsPerTemplate: 5, lateToleranceMs: 86_400_000, shouldStop: () => false, logger });
    expect(planned.planned).toBe(11);

    const claimed = await claimWorkableRuns({ now: clock.nowDate(), owner: "fair", batchSize: 4, leaseMs: 60_000 });

    const shopOf = (run: { shopId: string }) => (run.shopId === early.id ? "early" : run.shopId === late.id ? "later" : "?");
    expect(claimed.map(shopOf)).toEqual(["early", "later", "early", "later"]);
    // Within each shop, oldest first; the rest wait for the next claim.
    const next = await claimWorkableRuns({ now: clock.nowDate(), owner: "fair", batchSize: 10, leaseMs: 60_000 });
    expect(next.map(shopOf)).toEqual(["early", "later", "early", "early", "early", "early", "early"]);
  });

  it("alone, a shop's runs are claimed oldest first, as many as asked", async () => {
    const clock = new ManualClock("2026-01-10T10:00:00Z");
    const shop = await shopWithDueTemplates("alone", 6, "08:00", clock);
    clock.set("2026-01-15T09:00:00Z");
    await planDueTemplates({ workerId: "planner", clock, batchSize: 100, leaseMs: 60_000, maxPeriodsPerTemplate: 5, lateToleranceMs: 86_400_000, shouldStop: () => false, logger });

    const claimed = await claimWorkableRuns({ now: clock.nowDate(), owner: "fair", batchSize: 4, leaseMs: 60_000 });

    expect(claimed).toHaveLength(4);
    expect(claimed.every((run) => run.shopId === shop.id)).toBe(true);
    const dueTimes = claimed.map((run) => run.scheduledAt.getTime());
    expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
  });
});

/**
 * Six shops with `runsPerShop` due runs each, planned, and two worker names
 * that share them out between them (rendezvous hashing: whichever split, but
 * not all to one).
 */
async function sixShopsForTwoWorkers(name: string, runsPerShop: number) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shops: Awaited<ReturnType<typeof shopWithDueTemplates>>[] = [];
  for (let index = 0; index < 6; index++) shops.push(await shopWithDueTemplates(`${name}-${index}`, runsPerShop, "08:00", clock));
  clock.set("2026-01-15T09:00:00Z");
  await planDueTemplates({ workerId: "planner", clock, batchSize: 100, leaseMs: 60_000, maxPeriodsPerTemplate: 5, lateToleranceMs: 86_400_000, shouldStop: () => false, logger });
  const workers = Array.from({ length: 50 }, (_, k) => [`worker-${k}`, `worker-${k + 1}`] as const).find((pair) => new Set(shops.map((shop) => preferredWorker(shop.id, pair))).size === 2)!;
  const ownShops = (worker: string) => new Set(shops.filter((shop) => preferredWorker(shop.id, workers) === worker).map((shop) => shop.id));
  return { clock, shops, workers, ownShops };
}

describe("with several workers alive, each takes its own shops' runs first (app/domain/shop-affinity.ts)", () => {
  it("a worker's claim takes the runs of the shops it is preferred for, shops taking turns, then the other workers' shops'", async () => {
    const { clock, shops, workers, ownShops } = await sixShopsForTwoWorkers("affine", 3);
    const [me] = workers;
    const mine = ownShops(me);

    const first = await claimWorkableRuns({ now: clock.nowDate(), owner: me, batchSize: 3 * mine.size, leaseMs: 60_000, workers });
    expect(first.every((run) => mine.has(run.shopId)), "the first claim holds only the claiming worker's shops").toBe(true);
    expect(first.slice(0, mine.size).map((run) => run.shopId).sort()).toEqual([...mine].sort()); // each of its shops' oldest, then the second…

    // Nothing of its own left: it takes the other worker's shops' runs rather than leave them waiting.
    const second = await claimWorkableRuns({ now: clock.nowDate(), owner: me, batchSize: 100, leaseMs: 60_000, workers });
    expect(second).toHaveLength(3 * (shops.length - mine.size));
    expect(second.some((run) => mine.has(run.shopId))).toBe(false);
  });

  it("the other worker, claiming at the same time, starts with its own shops", async () => {
    const { clock, workers, ownShops } = await sixShopsForTwoWorkers("split", 2);

    const claims = await Promise.all(workers.map((worker) => claimWorkableRuns({ now: clock.nowDate(), owner: worker, batchSize: 2 * ownShops(worker).size, leaseMs: 60_000, workers })));
    claims.forEach((claimed, index) => {
      const own = ownShops(workers[index]!);
      expect(claimed.map((run) => run.shopId).every((shopId) => own.has(shopId)), `${workers[index]} took only its own shops`).toBe(true);
      expect(claimed).toHaveLength(2 * own.size);
    });
  });
});
