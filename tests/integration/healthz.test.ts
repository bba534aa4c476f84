import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { loader } from "~/routes/healthz";
import { checkHealth } from "~/services/health/check-health.server";
import { WORKER_STALE_AFTER_MS } from "~/services/health/worker-liveness.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { testWorker } from "../helpers/recurring";

afterEach(async () => {
  await prisma.workerHeartbeat.deleteMany();
});

describe("GET /healthz", () => {
  it("answers 200 with the database up when SQLite answers, and says no worker runs", async () => {
    const response = await loader();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      ok: true,
      database: "up",
      worker: { lastTickAt: null, lastTickAgeSeconds: null, alive: 0, status: "none" },
    });
  });

  it("reports a running worker's last tick; stale once no worker ticked within the bound; gone after a graceful stop", async () => {
    const clock = new ManualClock("2026-03-01T10:00:00Z");
    const worker = testWorker(new MemoryGateway(), clock, { tickMs: 20 });
    worker.start();
    try {
      await expect.poll(async () => (await checkHealth({ clock })).worker?.status, { timeout: 10_000, interval: 20 }).toBe("ok");
      const health = await checkHealth({ clock });
      expect(health).toMatchObject({ ok: true, database: "up", worker: { lastTickAt: "2026-03-01T10:00:00.000Z", alive: 1 } });

      // The worker's clock stands still while the monitor's moves past the bound: as if the worker hung.
      const later = new ManualClock(new Date(Date.parse("2026-03-01T10:00:00Z") + WORKER_STALE_AFTER_MS + 1_000).toISOString());
      const stale = await checkHealth({ clock: later });
      expect(stale).toMatchObject({ ok: true, worker: { status: "stale", alive: 0, lastTickAt: "2026-03-01T10:00:00.000Z" } });
      expect(stale.worker!.lastTickAgeSeconds).toBeGreaterThan(WORKER_STALE_AFTER_MS / 1000);
    } finally {
      await worker.stop();
    }
    expect((await checkHealth({ clock })).worker).toMatchObject({ status: "none", alive: 0 });
  });
});
