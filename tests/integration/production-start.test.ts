// `npm start` (node --import tsx server/start.ts) as an operator runs it,
// without NODE_ENV: it serves the production build, not Vite's development
// middleware, and it refuses to start when a stand-in URL is set. Needs the
// production build (npm run build), like the browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/demo/free-port";
import { sealEnv } from "../helpers/seal";

// Production needs the document-sealing certificate, as an operator sets it.
const seal = await sealEnv();

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `npm start`'s entry with the test's configuration, minus NODE_ENV, plus `extra`. */
function npmStart(extra: Record<string, string>): Started {
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "info", ...seal, ...extra };
  for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES"]) env[name] = process.env[name]!;
  // Its own database: start.ts migrates it.
  env.DATABASE_URL = `file:${path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, `start-${process.pid}-${children.length}.sqlite`)}`;
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

describe("npm start", () => {
  it("without NODE_ENV serves the production build: no Vite middleware", { timeout: 60_000 }, async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("Run `npm run build` first: npm start serves the production build.");
    const port = await freePort();
    const started = npmStart({ PORT: String(port) });
    await expect.poll(started.output, { timeout: 45_000, interval: 100 }).toContain("ritournelle listening");
    const listening = JSON.parse(started.output().split("\n").find((line) => line.includes("ritournelle listening"))!) as { mode: string };
    expect(listening.mode).toBe("production");
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // Vite's development middleware would serve its client here.
    expect((await fetch(`${base}/@vite/client`)).status).toBe(404);
    // The page's scripts are the build's hashed assets.
    expect(await (await fetch(`${base}/verify`)).text()).toMatch(/\/assets\/[\w-]+\.js/);
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
  });

  it("without NODE_ENV refuses a stand-in URL with one message saying how to fix it", { timeout: 30_000 }, async () => {
    const started = npmStart({ STRIPE_API_URL: "http://127.0.0.1:12111" });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('STRIPE_API_URL is set ("http://127.0.0.1:12111") while NODE_ENV is production');
    expect(started.output()).toContain("set ALLOW_STANDIN_URLS=1");
    expect(started.output()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
