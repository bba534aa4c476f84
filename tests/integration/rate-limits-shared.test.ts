// Rate limits hold across web processes and restarts: the counters are in the
// database (app/http/rate-limit.server.ts). Two real app processes on this
// file's database (SQLite here; PostgreSQL with `npm run vitest:postgres`).
// Needs the production build (npm run build).
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { listRateLimitCounters } from "~/models/rate-limit.server";
import { BUDGETS } from "~/http/public-rate-limits.server";
import { startAppProcess, type AppProcess } from "../helpers/app-process";

const started: AppProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()));
});

async function start(): Promise<AppProcess> {
  const app = await startAppProcess();
  started.push(app);
  return app;
}

/** Views of one signing link (unknown: 404 until its budget is spent), from this machine's address. */
async function view(app: AppProcess, token: string, language = "en") {
  const response = await fetch(`${app.url}/sign/${token}`, { headers: { "accept-language": language }, redirect: "manual" });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() };
}

describe("rate limits shared by every web process", () => {
  it("two processes on one database spend one budget; a restart does not refill it", { timeout: 180_000 }, async () => {
    const [first, second] = await Promise.all([start(), start()]);
    const token = randomBytes(32).toString("base64url");
    const budget = BUDGETS.view.token.rule.points; // 30 views of one link per minute
    // Each process alone stays within the budget: 16 + 16 views go over it only if both count in one place.
    const perProcess = budget / 2 + 1;
    const statuses: number[] = [];
    for (let i = 0; i < perProcess; i++) {
      statuses.push((await view(first, token)).status);
      statuses.push((await view(second, token)).status);
    }
    expect(statuses.filter((status) => status === 404)).toHaveLength(budget);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * perProcess - budget);

    const refused = await view(second, token, "fr-FR,fr;q=0.9");
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body).toContain("Trop de tentatives");

    // A restart of the first process: the budget is where it was.
    await first.stop();
    started.splice(started.indexOf(first), 1);
    const restarted = await start();
    const afterRestart = await view(restarted, token);
    expect(afterRestart.status).toBe(429);
    expect(afterRestart.body).toContain("Too many attempts");

    // The counters name neither the link nor the address.
    const keys = (await listRateLimitCounters()).map((row) => row.key).join("\n");
    expect(keys).not.toContain(token);
    expect(keys).not.toContain("127.0.0.1");
  });
});
