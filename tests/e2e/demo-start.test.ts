// The README's first command: `./ritournelle demo` (`npm run demo`) starts the
// product with its embedded defaults on a fresh machine — no NODE_ENV (so the
// production build, as merchants run it), no sealing certificate, nothing but
// the stand-ins — and prints the URL of the admin host, which serves the app.
// Stop 12 broke it unnoticed: the production build began to require
// SEAL_CERT_PEM, which only the tests' processes were given.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/demo/free-port";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-demo-start-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("starts without NODE_ENV or a sealing certificate, prints the admin host's URL, and the app answers through it", async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("Run `npm run build` first: the demo serves the production build.");
    const [port, hostPort] = [await freePort(), await freePort()];
    // What a fresh shell has: no NODE_ENV, no SEAL_*, no app variables.
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, PORT: String(port), DEMO_HOST_PORT: String(hostPort), DEMO_DATABASE_FILE: path.join(dir, "demo.sqlite"), LOG_LEVEL: "warn" };
    const child = spawn(process.execPath, ["--import", "tsx", "sandbox/demo/main.ts"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 120_000;
      while (!/Open (http:\/\/\S+)/.test(output)) {
        if (child.exitCode !== null) throw new Error(`npm run demo exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`npm run demo printed no URL within 120 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const hostUrl = /Open (http:\/\/\S+)/.exec(output)![1]!;
      expect(hostUrl).toBe(`http://127.0.0.1:${hostPort}`);
      const host = await fetch(hostUrl);
      expect(host.status).toBe(200);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    }
    expect(output).not.toMatch(/cannot start/);
  });
});
