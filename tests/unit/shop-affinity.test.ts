// Which worker a shop's runs go to first (app/domain/shop-affinity.ts):
// rendezvous hashing over the workers alive.
import { describe, expect, it } from "vitest";
import { preferredWorker } from "~/domain/shop-affinity";

const shops = Array.from({ length: 1_000 }, (_, index) => `shop_${index}`);
const workers = ["worker-a", "worker-b", "worker-c", "worker-d"];

describe("the worker a shop's runs go to first", () => {
  it("is one of the workers alive, the same whatever order they are listed in, none without workers", () => {
    for (const shop of shops.slice(0, 50)) {
      expect(workers).toContain(preferredWorker(shop, workers));
      expect(preferredWorker(shop, [...workers].reverse())).toBe(preferredWorker(shop, workers));
    }
    expect(preferredWorker("shop_1", [])).toBeUndefined();
  });

  it("shares the shops out about evenly", () => {
    const counts = new Map<string, number>();
    for (const shop of shops) counts.set(preferredWorker(shop, workers)!, (counts.get(preferredWorker(shop, workers)!) ?? 0) + 1);
    for (const worker of workers) expect(counts.get(worker)).toBeGreaterThan(200); // 250 each on average
  });

  it("moves only the shops of a worker that stopped, and gives a new worker shops from each", () => {
    const before = new Map(shops.map((shop) => [shop, preferredWorker(shop, workers)]));
    const without = workers.filter((worker) => worker !== "worker-b");
    for (const shop of shops) if (before.get(shop) !== "worker-b") expect(preferredWorker(shop, without)).toBe(before.get(shop));
    const joined = [...workers, "worker-e"];
    const moved = shops.filter((shop) => preferredWorker(shop, joined) !== before.get(shop));
    expect(moved.every((shop) => preferredWorker(shop, joined) === "worker-e")).toBe(true);
    expect(new Set(moved.map((shop) => before.get(shop))).size).toBe(4);
  });
});
