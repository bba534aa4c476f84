// `npm start` on one SQLite file, several times: the README says more
// processes may share the database (they coordinate through leases). Each
// start migrates first (server/migrate.ts); a process started while another
// one holds the file open must find the database up to date and serve, not
// wait on `prisma migrate deploy`. Needs the production build (npm run build).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/demo/free-port";
import { sealEnv } from "../helpers/seal";

type Started = { child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function npmStart(databaseUrl: string): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "info", PORT: String(port), DATABASE_URL: databaseUrl };
  for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES"]) env[name] = process.env[name]!;
  // npm start runs in production, which refuses to start without a sealing certificate.
  Object.assign(env, await sealEnv());
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, port, output: () => output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

async function healthz(started: Started): Promise<{ status: number; database?: string }> {
  const response = await fetch(`http://127.0.0.1:${started.port}/healthz`);
  const body = (await response.json()) as { database?: string };
  return { status: response.status, database: body.database };
}

describe("npm start, several processes on one SQLite file", () => {
  it("a second and a third process start beside a running one, and every one answers /healthz", { timeout: 120_000 }, async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("Run `npm run build` first: npm start serves the production build.");
    const databaseUrl = `file:${path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, `shared-start-${process.pid}.sqlite`)}`;
    const first = await npmStart(databaseUrl);
    await expect.poll(first.output, { timeout: 45_000, interval: 100 }).toContain("ritournelle listening");

    // The first one holds the file (its embedded worker ticks); two more start at once beside it.
    const others = await Promise.all([npmStart(databaseUrl), npmStart(databaseUrl)]);
    for (const other of others) {
      await expect.poll(() => other.output() + (other.child.exitCode === null ? "" : `\nexited ${other.child.exitCode}`), { timeout: 60_000, interval: 100 }).toContain(
        "ritournelle listening",
      );
    }
    for (const started of [first, ...others]) expect(await healthz(started)).toMatchObject({ status: 200 });

    for (const started of [first, ...others]) started.child.kill("SIGTERM");
    expect(await Promise.all([first, ...others].map((started) => started.exited))).toEqual([0, 0, 0]);
  });
});
